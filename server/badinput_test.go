package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadInput covers malformed and hostile requests: each scenario is one
// request against a published form, with the expected status and error code.
func TestBadInput(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	member := en.addMember("member@example.com")
	rec := en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "甲"}}, nil).expect(201).str("id")
	created := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "ci"}, nil).expect(201)
	revoked := created.str("token")
	en.do("DELETE", "/api/v1/tokens/"+created.str("id"), en.admin, nil, nil).expect(204)
	readOnly := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "ro", "scopes": []string{"read"}}, nil).expect(201).str("token")
	vars := map[string]string{"admin": en.admin, "member": member, "revoked": revoked, "readonly": readOnly, "form": form, "rec": rec,
		"bogus": "flt_01m8m0arcm6v4fbdh22fzq60b0_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	deep := `{"field":"company","op":"eq","value":"x"}`
	for range 20 {
		deep = `{"not":` + deep + `}`
	}
	run(t, en, vars, []step{
		{name: "malformed JSON", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin", body: `{"data":{"company":`, status: 400, contains: []string{`"code":"bad_json"`}},
		{name: "trailing data", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin", body: `{"data":{}} {}`, status: 400, contains: []string{`"code":"bad_json"`}},
		{name: "unknown top-level property", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin", body: `{"data":{},"owner":"me"}`, status: 400, contains: []string{`"code":"bad_json"`}},
		{name: "wrong content type", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin", body: `data=1`,
			headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415, contains: []string{`"code":"unsupported_media_type"`}},
		{name: "oversized body", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin",
			body: `{"data":{"notes":"` + strings.Repeat("x", 70<<10) + `"}}`, status: 413, contains: []string{`"code":"body_too_large"`}},
		{name: "unknown and system fields", method: "POST", path: "/api/v1/forms/{form}/records", token: "admin",
			body: map[string]any{"data": map[string]any{"company": "乙", "hacker": 1, "createdBy": "x", "_id": "y"}}, status: 422,
			contains: []string{`"path":"hacker","code":"unknown_field"`, `"path":"createdBy","code":"system_field"`, `"path":"_id","code":"system_field"`}},
		{name: "update without version", method: "PATCH", path: "/api/v1/forms/{form}/records/{rec}", token: "admin",
			body: map[string]any{"data": map[string]any{"company": "丙"}}, status: 422, contains: []string{`"path":"version"`}},
		{name: "no credentials", method: "GET", path: "/api/v1/apps", status: 401, contains: []string{`"code":"unauthenticated"`}},
		{name: "unknown token", method: "GET", path: "/api/v1/apps", token: "bogus", status: 401},
		{name: "revoked token", method: "GET", path: "/api/v1/apps", token: "revoked", status: 401},
		{name: "read-only token writes", method: "POST", path: "/api/v1/forms/{form}/records", token: "readonly",
			body: map[string]any{"data": map[string]any{"company": "丁"}}, status: 403, contains: []string{`"code":"scope"`}},
		{name: "read-only token reads", method: "GET", path: "/api/v1/forms/{form}/records/{rec}", token: "readonly", status: 200},
		{name: "member creates app", method: "POST", path: "/api/v1/apps", token: "member", body: map[string]any{"name": "X"}, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "member adds user", method: "POST", path: "/api/v1/users", token: "member",
			body: map[string]any{"email": "x@example.com", "name": "X", "password": "long enough pw"}, status: 403},
		{name: "member creates department", method: "POST", path: "/api/v1/departments", token: "member", body: map[string]any{"name": "销售部"}, status: 403},
		{name: "member edits the draft", method: "PUT", path: "/api/v1/forms/{form}", token: "member",
			body: map[string]any{"name": "X", "definition": map[string]any{"fields": []any{}}, "version": 2}, status: 403},
		{name: "member deletes the form", method: "DELETE", path: "/api/v1/forms/{form}", token: "member", status: 403},
		{name: "member writes records", method: "POST", path: "/api/v1/forms/{form}/records", token: "member", body: map[string]any{"data": map[string]any{"company": "戊"}}, status: 201},
		{name: "missing form", method: "GET", path: "/api/v1/forms/01m8m0arcm6v4fbdh22fzq60b0/records/{rec}", token: "admin", status: 404, contains: []string{`"code":"not_found"`}},
		{name: "missing record", method: "GET", path: "/api/v1/forms/{form}/records/01m8m0arcm6v4fbdh22fzq60b0", token: "admin", status: 404},
		{name: "hostile id", method: "GET", path: "/api/v1/forms/{form}/records/..%2F..%2Fetc", token: "admin", status: 404},
		{name: "missing app", method: "GET", path: "/api/v1/apps/nope", token: "admin", status: 404},
		{name: "unknown route", method: "GET", path: "/api/v1/nope", token: "admin", status: 404, contains: []string{`"code":"route_not_found"`}},
		{name: "aggregate by stage", method: "POST", path: "/api/v1/forms/{form}/records/aggregate", token: "readonly",
			body: map[string]any{"groupBy": []any{map[string]any{"field": "createdAt", "bucket": "month"}}, "metrics": []any{map[string]any{"op": "count"}}}, status: 200, contains: []string{`"groups":[{"keys":["`}},
		{name: "aggregate sum of text", method: "POST", path: "/api/v1/forms/{form}/records/aggregate", token: "admin",
			body: map[string]any{"metrics": []any{map[string]any{"op": "count"}, map[string]any{"op": "sum", "field": "company"}}}, status: 422, contains: []string{`"path":"metrics[1].field","code":"aggregate"`}},
		{name: "aggregate operator injection", method: "POST", path: "/api/v1/forms/{form}/records/aggregate", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "company", "op": "$where", "value": "1"}, "metrics": []any{map[string]any{"op": "count"}}}, status: 422},
		{name: "aggregate bad deleted", method: "POST", path: "/api/v1/forms/{form}/records/aggregate", token: "admin",
			body: map[string]any{"deleted": "all", "metrics": []any{map[string]any{"op": "count"}}}, status: 400},
		{name: "operator injection", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "company", "op": "$where", "value": "sleep(1000)"}}, status: 422},
		{name: "mongo operator as value", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "company", "op": "eq", "value": map[string]any{"$ne": nil}}}, status: 422},
		{name: "system path in filter", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "_id", "op": "exists", "value": true}}, status: 422},
		{name: "unknown field in filter", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: map[string]any{"filter": map[string]any{"field": "password_hash", "op": "eq", "value": "x"}}, status: 422},
		{name: "unknown filter property", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin",
			body: `{"filter":{"field":"company","op":"eq","value":"x","$where":"1"}}`, status: 400},
		{name: "filter too deep", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin", body: `{"filter":` + deep + `}`, status: 422},
		{name: "page too large", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin", body: map[string]any{"limit": 100000}, status: 422},
		{name: "forged cursor", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin", body: map[string]any{"cursor": "eyJzIjoxfQ"}, status: 422},
		{name: "bad filter in GET", method: "GET", path: "/api/v1/forms/{form}/records?filter=%7B", token: "admin", status: 400},
		{name: "bad limit in GET", method: "GET", path: "/api/v1/forms/{form}/records?limit=-1", token: "admin", status: 400},
		{name: "hostile expression", method: "POST", path: "/api/v1/forms/{form}/expressions/check", token: "admin",
			body: map[string]any{"expression": strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)}, status: 200, contains: []string{`"diagnostics"`}},
		{name: "expression calling Go", method: "POST", path: "/api/v1/forms/{form}/expressions/check", token: "admin",
			body: map[string]any{"expression": `os.Exit(1)`}, status: 200, contains: []string{`"diagnostics"`}},
		{name: "wrong password", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "admin@example.com", "password": "wrong"},
			status: 401, contains: []string{`"code":"login_failed"`}},
		{name: "setup again", method: "POST", path: "/api/v1/setup",
			body: map[string]any{"token": "x", "email": "y@example.com", "name": "Y", "password": "long enough pw", "workspace": map[string]any{"name": "W"}}, status: 409},
		{name: "token cannot mint tokens", method: "POST", path: "/api/v1/tokens", token: "readonly", body: map[string]any{"name": "x"}, status: 403},
	})
}

