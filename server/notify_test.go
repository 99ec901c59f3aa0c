package server_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/server"
)

// startNotify is start with the notify service wired (inbox only: no jobs,
// no mailer) and returns the service too.
func startNotify(t *testing.T, st store.Store) (*env, *notify.Service, *engine.Engine) {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := notify.New(ctx, notify.Options{Engine: e, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e.SetNotifier(svc)
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, Notify: svc})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	tok := a.NewSetupToken()
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": tok, "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil)
	res.expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en, svc, e
}

func TestNotificationRoutes(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testNotificationRoutes(t, openSQLite(t, t.TempDir())) })
	t.Run("ferretdb", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts FerretDB")
		}
		testNotificationRoutes(t, openMongo(t))
	})
}

func testNotificationRoutes(t *testing.T, st store.Store) {
	en, _, e := startNotify(t, st)
	ctx := context.Background()
	member := en.addMember("m@example.com")
	me := en.do("GET", "/api/v1/me", member, nil, nil).expect(200)
	memberID := me.body["user"].(map[string]any)["id"].(string)
	adminID := en.do("GET", "/api/v1/me", en.admin, nil, nil).expect(200).body["user"].(map[string]any)["id"].(string)

	// Through the engine, as automations do.
	for _, title := range []string{"一", "二", "三"} {
		if err := e.Notify(ctx, engine.Notification{Workspace: en.ws, Recipients: []string{memberID, adminID}, Kind: "automation",
			Title: title, Form: "form1", Record: "rec1"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := en.do("GET", "/api/v1/me/notifications/unread-count", member, nil, nil).expect(200).num("count"); n != 3 {
		t.Fatalf("unread = %d, want 3", n)
	}
	page := en.do("GET", "/api/v1/me/notifications?limit=2", member, nil, nil).expect(200)
	items := page.body["items"].([]any)
	first := items[0].(map[string]any)
	if len(items) != 2 || page.str("nextCursor") == "" || first["title"] != "三" || first["link"] != "/forms/form1/data?record=rec1" || first["read"] != false {
		t.Fatalf("page = %s", page.raw)
	}
	rest := en.do("GET", "/api/v1/me/notifications?limit=2&cursor="+page.str("nextCursor"), member, nil, nil).expect(200)
	if got := rest.body["items"].([]any); len(got) != 1 || got[0].(map[string]any)["title"] != "一" {
		t.Fatalf("second page = %s", rest.raw)
	}
	id := first["id"].(string)
	adminItem := en.do("GET", "/api/v1/me/notifications", en.admin, nil, nil).expect(200).body["items"].([]any)[0].(map[string]any)["id"].(string)

	// Another user's notification does not exist for the caller.
	en.do("POST", "/api/v1/me/notifications/"+adminItem+"/read", member, nil, nil).expect(404)
	en.do("POST", "/api/v1/me/notifications/"+id+"/read", en.admin, nil, nil).expect(404)
	en.do("POST", "/api/v1/me/notifications/no-such/read", member, nil, nil).expect(404)
	read := en.do("POST", "/api/v1/me/notifications/"+id+"/read", member, nil, nil).expect(200)
	if read.body["read"] != true || read.str("readAt") == "" {
		t.Errorf("marked = %s", read.raw)
	}
	if n := en.do("GET", "/api/v1/me/notifications/unread-count", member, nil, nil).expect(200).num("count"); n != 2 {
		t.Errorf("unread after one read = %d", n)
	}
	unread := en.do("GET", "/api/v1/me/notifications?unread=true", member, nil, nil).expect(200).body["items"].([]any)
	if len(unread) != 2 {
		t.Errorf("unread list = %d items", len(unread))
	}
	if n := en.do("POST", "/api/v1/me/notifications/read-all", member, nil, nil).expect(200).num("marked"); n != 2 {
		t.Errorf("read-all marked %d", n)
	}
	if n := en.do("GET", "/api/v1/me/notifications/unread-count", en.admin, nil, nil).expect(200).num("count"); n != 3 {
		t.Errorf("the member's read-all touched the admin's: %d unread", n)
	}
	en.do("GET", "/api/v1/me/notifications?unread=maybe", member, nil, nil).expect(422)
	en.do("GET", "/api/v1/me/notifications?limit=1000", member, nil, nil).expect(422)
	en.do("GET", "/api/v1/me/notifications?cursor=garbage", member, nil, nil).expect(422)

	// Every route needs a credential.
	for _, r := range [][2]string{{"GET", "/api/v1/me/notifications"}, {"GET", "/api/v1/me/notifications/unread-count"},
		{"POST", "/api/v1/me/notifications/" + id + "/read"}, {"POST", "/api/v1/me/notifications/read-all"},
		{"GET", "/api/v1/me/notification-preferences"}, {"PUT", "/api/v1/me/notification-preferences"}} {
		en.do(r[0], r[1], "", nil, nil).expect(401)
	}

	// Preferences.
	p := en.do("GET", "/api/v1/me/notification-preferences", member, nil, nil).expect(200)
	kinds := p.body["kinds"].([]any)
	if p.body["emailEnabled"] != false || p.num("version") != 0 || len(kinds) != 5 || kinds[0].(map[string]any)["kind"] != "*" {
		t.Fatalf("preferences = %s", p.raw)
	}
	bad := en.do("PUT", "/api/v1/me/notification-preferences", member, map[string]any{"version": 0, "language": "fr",
		"kinds": []any{map[string]any{"kind": "alert", "inApp": true, "email": "often"}, map[string]any{"kind": "alert", "inApp": true, "email": "off"}}}, nil)
	bad.expect(422)
	bad = en.do("PUT", "/api/v1/me/notification-preferences", member, map[string]any{"version": 0, "language": "fr",
		"kinds": []any{map[string]any{"kind": "alert", "inApp": true, "email": "often"}}}, nil).expect(422)
	if fields := bad.body["error"].(map[string]any)["fields"].([]any); len(fields) != 2 {
		t.Errorf("problems = %s", bad.raw)
	}
	en.do("PUT", "/api/v1/me/notification-preferences", member, map[string]any{"version": 0, "unknown": 1, "kinds": []any{}}, nil).expect(400)
	saved := en.do("PUT", "/api/v1/me/notification-preferences", member, map[string]any{"version": 0, "language": "en",
		"kinds": []any{map[string]any{"kind": "webhook", "inApp": false, "email": "off"}}}, nil).expect(200)
	if saved.num("version") != 1 || saved.str("language") != "en" {
		t.Errorf("saved = %s", saved.raw)
	}
	en.do("PUT", "/api/v1/me/notification-preferences", member, map[string]any{"version": 0, "kinds": []any{}}, nil).expect(409)
	// The muted kind no longer reaches the member's inbox; the admin's preferences are their own.
	if err := e.Notify(ctx, engine.Notification{Workspace: en.ws, Recipients: []string{memberID, adminID}, Kind: "webhook", Title: "端点已停用"}); err != nil {
		t.Fatal(err)
	}
	if n := en.do("GET", "/api/v1/me/notifications/unread-count", member, nil, nil).expect(200).num("count"); n != 0 {
		t.Errorf("a muted kind reached the member: %d", n)
	}
	if n := en.do("GET", "/api/v1/me/notifications/unread-count", en.admin, nil, nil).expect(200).num("count"); n != 4 {
		t.Errorf("admin unread = %d, want 4", n)
	}
	if ap := en.do("GET", "/api/v1/me/notification-preferences", en.admin, nil, nil).expect(200); ap.num("version") != 0 {
		t.Errorf("admin's preferences changed: %s", ap.raw)
	}
}
