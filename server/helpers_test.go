package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/server"
)

// env is a real server on a real listener over a real store, with a first
// admin and workspace made through the setup endpoint.
type env struct {
	t      testing.TB
	srv    *server.Server
	st     store.Store
	base   string
	client *http.Client
	admin  string // admin's session token (used as Bearer)
	csrf   string
	ws     string
}

// openSQLite opens a SQLite store in dir.
func openSQLite(t testing.TB, dir string) store.Store {
	t.Helper()
	st, err := sqlitestore.Open(dir, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// start runs a server over st; setup is done when it is the store's first start.
func start(t testing.TB, st store.Store, blobDir string) *env {
	t.Helper()
	return startWithJobs(t, st, blobDir, nil)
}

// startWithJobs is start with a background-work runtime for the admin API.
func startWithJobs(t testing.TB, st store.Store, blobDir string, rt *jobs.Runtime) *env {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewLocal(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	metrics := server.NewMetrics()
	e, err := engine.New(ctx, metrics.InstrumentStore(st), engine.Options{Blobs: blobs, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Metrics: metrics, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, UploadLimit: 256 << 10, Jobs: rt})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	if need, _ := a.NeedsSetup(ctx); need {
		tok := a.NewSetupToken()
		res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": tok, "email": "admin@example.com", "name": "管理员",
			"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil)
		res.expect(201)
		en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	}
	return en
}

// newEnv is a server over a fresh SQLite store, closed at the end of the test.
func newEnv(t testing.TB) *env {
	t.Helper()
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	return start(t, st, t.TempDir())
}

// response is a decoded answer.
type response struct {
	t      testing.TB
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (en *env) do(method, path, token string, body any, headers map[string]string) *response {
	en.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			en.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, en.base+path, rd)
	if err != nil {
		en.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := en.client.Do(req)
	if err != nil {
		en.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &response{t: en.t, status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (r *response) expect(status int) *response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

func (r *response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

func (r *response) num(key string) int64 {
	f, _ := r.body[key].(float64)
	return int64(f)
}

// benchForm is the 12-field form of /work/shared/bench (also in testdata).
func benchForm(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/opportunity-form.json")
	if err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(b, &def); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"name": def["name"], "definition": map[string]any{"fields": def["fields"]}}
}

// publishedForm creates an app and the benchmark form, publishes it and
// returns the form id.
func (en *env) publishedForm() string {
	en.t.Helper()
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "CRM"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, benchForm(en.t), nil).expect(201)
	en.do("POST", "/api/v1/forms/"+form.str("id")+"/publish", en.admin, map[string]any{"version": form.num("version")}, nil).expect(201)
	return form.str("id")
}

// memberPassword is the password addMember gives; it passes the password
// policy for any email (it contains no likely email part or name).
const memberPassword = "violet staple orbit"

// addMember adds a member and returns their session token.
func (en *env) addMember(email string) string {
	en.t.Helper()
	en.do("POST", "/api/v1/users", en.admin, map[string]any{"email": email, "name": "成员", "password": memberPassword, "role": "member"}, nil).expect(201)
	return en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": memberPassword}, nil).expect(200).str("token")
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveEnv serves srv on a free loopback port until the test ends and
// returns the client side of it.
func serveEnv(t testing.TB, srv *server.Server, st store.Store) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	en := &env{t: t, srv: srv, st: st, base: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 30 * time.Second}}
	return en
}
