package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserSessionSource checks that a write authenticated by the session
// cookie (as the browser app makes it: no Authorization header, the CSRF
// token echoed) is recorded with source "ui", one with a Bearer token with
// source "api", and that the session cookie is HttpOnly and SameSite=Lax.
func TestBrowserSessionSource(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	login := en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": "correct horse battery"}, nil).expect(200)
	var session, csrf *http.Cookie
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		switch c.Name {
		case "formloom_session":
			session = c
		case "formloom_csrf":
			csrf = c
		}
	}
	if session == nil || csrf == nil {
		t.Fatalf("login set no session cookies: %v", login.header.Values("Set-Cookie"))
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie must be HttpOnly and SameSite=Lax: %+v", session)
	}
	if csrf.HttpOnly {
		t.Fatalf("the CSRF cookie must be readable by the page: %+v", csrf)
	}
	cookies := "formloom_session=" + session.Value + "; formloom_csrf=" + csrf.Value
	browser := map[string]string{"Cookie": cookies, "X-CSRF-Token": csrf.Value}
	vars := map[string]string{"form": form, "tok": en.admin}
	steps := []step{
		{name: "cookie write without the CSRF token", method: "POST", path: "/api/v1/forms/{form}/records",
			body: map[string]any{"data": map[string]any{"company": "无令牌"}}, headers: map[string]string{"Cookie": cookies}, status: 403},
		{name: "cookie write", method: "POST", path: "/api/v1/forms/{form}/records",
			body: map[string]any{"data": map[string]any{"company": "浏览器"}}, headers: browser, status: 201, capture: map[string]string{"ui": "id"}},
		{name: "cookie edit", method: "PATCH", path: "/api/v1/forms/{form}/records/{ui}",
			body: map[string]any{"data": map[string]any{"company": "浏览器 2"}, "version": 1}, headers: browser, status: 200},
		{name: "history of the browser writes", method: "GET", path: "/api/v1/forms/{form}/records/{ui}/history", headers: browser,
			status: 200, contains: []string{`"source":"ui"`}, absent: []string{`"source":"api"`}},
		{name: "bearer write", method: "POST", path: "/api/v1/forms/{form}/records", token: "tok",
			body: map[string]any{"data": map[string]any{"company": "接口"}}, status: 201, capture: map[string]string{"api": "id"}},
		{name: "history of the token write", method: "GET", path: "/api/v1/forms/{form}/records/{api}/history", token: "tok",
			status: 200, contains: []string{`"source":"api"`}, absent: []string{`"source":"ui"`}},
	}
	run(t, en, vars, steps)
}

// TestDuplicateAppName checks that a second app of the same name (after
// trimming) is refused per field with duplicate_name, on create and rename,
// in both languages, and that renaming an app to its own name is fine.
func TestDuplicateAppName(t *testing.T) {
	en := newEnv(t)
	vars := map[string]string{"tok": en.admin}
	run(t, en, vars, []step{
		{name: "first", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": "销售管理"}, status: 201,
			capture: map[string]string{"a": "id"}},
		{name: "second", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": "客服"}, status: 201,
			capture: map[string]string{"b": "id"}},
		{name: "same name", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": " 销售管理 "},
			headers: map[string]string{"Accept-Language": "zh-CN"}, status: 422,
			contains: []string{`"path":"name"`, `"code":"duplicate_name"`, "已有名为“销售管理”的应用"}},
		{name: "same name, English", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": "销售管理"},
			headers: map[string]string{"Accept-Language": "en"}, status: 422, contains: []string{`An app named “销售管理” already exists`}},
		{name: "rename onto another", method: "PATCH", path: "/api/v1/apps/{b}", token: "tok", body: map[string]any{"name": "销售管理", "version": 1},
			status: 422, contains: []string{`"code":"duplicate_name"`}},
		{name: "rename to itself", method: "PATCH", path: "/api/v1/apps/{a}", token: "tok", body: map[string]any{"name": "销售管理", "description": "新", "version": 1},
			status: 200},
		{name: "name of a deleted app is free", method: "DELETE", path: "/api/v1/apps/{b}", token: "tok", status: 204},
		{name: "reuse", method: "POST", path: "/api/v1/apps", token: "tok", body: map[string]any{"name": "客服"}, status: 201},
	})
	if n := strings.Count(string(en.do("GET", "/api/v1/apps", en.admin, nil, nil).expect(200).raw), `"name":"销售管理"`); n != 1 {
		t.Fatalf("%d apps named 销售管理", n)
	}
}
