package server_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
)

// multipartFile builds a multipart body with the file field and extra form
// fields; it returns the body and its Content-Type header.
func multipartFile(t testing.TB, name string, content []byte, fields map[string]string) ([]byte, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return b.Bytes(), map[string]string{"Content-Type": w.FormDataContentType()}
}

// TestRecordExportImport covers the export and import endpoints: each
// scenario is one request, with the expected status and body content.
func TestRecordExportImport(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "=1+2", "amount": 100, "stage": "won"}}, nil).expect(201)
	en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "华为", "amount": 5}}, nil).expect(201)
	readOnly := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "ro", "scopes": []string{"read"}}, nil).expect(201).str("token")
	vars := map[string]string{"admin": en.admin, "form": form, "readonly": readOnly}

	good := []byte("\uFEFF公司,金额,阶段,来路不明\n腾讯,10,赢单,x\n阿里,20,,x\n")
	bad := []byte("公司,金额\n甲,1\n乙,不是数字\n,3\n")
	upload := func(content []byte, fields map[string]string) ([]byte, map[string]string) {
		return multipartFile(t, "线索.csv", content, fields)
	}
	goodBody, goodHdr := upload(good, nil)
	dryBody, dryHdr := upload(good, map[string]string{"dryRun": "true"})
	badBody, badHdr := upload(bad, nil)
	binBody, binHdr := upload([]byte("\x00\x01\x02\x03"), nil)
	zipBody, zipHdr := upload([]byte("PK\x03\x04broken"), nil)
	noFile, noFileHdr := multipartFile(t, "", nil, map[string]string{"dryRun": "1"})

	run(t, en, vars, []step{
		{name: "export csv", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin", headers: map[string]string{"Accept-Language": "zh-CN"},
			body: map[string]any{"format": "csv", "sort": []any{map[string]any{"field": "amount", "desc": true}}}, status: 200,
			contains: []string{"\uFEFF公司,联系人,邮箱", "'=1+2,", "华为", "数据 ID"}},
		{name: "export with a filter", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "company", "op": "eq", "value": "华为"}}, status: 200,
			contains: []string{"华为"}, absent: []string{"=1+2"}},
		{name: "export in English", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			headers: map[string]string{"Accept-Language": "en"}, body: map[string]any{}, status: 200, contains: []string{"Record ID,Created at"}},
		{name: "export xlsx", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			body: map[string]any{"format": "xlsx"}, status: 200, contains: []string{"PK\x03\x04"}},
		// POST needs the write scope, as for records/query.
		{name: "export with a read-only token (export is a read)", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "readonly", body: map[string]any{}, status: 200, contains: []string{"华为"}},
		{name: "export bad format", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			body: map[string]any{"format": "pdf"}, status: 422, contains: []string{`"path":"format","code":"export_format"`}},
		{name: "export unknown field in filter", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "nope", "op": "eq", "value": 1}}, status: 422, contains: []string{"unknown_field"}},
		{name: "export unknown property", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "admin",
			body: `{"format":"csv","columns":[]}`, status: 400, contains: []string{`"code":"bad_json"`}},
		{name: "export missing form", method: "POST", path: "/api/v1/forms/01m8m0arcm6v4fbdh22fzq60b0/records/export", token: "admin", body: map[string]any{}, status: 404},
		{name: "export without credentials", method: "POST", path: "/api/v1/forms/{form}/records/export", body: map[string]any{}, status: 401},

		{name: "import dry run", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: dryBody, headers: dryHdr, status: 200,
			contains: []string{`"dryRun":true`, `"valid":true`, `"rows":2`, `"created":0`, `"reason":"import_unknown_column"`, "来路不明"}},
		{name: "import bad rows", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: badBody, headers: badHdr, status: 422,
			contains: []string{`"code":"import_rejected"`, `"row":3,"column":"金额","path":"amount","code":"type"`, `"row":4,"column":"公司"`, `"path":"rows[3].amount"`}},
		{name: "import bad rows in English", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: badBody,
			headers: map[string]string{"Content-Type": badHdr["Content-Type"], "Accept-Language": "en"}, status: 422, contains: []string{"nothing was imported"}},
		{name: "records unchanged after a refused import", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"total": true}, status: 200, contains: []string{`"total":2`}},
		{name: "import", method: "POST", path: "/api/v1/forms/{form}/records/import?skipAutomations=true", token: "admin", body: goodBody, headers: goodHdr, status: 201,
			contains: []string{`"created":2`, `"skipAutomations":true`, `"ids":[`}},
		{name: "imported records", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"total": true, "filter": map[string]any{"field": "company", "op": "eq", "value": "腾讯"}}, status: 200,
			contains: []string{`"total":1`, `"stage":"won"`}},
		{name: "import not a spreadsheet", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: binBody, headers: binHdr, status: 422,
			contains: []string{`"path":"file","code":"import_format"`}},
		{name: "import broken xlsx", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: zipBody, headers: zipHdr, status: 422,
			contains: []string{`"code":"import_broken"`}},
		{name: "import without a file", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: noFile, headers: noFileHdr, status: 400,
			contains: []string{`"code":"bad_parameter"`}},
		{name: "import JSON", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "admin", body: map[string]any{"rows": []any{}}, status: 415},
		{name: "import bad flag", method: "POST", path: "/api/v1/forms/{form}/records/import?dryRun=maybe", token: "admin", body: goodBody, headers: goodHdr, status: 400,
			contains: []string{`"code":"bad_parameter"`}},
		{name: "import with a read-only token", method: "POST", path: "/api/v1/forms/{form}/records/import", token: "readonly", body: goodBody, headers: goodHdr, status: 403},
		{name: "import without credentials", method: "POST", path: "/api/v1/forms/{form}/records/import", body: goodBody, headers: goodHdr, status: 401},
	})

	// The download is named in UTF-8 with an ASCII fallback.
	res := en.do("POST", "/api/v1/forms/"+form+"/records/export", en.admin, map[string]any{"format": "xlsx"}, nil).expect(200)
	cd := res.header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="`) || !strings.Contains(cd, "filename*=UTF-8''%E") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("Content-Type = %q", ct)
	}
	// A file between the JSON limit and the upload limit is accepted.
	mid, midHdr := upload(append([]byte("公司\n"), bytes.Repeat([]byte("甲\n"), 30000)...), map[string]string{"dryRun": "true"})
	if len(mid) < 64<<10 {
		t.Fatalf("test file too small: %d", len(mid))
	}
	en.do("POST", "/api/v1/forms/"+form+"/records/import", en.admin, mid, midHdr).expect(422)
}
