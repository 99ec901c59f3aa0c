package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func file(id, name string, size float64, ct string) map[string]any {
	return map[string]any{"id": id, "name": name, "size": size, "content_type": ct}
}

func TestAttachmentNormalize(t *testing.T) {
	pdf := file("f1", "报价单.pdf", 1024, "application/pdf")
	runNormalize(t, "attachment", []normCase{
		{name: "one", raw: []any{pdf}, want: []any{pdf}},
		{name: "single object", raw: pdf, want: []any{pdf}},
		{name: "content type normalized", raw: []any{file("f1", "a.pdf", 1, "Application/PDF; charset=binary")}, want: []any{file("f1", "a.pdf", 1, "application/pdf")}},
		{name: "json.Number size", raw: []any{map[string]any{"id": "f1", "name": "a", "size": jsonNum("10"), "content_type": "text/plain"}}, want: []any{file("f1", "a", 10, "text/plain")}},
		{name: "contentType spelling accepted", raw: []any{map[string]any{"id": "f1", "name": "a", "size": 1.0, "contentType": "text/plain"}}, want: []any{file("f1", "a", 1, "text/plain")}},
		{name: "empty", raw: []any{}, want: nil},
		{name: "string refused", raw: "f1", code: CodeType},
		{name: "element not object", raw: []any{"f1"}, code: CodeType, path: "f[0]"},
		{name: "missing id", raw: []any{map[string]any{"name": "a", "size": 1.0, "content_type": "text/plain"}}, code: CodeFile, path: "f[0].id"},
		{name: "path in name", raw: []any{file("f1", "../etc/passwd", 1, "text/plain")}, code: CodeFile, path: "f[0].name"},
		{name: "negative size", raw: []any{file("f1", "a", -1, "text/plain")}, code: CodeFile, path: "f[0].size"},
		{name: "fractional size", raw: []any{file("f1", "a", 1.5, "text/plain")}, code: CodeFile, path: "f[0].size"},
		{name: "bad content type", raw: []any{file("f1", "a", 1, "pdf")}, code: CodeFile, path: "f[0].content_type"},
		{name: "unknown key", raw: []any{map[string]any{"id": "f1", "url": "x"}}, code: CodeUnknownField, path: "f[0].url"},
		{name: "duplicate id", raw: []any{pdf, pdf}, code: CodeDuplicate, path: "f[1].id"},
		{name: "MaxFiles", f: form.Field{MaxFiles: 1}, raw: []any{pdf, file("f2", "b.pdf", 1, "application/pdf")}, code: CodeTooManyFiles},
		{name: "MaxFileBytes", f: form.Field{MaxFileBytes: 100}, raw: []any{pdf}, code: CodeFileTooLarge, path: "f[0]"},
		{name: "default 100 MB", raw: []any{file("f1", "big.zip", 100<<20+1, "application/zip")}, code: CodeFileTooLarge, path: "f[0]"},
		{name: "Accept extension", f: form.Field{Accept: []string{".pdf"}}, raw: []any{pdf}, want: []any{pdf}},
		{name: "Accept refuses", f: form.Field{Accept: []string{".docx", "image/*"}}, raw: []any{pdf}, code: CodeFileType, path: "f[0]"},
		{name: "Accept wildcard", f: form.Field{Accept: []string{"application/*"}}, raw: []any{pdf}, want: []any{pdf}},
	})
}

func TestImageAndSignatureNormalize(t *testing.T) {
	png := file("i1", "logo.png", 2048, "image/png")
	runNormalize(t, "image", []normCase{
		{name: "png", raw: []any{png}, want: []any{png}},
		{name: "pdf refused", raw: []any{file("f1", "a.pdf", 1, "application/pdf")}, code: CodeFileType, path: "f[0]"},
		{name: "default 20 MB", raw: []any{file("i1", "a.png", 20<<20+1, "image/png")}, code: CodeFileTooLarge, path: "f[0]"},
	})
	runNormalize(t, "signature", []normCase{
		{name: "one", raw: []any{png}, want: []any{png}},
		{name: "object", raw: png, want: []any{png}},
		{name: "two refused", raw: []any{png, file("i2", "b.png", 1, "image/png")}, code: CodeTooManyFiles},
		{name: "not an image", raw: []any{file("f1", "a.txt", 1, "text/plain")}, code: CodeFileType, path: "f[0]"},
	})
}

func TestFilesDesignFormatCells(t *testing.T) {
	runDesign(t, "attachment", []designCase{
		{name: "valid", f: form.Field{MaxFiles: 5, MaxFileBytes: 1 << 20, Accept: []string{".pdf", "image/*", "application/vnd.ms-excel"}}},
		{name: "too many files", f: form.Field{MaxFiles: 101}, codes: []string{"maxFiles:range"}},
		{name: "too large", f: form.Field{MaxFileBytes: 2 << 30}, codes: []string{"maxFileBytes:range"}},
		{name: "bad accept", f: form.Field{Accept: []string{"pdf", ".", "Image/PNG"}}, codes: []string{"accept[0]:accept_invalid", "accept[1]:accept_invalid", "accept[2]:accept_invalid"}},
	})
	runDesign(t, "signature", []designCase{
		{name: "one", f: form.Field{MaxFiles: 1}},
		{name: "two", f: form.Field{MaxFiles: 2}, codes: []string{"maxFiles:range"}},
	})
	v := []any{file("f1", "a.pdf", 1, "application/pdf"), file("f2", "b.pdf", 1, "application/pdf")}
	if got := format("attachment", form.Field{}, v, "zh-CN"); got != "a.pdf、b.pdf" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "attachment", form.Field{}, v)
	runFromCell(t, "attachment", []cellCase{
		{name: "empty", cell: "", want: nil},
		{name: "names cannot be imported", cell: "a.pdf", code: CodeType},
	})
	typ, _ := Get("attachment")
	errs := func() []Error {
		_, e := typ.Normalize(testCtx(), &form.Field{MaxFileBytes: 1 << 20}, "f", []any{file("f1", "a", 2<<20, "text/plain")})
		return e
	}()
	if errs[0].Params["limit"] != "1 MB" {
		t.Errorf("limit param = %v", errs[0].Params["limit"])
	}
}
