package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/server"
)

// testClock is an injectable clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// secOpts tunes startSecure.
type secOpts struct {
	clock        *testClock
	maxPageCount int  // caps the SQLite file, to run out of space
	noSetup      bool // leave first-run setup to the test
}

// startSecure runs a server like start, with an injectable clock, the
// loopback address as trusted proxy (so X-Forwarded-For names the client
// address) and an optional cap on the database size. It returns the env and
// the setup token when setup was left to the test.
func startSecure(t *testing.T, o secOpts) (*env, string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{MaxPageCount: o.maxPageCount})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var clock func() time.Time
	if o.clock != nil {
		clock = o.clock.Now
	}
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Logger: quiet, Clock: clock, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, UploadLimit: 256 << 10,
		TrustedProxies: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	tok := a.NewSetupToken()
	if o.noSetup {
		return en, tok
	}
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": tok, "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil)
	res.expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en, ""
}

var (
	zhCN = map[string]string{"Accept-Language": "zh-CN"}
	enUS = map[string]string{"Accept-Language": "en"}
)

// TestTokenScopesByAction: a token's scopes are checked against the route's
// action (read, write, admin), not the HTTP method; the role still decides
// on top of the scope.
func TestTokenScopesByAction(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	rec := en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "华为"}}, nil).expect(201).str("id")
	tok := func(scopes ...string) string {
		return en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "t " + strings.Join(scopes, "+"), "scopes": scopes}, nil).expect(201).str("token")
	}
	vars := map[string]string{"form": form, "rec": rec, "read": tok("read"), "write": tok("write"), "admin": tok("admin"), "default": tok()}
	memberSession := en.addMember("li@example.com")
	en.do("POST", "/api/v1/tokens", memberSession, map[string]any{"name": "x"}, nil).expect(201)
	vars["memberAdmin"] = en.do("POST", "/api/v1/tokens", memberSession, map[string]any{"name": "m", "scopes": []string{"admin"}}, nil).expect(201).str("token")
	query := map[string]any{"filter": map[string]any{"field": "company", "op": "eq", "value": "华为"}}
	app := map[string]any{"name": "新应用"}
	run(t, en, vars, []step{
		{name: "read: list", method: "GET", path: "/api/v1/forms/{form}/records", token: "read", status: 200},
		{name: "read: POST query is a read", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "read", body: query, status: 200, contains: []string{"华为"}},
		{name: "read: POST export is a read", method: "POST", path: "/api/v1/forms/{form}/records/export", token: "read", body: map[string]any{}, status: 200, contains: []string{"华为"}},
		{name: "read: history", method: "GET", path: "/api/v1/forms/{form}/records/{rec}/history", token: "read", status: 200},
		{name: "read: expression check is a read", method: "POST", path: "/api/v1/forms/{form}/expressions/check", token: "read", body: map[string]any{"expression": "amount > 1"}, status: 200},
		{name: "read: no create", method: "POST", path: "/api/v1/forms/{form}/records", token: "read", body: map[string]any{"data": map[string]any{"company": "x"}}, status: 403, contains: []string{`"code":"scope"`}},
		{name: "read: no update", method: "PATCH", path: "/api/v1/forms/{form}/records/{rec}", token: "read", body: map[string]any{"data": map[string]any{"company": "x"}, "version": 1}, status: 403},
		{name: "read: no bulk delete", method: "POST", path: "/api/v1/forms/{form}/records/delete", token: "read", body: map[string]any{"ids": []string{"{rec}"}}, status: 403},
		{name: "read: no app", method: "POST", path: "/api/v1/apps", token: "read", body: app, status: 403},
		{name: "write: create", method: "POST", path: "/api/v1/forms/{form}/records", token: "write", body: map[string]any{"data": map[string]any{"company": "小米"}}, status: 201},
		{name: "write: query", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "write", body: query, status: 200},
		{name: "write: no app (admin action)", method: "POST", path: "/api/v1/apps", token: "write", body: app, status: 403, contains: []string{`"code":"scope"`}},
		{name: "write: no member admin", method: "POST", path: "/api/v1/users", token: "write", body: map[string]any{"email": "x@example.com", "name": "X", "password": "violet staple orbit"}, status: 403},
		{name: "write: no publish", method: "POST", path: "/api/v1/forms/{form}/publish", token: "write", body: map[string]any{"version": 1}, status: 403},
		{name: "default token is read and write", method: "POST", path: "/api/v1/forms/{form}/records", token: "default", body: map[string]any{"data": map[string]any{"company": "OPPO"}}, status: 201},
		{name: "default token is no admin", method: "POST", path: "/api/v1/apps", token: "default", body: app, status: 403},
		{name: "admin: create app", method: "POST", path: "/api/v1/apps", token: "admin", body: app, status: 201},
		{name: "admin: read too", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "admin", body: query, status: 200},
		{name: "admin scope does not lift a member's role", method: "POST", path: "/api/v1/apps", token: "memberAdmin", body: app, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "member admin-scoped token still writes records", method: "POST", path: "/api/v1/forms/{form}/records", token: "memberAdmin", body: map[string]any{"data": map[string]any{"company": "vivo"}}, status: 201},
	})
}

