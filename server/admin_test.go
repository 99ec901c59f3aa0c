package server_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestMemberAdminScenarios: an admin renames, disables, enables and resets
// the password of a member; the member's credentials follow.
func TestMemberAdminScenarios(t *testing.T) {
	en := newEnv(t)
	zh := map[string]string{"Accept-Language": "zh-CN"}
	me := en.do("GET", "/api/v1/me", en.admin, nil, nil).expect(200)
	adminID, _ := me.body["user"].(map[string]any)["id"].(string)
	vars := map[string]string{"admin": en.admin, "adminID": adminID}
	run(t, en, vars, []step{
		{name: "add member", method: "POST", path: "/api/v1/users", token: "admin",
			body:   map[string]any{"email": "li@example.com", "name": "李四", "password": "first password", "role": "member"},
			status: 201, contains: []string{`"email":"li@example.com"`}, absent: []string{`"id"`}},
		{name: "member logs in", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "li@example.com", "password": "first password"},
			status: 200, capture: map[string]string{"liTok": "token", "li": "user.id"}},
		{name: "admin reads the member", method: "GET", path: "/api/v1/users/{li}", token: "admin", status: 200, capture: map[string]string{"liVersion": "memberVersion"}},
		{name: "member makes a token", method: "POST", path: "/api/v1/tokens", token: "liTok", body: map[string]any{"name": "ERP"},
			status: 201, capture: map[string]string{"liAPI": "token"}},
		{name: "member cannot disable", method: "PATCH", path: "/api/v1/users/{li}", token: "liTok", body: map[string]any{"disabled": true}, status: 403},
		{name: "member cannot reset", method: "POST", path: "/api/v1/users/{li}/password", token: "liTok", body: map[string]any{"password": "hijacked password"}, status: 403},
		{name: "rename only keeps the role", method: "PATCH", path: "/api/v1/users/{li}", token: "admin", body: map[string]any{"name": "李四四"},
			status: 200, contains: []string{`"name":"李四四"`, `"role":"member"`, `"disabled":false`}},
		{name: "empty name", method: "PATCH", path: "/api/v1/users/{li}", token: "admin", body: map[string]any{"name": " "}, headers: zh,
			status: 422, contains: []string{`"path":"name"`, `"code":"required"`}},
		{name: "wrong type", method: "PATCH", path: "/api/v1/users/{li}", token: "admin", body: `{"disabled":"yes"}`,
			status: 400, contains: []string{`"code":"bad_json"`, "disabled"}},
		{name: "disable oneself", method: "PATCH", path: "/api/v1/users/{adminID}", token: "admin", body: map[string]any{"disabled": true}, headers: zh,
			status: 422, contains: []string{`"path":"disabled"`, `"code":"self_disable"`, "不能停用自己的账号"}},
		{name: "disable", method: "PATCH", path: "/api/v1/users/{li}", token: "admin", body: map[string]any{"disabled": true},
			status: 200, contains: []string{`"disabled":true`}},
		{name: "session ended", method: "GET", path: "/api/v1/me", token: "liTok", status: 401},
		{name: "token refused", method: "GET", path: "/api/v1/apps", token: "liAPI", status: 401},
		{name: "login refused", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "li@example.com", "password": "first password"},
			status: 401, contains: []string{`"code":"login_failed"`}},
		{name: "listed as disabled", method: "GET", path: "/api/v1/users", token: "admin", status: 200, contains: []string{`"disabled":true`}},
		{name: "enable", method: "PATCH", path: "/api/v1/users/{li}", token: "admin", body: map[string]any{"disabled": false},
			status: 200, contains: []string{`"disabled":false`}},
		{name: "token works again", method: "GET", path: "/api/v1/apps", token: "liAPI", status: 200},
		{name: "role and departments still patchable", method: "PATCH", path: "/api/v1/users/{li}", token: "admin",
			body: `{"role":"admin","departments":[],"version":{liVersion}}`, status: 200, contains: []string{`"role":"admin"`}},
		{name: "weak password", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", body: map[string]any{"password": "short"}, headers: zh,
			status: 422, contains: []string{`"path":"password"`, `"code":"min_length"`}},
		{name: "missing password", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", body: map[string]any{},
			status: 422, contains: []string{`"path":"password"`, `"code":"required"`}},
		{name: "unknown user", method: "POST", path: "/api/v1/users/01m8m0arcm6v4fbdh22fzq60b0/password", token: "admin", body: map[string]any{"password": "a good password"}, status: 404},
		{name: "login again", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "li@example.com", "password": "first password"},
			status: 200, capture: map[string]string{"liTok": "token"}},
		{name: "reset", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", body: map[string]any{"password": "second password"}, status: 204},
		{name: "sessions end on reset", method: "GET", path: "/api/v1/me", token: "liTok", status: 401},
		{name: "old password refused", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "li@example.com", "password": "first password"}, status: 401},
		{name: "new password works", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "li@example.com", "password": "second password"}, status: 200},
	})
}

