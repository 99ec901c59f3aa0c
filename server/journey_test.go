package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// step is one request of a scenario table. Path and body may use {name}
// placeholders filled from values captured by earlier steps.
type step struct {
	name     string
	method   string
	path     string
	token    string // a captured name holding a token; "" sends none
	body     any
	headers  map[string]string
	status   int
	contains []string // substrings the raw body must contain
	absent   []string // substrings it must not contain
	capture  map[string]string
}

func fill(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func fillAny(v any, vars map[string]string) any {
	switch x := v.(type) {
	case string:
		return fill(x, vars)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = fillAny(e, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fillAny(e, vars)
		}
		return out
	}
	return v
}

// run executes steps in order; captured values are strings or numbers.
func run(t *testing.T, en *env, vars map[string]string, steps []step) {
	t.Helper()
	for _, s := range steps {
		body := s.body
		if str, ok := body.(string); ok {
			body = fill(str, vars)
		} else if body != nil {
			body = fillAny(body, vars)
		}
		res := en.do(s.method, fill(s.path, vars), vars[s.token], body, s.headers)
		if res.status != s.status {
			t.Fatalf("%s: %s %s: status %d, want %d: %s", s.name, s.method, fill(s.path, vars), res.status, s.status, res.raw)
		}
		for _, c := range s.contains {
			if !strings.Contains(string(res.raw), fill(c, vars)) {
				t.Fatalf("%s: body lacks %q: %s", s.name, fill(c, vars), res.raw)
			}
		}
		for _, c := range s.absent {
			if strings.Contains(string(res.raw), fill(c, vars)) {
				t.Fatalf("%s: body has %q: %s", s.name, fill(c, vars), res.raw)
			}
		}
		for name, key := range s.capture {
			switch v := dig(res.body, key).(type) {
			case string:
				vars[name] = v
			case float64:
				vars[name] = fmt.Sprint(int64(v))
			default:
				t.Fatalf("%s: no %q to capture in %s", s.name, key, res.raw)
			}
		}
	}
}

// dig reads a dotted path ("user.id", "items.0.id") from a decoded JSON object.
func dig(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		if l, ok := v.([]any); ok {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(l) {
				return nil
			}
			v = l[i]
			continue
		}
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// journeySteps is the user journey of issue 4: login → app → form → publish
// → records → query → history → delete → restore. The environment did setup.
func journeySteps() []step {
	jsonRecord := map[string]any{"data": map[string]any{"company": "华为", "amount": 120000, "stage": "won", "region": "华南",
		"email": "li@example.com", "close_date": "2026-12-31", "probability": 80}}
	return []step{
		{name: "login", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "admin@example.com", "password": "correct horse battery"},
			status: 200, contains: []string{`"token":"fls_`}, capture: map[string]string{"tok": "token"}},
		{name: "me", method: "GET", path: "/api/v1/me", token: "tok", status: 200, contains: []string{`"role":"admin"`, `"authMethod":"session"`, "示例公司"}},
		{name: "create app", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": "CRM", "description": "销售管理"},
			status: 201, capture: map[string]string{"app": "id", "appVersion": "version"}},
		{name: "rename app", method: "PATCH", path: "/api/v1/apps/{app}", token: "tok", body: map[string]any{"name": "CRM 2", "version": 1},
			status: 200, contains: []string{`"name":"CRM 2"`, `"version":2`}},
		{name: "list apps", method: "GET", path: "/api/v1/apps", token: "tok", status: 200, contains: []string{`"id":"{app}"`}},
		{name: "create form", method: "POST", path: "/api/v1/apps/{app}/forms", token: "tok", body: "{form}",
			status: 201, capture: map[string]string{"form": "id", "formVersion": "version"}},
		{name: "records before publish", method: "POST", path: "/api/v1/forms/{form}/records", token: "tok", body: jsonRecord,
			status: 409, contains: []string{`"code":"not_published"`}},
		{name: "check expression", method: "POST", path: "/api/v1/forms/{form}/expressions/check", token: "tok",
			body: map[string]any{"expression": "amount * probability / 100"}, status: 200, contains: []string{`"type":"number"`}},
		{name: "check broken expression", method: "POST", path: "/api/v1/forms/{form}/expressions/check", token: "tok",
			body: map[string]any{"expression": "amount +"}, status: 200, contains: []string{`"line":1`, `"column"`}},
		{name: "publish", method: "POST", path: "/api/v1/forms/{form}/publish", token: "tok", body: map[string]any{"version": "{formVersion}"},
			status: 400, contains: []string{`"code":"bad_json"`}},
		{name: "publish for real", method: "POST", path: "/api/v1/forms/{form}/publish", token: "tok", body: `{"version":{formVersion}}`,
			status: 201, contains: []string{`"number":1`, `"kind":"added"`}},
		{name: "versions", method: "GET", path: "/api/v1/forms/{form}/versions", token: "tok", status: 200, contains: []string{`"number":1`}},
		{name: "create record", method: "POST", path: "/api/v1/forms/{form}/records", token: "tok", body: jsonRecord,
			status: 201, contains: []string{`"version":1`, `"createdBy"`, `"data":{`, `"company":"华为"`}, capture: map[string]string{"rec": "id"}},
		{name: "second record", method: "POST", path: "/api/v1/forms/{form}/records", token: "tok",
			body: map[string]any{"data": map[string]any{"company": "小米", "amount": 3000, "stage": "new", "region": "华北"}}, status: 201},
		{name: "invalid record", method: "POST", path: "/api/v1/forms/{form}/records", token: "tok",
			body:    map[string]any{"data": map[string]any{"amount": "lots", "stage": "maybe", "email": "nope"}},
			headers: map[string]string{"Accept-Language": "zh-CN,zh;q=0.9"},
			status:  422, contains: []string{`"code":"invalid"`, `"path":"email"`, `"path":"stage"`, "请输入有效的邮箱地址"}},
		{name: "get record", method: "GET", path: "/api/v1/forms/{form}/records/{rec}", token: "tok", status: 200, contains: []string{`"id":"{rec}"`, `"formVersion":1`}},
		{name: "update record", method: "PATCH", path: "/api/v1/forms/{form}/records/{rec}", token: "tok",
			body: map[string]any{"data": map[string]any{"stage": "lost"}, "version": 1}, status: 200, contains: []string{`"version":2`, `"stage":"lost"`}},
		{name: "stale update", method: "PATCH", path: "/api/v1/forms/{form}/records/{rec}", token: "tok",
			body: map[string]any{"data": map[string]any{"stage": "won"}, "version": 1}, status: 409, contains: []string{`"code":"conflict"`}},
		{name: "query", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "tok",
			body: map[string]any{"filter": map[string]any{"and": []any{map[string]any{"field": "region", "op": "eq", "value": "华南"},
				map[string]any{"or": []any{map[string]any{"field": "amount", "op": "gt", "value": 50000}, map[string]any{"field": "stage", "op": "in", "value": []any{"won"}}}}}},
				"sort": []any{map[string]any{"field": "amount", "desc": true}}, "limit": 20, "total": true},
			status: 200, contains: []string{`"id":"{rec}"`, `"total":1`}, absent: []string{"小米"}},
		{name: "list with GET", method: "GET", path: "/api/v1/forms/{form}/records?sort=-amount&limit=1", token: "tok",
			status: 200, contains: []string{`"id":"{rec}"`, `"nextCursor"`}, absent: []string{`"total"`}},
		{name: "history", method: "GET", path: "/api/v1/forms/{form}/records/{rec}/history", token: "tok",
			status: 200, contains: []string{`"action":"created"`, `"action":"updated"`, `"source":"api"`}},
		{name: "delete stale", method: "DELETE", path: "/api/v1/forms/{form}/records/{rec}?version=1", token: "tok", status: 409},
		{name: "delete", method: "DELETE", path: "/api/v1/forms/{form}/records/{rec}?version=2", token: "tok", status: 204},
		{name: "gone from list", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "tok", body: map[string]any{},
			status: 200, absent: []string{"{rec}"}},
		{name: "in recycle bin", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "tok", body: map[string]any{"deleted": "only"},
			status: 200, contains: []string{"{rec}", `"deletedAt"`}},
		{name: "restore", method: "POST", path: "/api/v1/forms/{form}/records/{rec}/restore", token: "tok", status: 200, contains: []string{`"version":4`}},
		{name: "history after restore", method: "GET", path: "/api/v1/forms/{form}/records/{rec}/history", token: "tok",
			status: 200, contains: []string{`"action":"deleted"`, `"action":"restored"`}},
		{name: "logout", method: "POST", path: "/api/v1/auth/logout", token: "tok", status: 204},
		{name: "session ended", method: "GET", path: "/api/v1/me", token: "tok", status: 401},
	}
}

func TestJourneySQLite(t *testing.T) {
	en := newEnv(t)
	vars := map[string]string{"form": string(mustJSON(t, benchForm(t)))}
	run(t, en, vars, journeySteps())
}

// TestRestartKeepsData stops the server and the store and starts them again
// on the same data directory: accounts, forms and records are still there.
func TestRestartKeepsData(t *testing.T) {
	dir, blobs := t.TempDir(), t.TempDir()
	st := openSQLite(t, dir)
	en := start(t, st, blobs)
	form := en.publishedForm()
	rec := en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "持久"}}, nil).expect(201).str("id")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st2 := openSQLite(t, dir)
	t.Cleanup(func() { st2.Close() })
	en2 := start(t, st2, blobs)
	tok := en2.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery"}, nil).expect(200).str("token")
	en2.do("GET", "/api/v1/forms/"+form+"/records/"+rec, tok, nil, nil).expect(200)
	en2.do("GET", "/api/v1/setup", "", nil, nil).expect(200)
	if r := en2.do("GET", "/api/v1/setup", "", nil, nil); r.body["needed"] != false {
		t.Fatalf("setup still needed after restart: %s", r.raw)
	}
}
