package field

import (
	"math"
	"mime"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// File limits shared by attachment, image and signature fields.
const (
	// MaxFilesLimit bounds MaxFiles of any file field.
	MaxFilesLimit = 100
	// MaxFileBytesLimit bounds MaxFileBytes of any file field (1 GiB).
	MaxFileBytesLimit = 1 << 30
	// maxFileName bounds a file name, in runes.
	maxFileName = 255
)

// filesType is a list of file references {"id", "name", "size",
// "content_type"} (stored keys must be valid data keys, so the client
// spelling "contentType" is accepted on input and stored as content_type):
// the files themselves live in the file store, which the
// pipeline asks whether each id exists and matches. Here the references are
// checked for shape, count (MaxFiles), size (MaxFileBytes) and type (Accept,
// plus image/* for image and signature fields).
type filesType struct {
	name         string
	imagesOnly   bool
	maxFiles     int   // the default, and for signatures the only value
	maxFilesCap  int   // the largest MaxFiles a design may set
	defaultBytes int64 // when MaxFileBytes is 0
}

func (t filesType) Name() string                   { return t.name }
func (filesType) Input() bool                      { return true }
func (filesType) Operators(*form.Field) []store.Op { return objectOps }

// fileExprType is the expression type of one file reference.
var fileExprType = expr.ObjectOf(map[string]expr.Type{"id": expr.Text, "name": expr.Text, "size": expr.Number, "content_type": expr.Text})

func (filesType) ExprType(*form.Field) expr.Type { return expr.ListOf(fileExprType) }

// limits returns the effective count and size limits of f.
func (t filesType) limits(f *form.Field) (int, int64) {
	n, size := t.maxFiles, t.defaultBytes
	if f.MaxFiles > 0 && f.MaxFiles <= t.maxFilesCap {
		n = f.MaxFiles
	}
	if f.MaxFileBytes > 0 && f.MaxFileBytes <= MaxFileBytesLimit {
		size = f.MaxFileBytes
	}
	return n, size
}

func (t filesType) CheckDesign(f *form.Field) []Error {
	var errs []Error
	if f.MaxFiles < 0 || f.MaxFiles > t.maxFilesCap {
		errs = append(errs, designErr("maxFiles", CodeRange, map[string]any{"min": 1, "max": t.maxFilesCap}))
	}
	if f.MaxFileBytes < 0 || f.MaxFileBytes > MaxFileBytesLimit {
		errs = append(errs, designErr("maxFileBytes", CodeRange, map[string]any{"min": 1, "max": MaxFileBytesLimit}))
	}
	for i, a := range f.Accept {
		if !validAccept(a) {
			errs = append(errs, designErr(indexPath("accept", i), CodeAcceptInvalid, map[string]any{"value": truncate(a)}))
		}
	}
	return errs
}

// validAccept checks one Accept entry: ".ext", "type/subtype" or "type/*".
func validAccept(a string) bool {
	if ext, ok := strings.CutPrefix(a, "."); ok {
		return ext != "" && len(ext) <= 16 && isToken(ext)
	}
	typ, sub, ok := strings.Cut(a, "/")
	return ok && isToken(typ) && (sub == "*" || isToken(sub))
}

// isToken matches lower-case letters, digits and + - . _ (MIME and extension characters).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func (t filesType) Schema(f *form.Field) map[string]any {
	n, size := t.limits(f)
	return nullable("array", map[string]any{
		"minItems": 1,
		"maxItems": n,
		"items": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"id":           map[string]any{"type": "string", "minLength": 1, "maxLength": store.MaxIDLength},
				"name":         map[string]any{"type": "string", "minLength": 1, "maxLength": maxFileName},
				"size":         map[string]any{"type": "integer", "minimum": 0, "maximum": size},
				"content_type": map[string]any{"type": "string", "pattern": "^[a-z0-9.+_-]+/[a-z0-9.+_-]+$"},
			},
			"required":             []any{"id", "name", "size", "content_type"},
			"additionalProperties": false,
		},
	})
}

func (t filesType) Normalize(_ Context, f *form.Field, at string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if m, ok := raw.(map[string]any); ok {
		raw = []any{m}
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, typeErr(at, "array")
	}
	maxFiles, maxBytes := t.limits(f)
	if len(list) > maxFiles {
		return nil, fail(at, CodeTooManyFiles, map[string]any{"max": maxFiles})
	}
	out := make([]any, 0, len(list))
	var errs []Error
	seen := make(map[string]bool, len(list))
	for i, e := range list {
		p := indexPath(at, i)
		ref, problems := t.fileRef(f, p, e, maxBytes)
		if problems != nil {
			errs = append(errs, problems...)
			continue
		}
		id := ref["id"].(string)
		if seen[id] {
			errs = append(errs, fail(subPath(p, "id"), CodeDuplicate, map[string]any{"value": id})...)
			continue
		}
		seen[id] = true
		out = append(out, ref)
	}
	if errs != nil {
		return nil, errs
	}
	return out, nil
}

