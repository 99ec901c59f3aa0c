package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is an engine, a jobs runtime and the webhook service on one
// store and one manual clock, with a workspace, its admin and a form.
type fixture struct {
	ctx   context.Context
	st    store.Store
	clock *store.ManualClock
	e     *engine.Engine
	b     *builder.Service
	work  *jobs.Runtime
	s     *Service
	admin engine.Actor
	form  string
}

type backend struct {
	name string
	open func(t testing.TB, clock store.Clock) store.Store
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t testing.TB, clock store.Clock) store.Store {
			s, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"ferretdb", func(t testing.TB, clock store.Clock) store.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatalf("mongostore.Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	}
}

// eachBackend runs f on SQLite and on the in-process FerretDB.
func eachBackend(t *testing.T, f func(t *testing.T, fx *fixture)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, newFixtureOn(t, b, nil)) })
	}
}

func newFixture(t testing.TB) *fixture { return newFixtureOn(t, backends()[0], nil) }

// newFixtureOn builds the fixture; tune may change the service options.
func newFixtureOn(t testing.TB, b backend, tune func(*Options)) *fixture {
	return newFixtureClock(t, b, store.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), tune)
}

// newRealFixture runs on the system clock (benchmarks of wall time).
func newRealFixture(t testing.TB, tune func(*Options)) *fixture {
	return newFixtureClock(t, backends()[0], nil, tune)
}

func newFixtureClock(t testing.TB, b backend, manual *store.ManualClock, tune func(*Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	var clock store.Clock = store.SystemClock{}
	if manual != nil {
		clock = manual
	}
	st := b.open(t, clock)
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(), Clock: clock.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	work := jobs.New(st, jobs.Options{Clock: clock, Logger: quiet, CheckpointEvery: time.Millisecond})
	o := Options{Engine: e, Store: st, Jobs: work, Key: []byte("test key of sixteen bytes or more"), Clock: clock, Logger: quiet,
		Guard: GuardOptions{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, Jitter: func() float64 { return 0.5 }}
	if tune != nil {
		tune(&o)
	}
	s, err := New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = work.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	fx := &fixture{ctx: ctx, st: st, clock: manual, e: e, b: builder.New(e), work: work, s: s}
	fx.seedWorkspace(t)
	return fx
}

// seedWorkspace gives the fixture a workspace, its admin and a form.
func (fx *fixture) seedWorkspace(t testing.TB) {
	t.Helper()
	u, err := fx.e.CreateUser(fx.ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := fx.e.CreateWorkspace(fx.ctx, u.ID, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	fx.admin = engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	fx.form = fx.publish(t, form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "phone", Type: "text", Label: "电话"},
	}})
}

func (fx *fixture) publish(t testing.TB, def form.Definition) string {
	t.Helper()
	app, err := fx.e.CreateApp(fx.ctx, fx.admin, engine.AppInput{Name: "CRM " + store.NewID()[:6]})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := fx.e.CreateForm(fx.ctx, fx.admin, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.b.Publish(fx.ctx, fx.admin, fm.ID, fm.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return fm.ID
}

// create writes a record of the fixture's form.
func (fx *fixture) create(t testing.TB, data map[string]any) engine.Record {
	t.Helper()
	r, err := fx.e.CreateRecord(fx.ctx, fx.admin, fx.form, data, engine.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// endpoint creates an endpoint of the record events of the form.
func (fx *fixture) endpoint(t testing.TB, url string, tune func(*EndpointInput)) EndpointCreated {
	t.Helper()
	in := EndpointInput{URL: url, Events: []string{"record.created", "record.updated", "record.deleted"}, Form: fx.form}
	if tune != nil {
		tune(&in)
	}
	ep, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, in)
	if err != nil {
		t.Fatalf("CreateEndpoint: %v", err)
	}
	return ep
}

// deliveries waits until the endpoint has n deliveries and returns them, oldest first.
func (fx *fixture) deliveries(t testing.TB, endpoint string, n int) []Delivery {
	t.Helper()
	var got []Delivery
	waitFor(t, "deliveries fanned out", func() bool {
		p, err := fx.s.Deliveries(fx.ctx, fx.admin, endpoint, "", "", 100)
		if err != nil {
			t.Fatal(err)
		}
		got = p.Deliveries
		return len(got) >= n
	})
	for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
		got[i], got[j] = got[j], got[i]
	}
	return got
}

// deliverAll sends what is due until nothing is.
func (fx *fixture) deliverAll(t testing.TB) int {
	t.Helper()
	n, err := fx.s.DeliverDue(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor waits for cond with a deadline; it does not measure time.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// receiver is a real HTTP receiver on loopback: it records every request
// and answers with what next returns.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []received
	next func(n int, r received) (int, http.Header)
}

type received struct {
	header http.Header
	body   []byte
}

func (r received) payload(t testing.TB) Payload {
	var p Payload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func newReceiver(t testing.TB) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec := received{header: r.Header.Clone(), body: b}
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, rec)
		n := len(rc.reqs)
		next := rc.next
		rc.mu.Unlock()
		status := 200
		if next != nil {
			var h http.Header
			status, h = next(n, rec)
			for k, v := range h {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) got() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

func isNotFound(err error) bool { return errors.Is(err, engine.ErrNotFound) }