// TestSharedAccountAdmin: a user who also belongs to a workspace the admin
// does not administer can be managed as a member, not as an account.
func TestSharedAccountAdmin(t *testing.T) {
	en := newEnv(t)
	liTok := en.addMember("li@example.com")
	li := en.do("GET", "/api/v1/me", liTok, nil, nil).expect(200).body["user"].(map[string]any)["id"].(string)
	en.do("POST", "/api/v1/workspaces", liTok, map[string]any{"name": "李四的团队"}, nil).expect(201)
	zh := map[string]string{"Accept-Language": "zh-CN"}
	r := en.do("PATCH", "/api/v1/users/"+li, en.admin, map[string]any{"disabled": true}, zh).expect(422)
	if !strings.Contains(string(r.raw), `"code":"account_shared"`) || !strings.Contains(string(r.raw), "不是管理员") {
		t.Fatalf("disable shared account: %s", r.raw)
	}
	en.do("POST", "/api/v1/users/"+li+"/password", en.admin, map[string]any{"password": "taken over!"}, nil).expect(422)
	en.do("GET", "/api/v1/me", liTok, nil, nil).expect(200)
	en.do("DELETE", "/api/v1/users/"+li, en.admin, nil, nil).expect(204)
}

// TestExpressionCheckWithDefinition: the designer checks against its
// unsaved design, not the stored draft.
func TestExpressionCheckWithDefinition(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	path := "/api/v1/forms/" + form + "/expressions/check"
	def := map[string]any{"fields": []any{map[string]any{"key": "budget", "type": "number", "label": "预算"}}}
	scenarios := []struct {
		name     string
		body     any
		status   int
		contains string
	}{
		{"new field in the unsaved design", map[string]any{"expression": "budget * 2", "definition": def}, 200, `"type":"number"`},
		{"unknown to the stored draft", map[string]any{"expression": "budget * 2"}, 200, `"diagnostics"`},
		{"stored draft field not in the unsaved design", map[string]any{"expression": "amount > 1", "definition": def}, 200, `"diagnostics"`},
		{"error position", map[string]any{"expression": "budget +", "definition": def}, 200, `"column"`},
		{"definition of the wrong shape", `{"expression":"1","definition":{"fields":"x"}}`, 400, `"code":"bad_json"`},
		{"unknown property", `{"expression":"1","design":{}}`, 400, `"code":"bad_json"`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := en.do("POST", path, en.admin, s.body, nil).expect(s.status)
			if !strings.Contains(string(r.raw), s.contains) {
				t.Fatalf("body lacks %s: %s", s.contains, r.raw)
			}
		})
	}
	en.do("POST", "/api/v1/forms/01m8m0arcm6v4fbdh22fzq60b0/expressions/check", en.admin, map[string]any{"expression": "1", "definition": def}, nil).expect(404)
}

// TestBulkDelete: per-id results, each record with its own history entry.
func TestBulkDelete(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	member := en.addMember("zhang@example.com")
	var ids []string
	for i := range 3 {
		ids = append(ids, en.do("POST", "/api/v1/forms/"+form+"/records", member, map[string]any{"data": map[string]any{"company": fmt.Sprint("公司", i)}}, nil).expect(201).str("id"))
	}
	path := "/api/v1/forms/" + form + "/records/delete"
	en.do("DELETE", "/api/v1/forms/"+form+"/records/"+ids[2], member, nil, nil).expect(204)
	r := en.do("POST", path, member, map[string]any{"ids": []string{ids[0], ids[1], ids[2], "nope"}}, map[string]string{"Accept-Language": "en"}).expect(200)
	for _, want := range []string{`"succeeded":2`, `"failed":2`, `{"id":"` + ids[0] + `","ok":true}`, `"id":"` + ids[2] + `","ok":false,"error":{"code":"not_found","message":"The item does not exist or was deleted"}`} {
		if !strings.Contains(string(r.raw), want) {
			t.Fatalf("body lacks %s: %s", want, r.raw)
		}
	}
	h := en.do("GET", "/api/v1/forms/"+form+"/records/"+ids[1]+"/history", member, nil, nil).expect(200)
	if !strings.Contains(string(h.raw), `"action":"deleted"`) {
		t.Fatalf("history: %s", h.raw)
	}
	tooMany := make([]string, 501)
	for i := range tooMany {
		tooMany[i] = ids[0]
	}
	scenarios := []struct {
		name     string
		form     string
		body     any
		status   int
		contains string
	}{
		{"too many ids", form, map[string]any{"ids": tooMany}, 422, `"path":"ids","code":"max_items","message":"最多 500 项"`},
		{"no ids", form, map[string]any{"ids": []string{}}, 422, `"path":"ids","code":"required"`},
		{"empty body", form, nil, 422, `"path":"ids"`},
		{"ids not a list", form, `{"ids":"x"}`, 400, `"code":"bad_json"`},
		{"unknown form", "01m8m0arcm6v4fbdh22fzq60b0", map[string]any{"ids": ids}, 404, `"code":"not_found"`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := en.do("POST", "/api/v1/forms/"+s.form+"/records/delete", member, s.body, map[string]string{"Accept-Language": "zh-CN"}).expect(s.status)
			if !strings.Contains(string(r.raw), s.contains) {
				t.Fatalf("body lacks %s: %s", s.contains, r.raw)
			}
		})
	}
}