// TestRouteActions: every authenticated operation declares its action in
// the OpenAPI document, and every GET is a read.
func TestRouteActions(t *testing.T) {
	en := newEnv(t)
	res := en.do("GET", "/api/v1/openapi.json", en.admin, nil, nil).expect(200)
	var doc struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(res.raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if sec, ok := op["security"].([]any); ok && len(sec) == 0 {
				continue // public
			}
			n++
			act, _ := op["x-formloom-action"].(string)
			if act != "read" && act != "write" && act != "admin" {
				t.Errorf("%s %s: action %q", method, path, act)
			}
			if method == "get" && act != "read" {
				t.Errorf("GET %s is a %s action", path, act)
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d authenticated operations found", n)
	}
}

// TestAccountTakeover is finding C2: adding an existing account to a
// workspace is an invitation its owner accepts, and never gives the
// inviting admin control of the account's password or name.
func TestAccountTakeover(t *testing.T) {
	en := newEnv(t)
	// The victim: an account workspace A created, which then left A.
	en.do("POST", "/api/v1/users", en.admin, map[string]any{"email": "victim@example.com", "name": "受害者", "password": "amber quartz lantern"}, nil).expect(201)
	victim := en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "victim@example.com", "password": "amber quartz lantern"}, nil).expect(200)
	vars := map[string]string{"admin": en.admin, "victim": victim.str("token"), "victimID": victim.body["user"].(map[string]any)["id"].(string)}
	// The attacker: a member of A who makes their own workspace B.
	vars["attacker"] = en.addMember("attacker@example.com")
	run(t, en, vars, []step{
		{name: "A removes the victim", method: "DELETE", path: "/api/v1/users/{victimID}", token: "admin", status: 204},
		{name: "attacker creates B", method: "POST", path: "/api/v1/workspaces", token: "attacker", body: map[string]any{"name": "B"}, status: 201, capture: map[string]string{"b": "id"}},
		{name: "attacker switches to B", method: "POST", path: "/api/v1/me/workspace", token: "attacker", body: map[string]any{"workspace": "{b}"}, status: 200, contains: []string{`"role":"admin"`}},
		{name: "attacker adds the victim's email", method: "POST", path: "/api/v1/users", token: "attacker",
			body: map[string]any{"email": "victim@example.com", "name": "改名", "password": "attacker chosen pw"}, status: 201},
		{name: "the victim is not a member of B", method: "GET", path: "/api/v1/users", token: "attacker", status: 200, absent: []string{"victim@example.com"}},
		{name: "no reset of a non-member", method: "POST", path: "/api/v1/users/{victimID}/password", token: "attacker", body: map[string]any{"password": "attacker chosen pw"}, status: 404},
		{name: "no rename of a non-member", method: "PATCH", path: "/api/v1/users/{victimID}", token: "attacker", body: map[string]any{"name": "改名"}, status: 404},
		{name: "the attacker's password does not open the account", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "victim@example.com", "password": "attacker chosen pw"}, status: 401},
		{name: "the victim sees the invitation", method: "GET", path: "/api/v1/me/invitations", token: "victim", status: 200,
			contains: []string{`"workspaceName":"B"`, `"role":"member"`}, capture: map[string]string{}},
	})
	inv := en.do("GET", "/api/v1/me/invitations", vars["victim"], nil, nil).expect(200)
	items, _ := inv.body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("invitations: %s", inv.raw)
	}
	vars["inv"] = items[0].(map[string]any)["id"].(string)
	run(t, en, vars, []step{
		{name: "another account cannot accept it", method: "POST", path: "/api/v1/me/invitations/{inv}/accept", token: "admin", status: 404},
		{name: "the victim accepts", method: "POST", path: "/api/v1/me/invitations/{inv}/accept", token: "victim", status: 200, contains: []string{`"name":"B"`}},
		{name: "the invitation is gone", method: "GET", path: "/api/v1/me/invitations", token: "victim", status: 200, contains: []string{`"items":[]`}},
		{name: "now a member of B, under their own name", method: "GET", path: "/api/v1/users", token: "attacker", status: 200, contains: []string{"victim@example.com", "受害者"}, absent: []string{"改名"}},
		{name: "B's admin still cannot reset the password", method: "POST", path: "/api/v1/users/{victimID}/password", token: "attacker", headers: zhCN,
			body: map[string]any{"password": "attacker chosen pw"}, status: 422, contains: []string{`"code":"account_not_managed"`, "不是由本工作区创建"}},
		{name: "nor rename", method: "PATCH", path: "/api/v1/users/{victimID}", token: "attacker", headers: enUS,
			body: map[string]any{"name": "改名"}, status: 422, contains: []string{`"code":"account_not_managed"`, "was not created by this workspace"}},
		{name: "nor disable the account", method: "PATCH", path: "/api/v1/users/{victimID}", token: "attacker", body: map[string]any{"disabled": true}, status: 422},
		{name: "but may switch the member off in B", method: "PATCH", path: "/api/v1/users/{victimID}", token: "attacker", body: map[string]any{"memberDisabled": true}, status: 200,
			contains: []string{`"memberDisabled":true`, `"disabled":false`}},
		{name: "the victim's own password still works", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "victim@example.com", "password": "amber quartz lantern"}, status: 200},
	})
	// A declined invitation is gone and makes no membership.
	en.do("POST", "/api/v1/users", en.admin, map[string]any{"email": "attacker@example.com", "name": "x", "password": "violet staple orbit"}, nil).expect(201)
	other := en.addMember("third@example.com")
	en.do("POST", "/api/v1/me/workspace", vars["attacker"], map[string]any{"workspace": vars["b"]}, nil).expect(200)
	en.do("POST", "/api/v1/users", vars["attacker"], map[string]any{"email": "third@example.com", "name": "x", "password": "violet staple orbit"}, nil).expect(201)
	list := en.do("GET", "/api/v1/me/invitations", other, nil, nil).expect(200)
	id := list.body["items"].([]any)[0].(map[string]any)["id"].(string)
	en.do("POST", "/api/v1/me/invitations/"+id+"/decline", other, nil, nil).expect(204)
	en.do("POST", "/api/v1/me/invitations/"+id+"/accept", other, nil, nil).expect(404)
	en.do("POST", "/api/v1/me/workspace", other, map[string]any{"workspace": vars["b"]}, nil).expect(404)
}