// fileRef checks one reference.
func (t filesType) fileRef(f *form.Field, p string, e any, maxBytes int64) (map[string]any, []Error) {
	m, ok := e.(map[string]any)
	if !ok {
		return nil, typeErr(p, "object")
	}
	for k := range m {
		if k != "id" && k != "name" && k != "size" && k != "content_type" && k != "contentType" {
			return nil, fail(subPath(p, k), CodeUnknownField, map[string]any{"key": truncate(k)})
		}
	}
	id, ok := m["id"].(string)
	if !ok || !validID(id) {
		return nil, fail(subPath(p, "id"), CodeFile, nil)
	}
	name, ok := m["name"].(string)
	name = strings.TrimSpace(name)
	if !ok || name == "" || utf8.RuneCountInString(name) > maxFileName || textProblem(name, false) != "" || strings.ContainsAny(name, `/\`) {
		return nil, fail(subPath(p, "name"), CodeFile, nil)
	}
	size, _, ok := readNumber(m["size"])
	if _, isString := m["size"].(string); isString || !ok || size < 0 || size != math.Trunc(size) {
		return nil, fail(subPath(p, "size"), CodeFile, nil)
	}
	ctKey := "content_type"
	if _, snake := m[ctKey]; !snake {
		ctKey = "contentType"
	}
	ct, ok := m[ctKey].(string)
	if ct = contentType(ct); !ok || ct == "" {
		return nil, fail(subPath(p, ctKey), CodeFile, nil)
	}
	if errs := t.checkFile(f, p, name, ct, size, maxBytes); errs != nil {
		return nil, errs
	}
	return map[string]any{"id": id, "name": name, "size": size + 0, "content_type": ct}, nil
}

// checkFile applies the size and type limits of f to one file.
func (t filesType) checkFile(f *form.Field, p, name, ct string, size float64, maxBytes int64) []Error {
	if size > float64(maxBytes) {
		return fail(p, CodeFileTooLarge, map[string]any{"name": truncate(name), "max": maxBytes, "limit": humanBytes(maxBytes)})
	}
	if (t.imagesOnly && !strings.HasPrefix(ct, "image/")) || !accepted(f.Accept, name, ct) {
		return fail(p, CodeFileType, map[string]any{"name": truncate(name)})
	}
	return nil
}

// CheckFile judges an upload, as the file store recorded it, with the
// limits Normalize applies to a client's description of it.
func (t filesType) CheckFile(f *form.Field, p string, info FileInfo) []Error {
	_, maxBytes := t.limits(f)
	ct := contentType(info.ContentType)
	if ct == "" {
		return fail(p, CodeFileType, map[string]any{"name": truncate(info.Name)})
	}
	return t.checkFile(f, p, info.Name, ct, float64(info.Size), maxBytes)
}

// contentType returns the lower-cased media type without parameters, or ""
// when it is not type/subtype.
func contentType(s string) string {
	mt, _, err := mime.ParseMediaType(s)
	if err != nil {
		return ""
	}
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || !isToken(typ) || !isToken(sub) {
		return ""
	}
	return mt
}

// accepted matches a file against Accept entries (none means any).
func accepted(accept []string, name, ct string) bool {
	if len(accept) == 0 {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	for _, a := range accept {
		switch {
		case strings.HasPrefix(a, "."):
			if ext == a {
				return true
			}
		case strings.HasSuffix(a, "/*"):
			if strings.HasPrefix(ct, a[:len(a)-1]) {
				return true
			}
		case a == ct:
			return true
		}
	}
	return false
}

// humanBytes renders a size limit: 1048576 -> "1 MB".
func humanBytes(n int64) string {
	units := []string{"B", "KB", "MB", "GB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + " " + units[i]
}

func (filesType) ExprValue(_ Context, _ *form.Field, stored any) any {
	list, ok := stored.([]any)
	if !ok {
		return nil
	}
	return list
}

// fileNames lists the names of stored file references.
func fileNames(stored any) []string {
	list, _ := stored.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// Format lists the file names.
func (filesType) Format(_ Context, _ *form.Field, stored any, lang string) string {
	return joinList(fileNames(stored), lang)
}

func (filesType) ToCell(_ Context, _ *form.Field, stored any) string { return storedJSONCell(stored) }

// FromCell reads the JSON ToCell writes: file references cannot be typed by
// hand (the files must be uploaded first).
func (t filesType) FromCell(ctx Context, f *form.Field, p, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return nil, nil
	}
	v, ok := jsonCell(s)
	if !ok {
		return nil, typeErr(p, "array")
	}
	return t.Normalize(ctx, f, p, v)
}
