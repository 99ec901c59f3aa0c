package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/webhook"
	"github.com/formloom/formloom/server"
)

// startWebhooks is a server with the webhooks capability, its runtime and
// delivery loop running, and loopback receivers allowed (test setting).
func startWebhooks(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	blobs, _ := blob.NewLocal(t.TempDir())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	rt := jobs.New(st, jobs.Options{Logger: quiet})
	hooks, err := webhook.New(ctx, webhook.Options{Engine: e, Store: st, Jobs: rt, Key: []byte("server test key 0123456789"), Logger: quiet,
		Guard: webhook.GuardOptions{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 1 << 20, Jobs: rt, Webhooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = rt.Run(rctx) }()
	go func() { defer wg.Done(); _ = hooks.Run(rctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	en := serveEnv(t, srv, st)
	tok := a.NewSetupToken()
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": tok, "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en
}

func TestWebhookOutboundOverHTTP(t *testing.T) {
	en := startWebhooks(t)
	form := en.publishedForm()
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r), append(bodies, b)
		mu.Unlock()
		w.WriteHeader(204)
	}))
	defer rc.Close()

	// Bad input: a per-field error for each problem, nothing saved.
	bad := en.do("POST", "/api/v1/webhooks/endpoints", en.admin, map[string]any{"url": "ftp://x", "events": []string{"Record created"},
		"headers": map[string]string{"webhook-id": "x"}}, nil).expect(422)
	if n := len(bad.raw); n == 0 || !strings.Contains(string(bad.raw), `"path":"url"`) || !strings.Contains(string(bad.raw), `"path":"events[0]"`) {
		t.Fatalf("bad endpoint: %s", bad.raw)
	}
	// A member may not manage endpoints.
	member := en.addMember("m@example.com")
	en.do("GET", "/api/v1/webhooks/endpoints", member, nil, nil).expect(403)

	ep := en.do("POST", "/api/v1/webhooks/endpoints", en.admin, map[string]any{"url": rc.URL, "events": []string{"record.created"},
		"form": form, "filter": "amount > 100"}, nil).expect(201)
	secret := ep.str("secret")
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	// The actor defaults to the creator; another member may be chosen, a
	// user outside the workspace may not.
	adminID := en.do("GET", "/api/v1/me", en.admin, nil, nil).expect(200).body["user"].(map[string]any)["id"].(string)
	memberID := en.do("GET", "/api/v1/me", member, nil, nil).expect(200).body["user"].(map[string]any)["id"].(string)
	if ep.str("actor") != adminID {
		t.Fatalf("default actor %q, want %q", ep.str("actor"), adminID)
	}
	other := en.do("POST", "/api/v1/webhooks/endpoints", en.admin, map[string]any{"url": rc.URL, "events": []string{"form.published"}, "actor": memberID}, nil).expect(201)
	if other.str("actor") != memberID {
		t.Fatalf("chosen actor %q, want %q", other.str("actor"), memberID)
	}
	noActor := en.do("POST", "/api/v1/webhooks/endpoints", en.admin, map[string]any{"url": rc.URL, "events": []string{"form.published"}, "actor": "01jzzzzzzzzzzzzzzzzzzzzzzz"}, nil).expect(422)
	if !strings.Contains(string(noActor.raw), `"path":"actor","code":"webhook_actor"`) {
		t.Fatalf("unknown actor: %s", noActor.raw)
	}
	list := en.do("GET", "/api/v1/webhooks/endpoints", en.admin, nil, nil).expect(200)
	if strings.Contains(string(list.raw), secret) || strings.Contains(string(list.raw), "sealed") {
		t.Fatal("the list shows the secret")
	}
	en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "小", "amount": 10}}, nil).expect(201)
	rec := en.do("POST", "/api/v1/forms/"+form+"/records", en.admin, map[string]any{"data": map[string]any{"company": "大", "amount": 5000}}, nil).expect(201)
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests (the filter lets one through)", len(got))
	}
	wh, _ := standardwebhooks.NewWebhook(secret)
	if err := wh.Verify(bodies[0], got[0].Header); err != nil {
		t.Fatalf("reference library: %v", err)
	}
	if !strings.Contains(string(bodies[0]), rec.str("id")) {
		t.Errorf("payload %s", bodies[0])
	}
	// The receiver has the request before the delivery's outcome commits:
	// wait for the log to say so.
	for {
		dl := en.do("GET", "/api/v1/webhooks/endpoints/"+ep.str("id")+"/deliveries", en.admin, nil, nil).expect(200)
		if strings.Contains(string(dl.raw), `"status":"succeeded"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log %s", dl.raw)
		}
		time.Sleep(10 * time.Millisecond)
	}
	check := en.do("POST", "/api/v1/webhooks/check-filter", en.admin, map[string]any{"form": form, "expression": "amount >"}, nil).expect(200)
	if !strings.Contains(string(check.raw), `"line":1`) {
		t.Errorf("live check %s", check.raw)
	}
}

func TestWebhookInboundOverHTTP(t *testing.T) {
	en := startWebhooks(t)
	form := en.publishedForm()
	hook := en.do("POST", "/api/v1/webhooks/inbound", en.admin, map[string]any{"form": form, "name": "落地页", "verify": "hmac",
		"mapping":        map[string]string{"company": "payload.company.name", "phone": "payload.contact.phone", "amount": "payload.amount * 1"},
		"idempotencyKey": "payload.id"}, nil).expect(201)
	url := strings.TrimPrefix(hook.str("url"), "")
	path := url[strings.Index(url, "/api/v1/hooks/"):]
	secret := hook.str("secret")
	sign := func(b string) map[string]string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(b))
		return map[string]string{"X-Signature": "sha256=" + hex.EncodeToString(m.Sum(nil))}
	}
	body := `{"id":"lead-1","company":{"name":"星海科技"},"contact":{"phone":"13800138000"},"amount":12}`
	first := en.do("POST", path, "", body, sign(body)).expect(200)
	if first.str("action") != "created" || first.str("record") == "" {
		t.Fatalf("first call %s", first.raw)
	}
	rec := en.do("GET", "/api/v1/forms/"+form+"/records/"+first.str("record"), en.admin, nil, nil).expect(200)
	data := rec.body["data"].(map[string]any)
	if data["company"] != "星海科技" || data["amount"] != float64(12) {
		t.Errorf("record %s", rec.raw)
	}
	again := en.do("POST", path, "", body, sign(body)).expect(200)
	if again.str("action") != "duplicate" || again.str("record") != first.str("record") {
		t.Errorf("repeated call %s", again.raw)
	}
	// Bad signature, unknown token, a mapping runtime error, over the limit.
	en.do("POST", path, "", body, map[string]string{"X-Signature": "sha256=00"}).expect(401)
	en.do("POST", path[:strings.LastIndex(path, "/")]+"/wrongtoken", "", body, sign(body)).expect(404)
	badBody := `{"id":"lead-2","company":{"name":"A"},"contact":{"phone":"1"},"amount":"x"}`
	bad := en.do("POST", path, "", badBody, sign(badBody)).expect(422)
	if !strings.Contains(string(bad.raw), `"path":"mapping.amount"`) {
		t.Errorf("mapping error %s", bad.raw)
	}
	big := `{"id":"x","pad":"` + strings.Repeat("a", 300<<10) + `"}`
	en.do("POST", path, "", big, sign(big)).expect(413)
	page := en.do("POST", "/api/v1/forms/"+form+"/records/query", en.admin, map[string]any{"total": true}, nil).expect(200)
	if page.num("total") != 1 {
		t.Errorf("records after the bad calls: %s", page.raw)
	}
	calls := en.do("GET", "/api/v1/webhooks/inbound/"+hook.body["hook"].(map[string]any)["id"].(string)+"/calls", en.admin, nil, nil).expect(200)
	if n := len(calls.body["items"].([]any)); n < 4 {
		t.Errorf("inbound log has %d calls", n)
	}
}