// TestMemberDisable is the reverse abuse of C2: once an account is shared
// with another workspace, its own workspace's admin can no longer change
// the account, but can always switch its membership off.
func TestMemberDisable(t *testing.T) {
	en := newEnv(t)
	li := en.addMember("li@example.com")
	liAPI := en.do("POST", "/api/v1/tokens", li, map[string]any{"name": "ERP"}, nil).expect(201).str("token")
	me := en.do("GET", "/api/v1/me", li, nil, nil).expect(200)
	liID := me.body["user"].(map[string]any)["id"].(string)
	form := en.publishedForm()
	// An outsider's workspace invites li, and li accepts.
	outsider := en.addMember("outsider@example.com")
	b := en.do("POST", "/api/v1/workspaces", outsider, map[string]any{"name": "外部"}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/me/workspace", outsider, map[string]any{"workspace": b}, nil).expect(200)
	en.do("POST", "/api/v1/users", outsider, map[string]any{"email": "li@example.com", "name": "x", "password": "violet staple orbit"}, nil).expect(201)
	inv := en.do("GET", "/api/v1/me/invitations", li, nil, nil).expect(200).body["items"].([]any)[0].(map[string]any)["id"].(string)
	en.do("POST", "/api/v1/me/invitations/"+inv+"/accept", li, nil, nil).expect(200)
	en.do("POST", "/api/v1/me/workspace", li, map[string]any{"workspace": en.ws}, nil).expect(200)
	adminID := en.do("GET", "/api/v1/me", en.admin, nil, nil).expect(200).body["user"].(map[string]any)["id"].(string)
	vars := map[string]string{"admin": en.admin, "adminID": adminID, "li": li, "liAPI": liAPI, "liID": liID, "form": form, "ws": en.ws}
	rec := map[string]any{"data": map[string]any{"company": "甲"}}
	run(t, en, vars, []step{
		{name: "shared: the account is out of reach", method: "PATCH", path: "/api/v1/users/{liID}", token: "admin", body: map[string]any{"disabled": true}, status: 422, contains: []string{`"code":"account_shared"`}},
		{name: "the member works", method: "POST", path: "/api/v1/forms/{form}/records", token: "li", body: rec, status: 201},
		{name: "admin switches the member off here", method: "PATCH", path: "/api/v1/users/{liID}", token: "admin", body: map[string]any{"memberDisabled": true}, status: 200, contains: []string{`"memberDisabled":true`}},
		{name: "listed as switched off", method: "GET", path: "/api/v1/users", token: "admin", status: 200, contains: []string{`"memberDisabled":true`}},
		{name: "the session acts in no workspace here", method: "POST", path: "/api/v1/forms/{form}/records", token: "li", body: rec, status: 403},
		{name: "the workspace is not listed for the member", method: "GET", path: "/api/v1/me", token: "li", status: 200, absent: []string{`"name":"示例公司"`}},
		{name: "no switching back in", method: "POST", path: "/api/v1/me/workspace", token: "li", body: map[string]any{"workspace": "{ws}"}, status: 404},
		{name: "the token bound to it is refused", method: "GET", path: "/api/v1/forms/{form}/records", token: "liAPI", status: 401},
		{name: "the admin cannot switch themself off", method: "PATCH", path: "/api/v1/users/{adminID}", token: "admin", body: map[string]any{"memberDisabled": true}, status: 422},
		{name: "switched on again", method: "PATCH", path: "/api/v1/users/{liID}", token: "admin", body: map[string]any{"memberDisabled": false}, status: 200, contains: []string{`"memberDisabled":false`}},
		{name: "the token works again", method: "GET", path: "/api/v1/forms/{form}/records", token: "liAPI", status: 200},
	})
}

// TestAddUserDoesNotRevealAccounts is finding C3: adding an email answers
// the same whether or not an account has it, for good and for bad input.
func TestAddUserDoesNotRevealAccounts(t *testing.T) {
	en := newEnv(t)
	en.do("POST", "/api/v1/workspaces", en.addMember("known@example.com"), map[string]any{"name": "其他"}, nil).expect(201)
	body := func(email, pw string) map[string]any {
		return map[string]any{"email": email, "name": "某人", "password": pw, "role": "member"}
	}
	norm := func(r *response, email string) string { return strings.ReplaceAll(string(r.raw), email, "EMAIL") }
	for _, pw := range []string{"", "short", "password", "12345678"} {
		a := en.do("POST", "/api/v1/users", en.admin, body("known@example.com", pw), zhCN)
		b := en.do("POST", "/api/v1/users", en.admin, body("nobody@example.com", pw), zhCN)
		if a.status != 422 || a.status != b.status || norm(a, "known@example.com") != norm(b, "nobody@example.com") {
			t.Errorf("password %q: existing %d %s, unknown %d %s", pw, a.status, a.raw, b.status, b.raw)
		}
	}
	bad := map[string]any{"email": "known@example.com", "name": " ", "password": "violet staple orbit"}
	a := en.do("POST", "/api/v1/users", en.admin, bad, nil)
	bad["email"] = "nobody@example.com"
	b := en.do("POST", "/api/v1/users", en.admin, bad, nil)
	if a.status != 422 || norm(a, "known@example.com") != norm(b, "nobody@example.com") {
		t.Errorf("empty name: existing %d %s, unknown %d %s", a.status, a.raw, b.status, b.raw)
	}
	a = en.do("POST", "/api/v1/users", en.admin, body("known@example.com", "violet staple orbit"), nil)
	b = en.do("POST", "/api/v1/users", en.admin, body("nobody@example.com", "violet staple orbit"), nil)
	if a.status != 201 || b.status != 201 || norm(a, "known@example.com") != norm(b, "nobody@example.com") {
		t.Errorf("good input: existing %d %s, unknown %d %s", a.status, a.raw, b.status, b.raw)
	}
}

// TestPasswordPolicy: setup, adding a user and a reset refuse common and
// personal passwords, and say why in both languages.
func TestPasswordPolicy(t *testing.T) {
	en, tok := startSecure(t, secOpts{noSetup: true})
	setup := func(pw string) map[string]any {
		return map[string]any{"token": tok, "email": "wang@example.com", "name": "王小明", "password": pw, "workspace": map[string]any{"name": "示例"}}
	}
	vars := map[string]string{}
	run(t, en, vars, []step{
		{name: "setup: password", method: "POST", path: "/api/v1/setup", body: setup("password"), headers: zhCN, status: 422,
			contains: []string{`"path":"password"`, `"code":"password_common"`, "最常见的密码"}},
		{name: "setup: 12345678", method: "POST", path: "/api/v1/setup", body: setup("12345678"), headers: enUS, status: 422,
			contains: []string{`"code":"password_common"`, "most common passwords"}},
		{name: "setup: the email", method: "POST", path: "/api/v1/setup", body: setup("wang@example.com"), headers: zhCN, status: 422,
			contains: []string{`"code":"password_personal"`, "不能包含邮箱或姓名"}},
		{name: "setup: containing the name", method: "POST", path: "/api/v1/setup", body: setup("我是王小明2026"), headers: enUS, status: 422,
			contains: []string{`"code":"password_personal"`, "must not contain the email or the name"}},
		{name: "setup: a pattern", method: "POST", path: "/api/v1/setup", body: setup("qazwsxedc"), headers: enUS, status: 422, contains: []string{`"path":"password"`}},
		{name: "setup: good", method: "POST", path: "/api/v1/setup", body: setup("correct horse battery"), status: 201, capture: map[string]string{"admin": "token"}},
		{name: "add user: common", method: "POST", path: "/api/v1/users", token: "admin", headers: zhCN,
			body: map[string]any{"email": "li@example.com", "name": "李四", "password": "iloveyou"}, status: 422, contains: []string{`"code":"password_common"`}},
		{name: "add user: personal", method: "POST", path: "/api/v1/users", token: "admin", headers: enUS,
			body: map[string]any{"email": "lisi@example.com", "name": "李四", "password": "lisi@example.com"}, status: 422, contains: []string{`"code":"password_personal"`}},
		{name: "add user: good", method: "POST", path: "/api/v1/users", token: "admin",
			body: map[string]any{"email": "lisi@example.com", "name": "Li Si", "password": "violet staple orbit"}, status: 201},
		{name: "li logs in", method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "lisi@example.com", "password": "violet staple orbit"}, status: 200,
			capture: map[string]string{"li": "user.id"}},
		{name: "reset: common", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", headers: zhCN,
			body: map[string]any{"password": "qwerty123"}, status: 422, contains: []string{`"code":"password_common"`}},
		{name: "reset: the member's email", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", headers: enUS,
			body: map[string]any{"password": "LiSi@Example.com"}, status: 422, contains: []string{`"code":"password_personal"`}},
		{name: "reset: good", method: "POST", path: "/api/v1/users/{li}/password", token: "admin", body: map[string]any{"password": "tundra marble kite"}, status: 204},
	})
}