// TestCookieSessionNeedsCSRF: a browser session writes only with its CSRF token.
func TestCookieSessionNeedsCSRF(t *testing.T) {
	en := newEnv(t)
	cookie := map[string]string{"Cookie": "formloom_session=" + en.admin}
	en.do("GET", "/api/v1/me", "", nil, cookie).expect(200)
	en.do("POST", "/api/v1/apps", "", map[string]any{"name": "A"}, cookie).expect(403)
	cookie["X-CSRF-Token"] = "wrong"
	en.do("POST", "/api/v1/apps", "", map[string]any{"name": "A"}, cookie).expect(403)
	cookie["X-CSRF-Token"] = en.csrf
	en.do("POST", "/api/v1/apps", "", map[string]any{"name": "A"}, cookie).expect(201)
}

// TestLoginRateLimit: repeated failures on one account are refused with 429.
func TestLoginRateLimit(t *testing.T) {
	en := newEnv(t)
	var last *response
	for range 11 {
		last = en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "guess"}, nil)
	}
	last.expect(429)
	if last.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	// The right password is refused too while the account is locked.
	en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery"}, nil).expect(429)
}

// TestFiles uploads and downloads a file, and refuses HTML and oversized files.
func TestFiles(t *testing.T) {
	en := newEnv(t)
	// Uploads go on fresh connections: a POST on a kept-alive connection
	// that the server closes at the same moment fails with a broken pipe,
	// and a client never retries a POST.
	en.client = &http.Client{Timeout: en.client.Timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	upload := func(name string, content []byte, headers ...string) *response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
		w.Close()
		h := map[string]string{"Content-Type": w.FormDataContentType()}
		for i := 0; i+1 < len(headers); i += 2 {
			h[headers[i]] = headers[i+1]
		}
		return en.do("POST", "/api/v1/files", en.admin, b.Bytes(), h)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	id := upload("logo.png", png).expect(201).str("id")
	res := en.do("GET", "/api/v1/files/"+id, en.admin, nil, nil).expect(200)
	if !bytes.Equal(res.raw, png) || res.header.Get("Content-Type") != "image/png" {
		t.Fatalf("download differs: %q %s", res.header.Get("Content-Type"), res.raw[:8])
	}
	upload("x.html", []byte("<html><script>alert(1)</script></html>")).expect(422)
	if r := upload("big.txt", bytes.Repeat([]byte("a"), 300<<10)).expect(422); !strings.Contains(string(r.raw), `"code":"file_too_large"`) {
		t.Fatalf("want file_too_large: %s", r.raw)
	}
	// An upload over the limit with Expect: 100-continue is refused by its
	// Content-Length before any of its body is read. The request is written
	// by hand and its body never sent: a client that sends the body after
	// the server's 100 Continue races the server closing the connection
	// (a broken pipe on a busy machine).
	if status := expectContinueStatus(t, en.base, "/api/v1/files", en.admin, 400<<10); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload with Expect: 100-continue: status %d, want 413", status)
	}
	en.do("POST", "/api/v1/files", en.admin, `{"file":1}`, nil).expect(415)
	en.do("GET", "/api/v1/files/"+id, "", nil, nil).expect(401)
}

// expectContinueStatus sends the headers of a POST of size bytes to path
// with Expect: 100-continue, never its body, and returns the first final
// (non-1xx) status the server answers.
func expectContinueStatus(t *testing.T, base, path, token string, size int) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		path, strings.TrimPrefix(base, "http://"), token, size)
	br := bufio.NewReader(conn)
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 200 {
			return res.StatusCode
		}
	}
}