// TestLoginThrottle: failed logins slow down the address that fails, with
// a growing wait; the account's owner from another address is never
// locked out, and the wait passes with time (an injected clock).
func TestLoginThrottle(t *testing.T) {
	clock := &testClock{now: time.Now()}
	en, _ := startSecure(t, secOpts{clock: clock})
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	login := func(ip, pw string) *response {
		return en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "admin@example.com", "password": pw}, from(ip))
	}
	for i := range 5 {
		if r := login("203.0.113.9", "guess"+string(rune('a'+i))); r.status != 401 {
			t.Fatalf("free failure %d: %d %s", i, r.status, r.raw)
		}
	}
	login("203.0.113.9", "guess-f").expect(401) // starts the backoff
	r := login("203.0.113.9", "correct horse battery")
	if r.status != 429 || r.header.Get("Retry-After") != "2" {
		t.Fatalf("after 6 failures: %d Retry-After=%q %s", r.status, r.header.Get("Retry-After"), r.raw)
	}
	if !strings.Contains(string(r.raw), `"code":"rate_limited"`) {
		t.Fatalf("429 body: %s", r.raw)
	}
	login("198.51.100.4", "correct horse battery").expect(200) // the owner elsewhere
	clock.Advance(time.Second)
	login("203.0.113.9", "guess-g").expect(401) // the wait is over; failing doubles it
	login("203.0.113.9", "correct horse battery").expect(429)
	clock.Advance(2 * time.Second)
	login("203.0.113.9", "correct horse battery").expect(200)
	login("203.0.113.9", "guess-h").expect(401) // a success cleared the pair: free again
}

// TestStorageFull: a write that finds the store full answers 507 with a
// storage-full message in the request's language, and /readyz reports it
// until a write succeeds again.
func TestStorageFull(t *testing.T) {
	en, _ := startSecure(t, secOpts{maxPageCount: 160})
	en.do("GET", "/readyz", "", nil, nil).expect(200)
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "CRM"}, nil).expect(201).str("id")
	var last *response
	for i := 0; i < 5000; i++ {
		last = en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "表单 " + strings.Repeat("满", 40) + string(rune('A'+i%26)),
			"description": strings.Repeat("磁盘空间测试", 80)}, zhCN)
		if last.status != 201 {
			break
		}
	}
	if last.status != 507 {
		t.Fatalf("never ran out of space, or failed otherwise: %d %s", last.status, last.raw)
	}
	if !strings.Contains(string(last.raw), `"code":"storage_full"`) || !strings.Contains(string(last.raw), "存储空间已满") {
		t.Fatalf("507 body: %s", last.raw)
	}
	r := en.do("GET", "/readyz", "", nil, enUS)
	if r.status != 503 || !strings.Contains(string(r.raw), `"code":"storage_full"`) || !strings.Contains(string(r.raw), "Storage is full") {
		t.Fatalf("readyz on a full store: %d %s", r.status, r.raw)
	}
	en.do("GET", "/api/v1/apps", en.admin, nil, nil).expect(200) // reads still work
}
