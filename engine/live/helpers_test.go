package live

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is an engine over a real store with a running hub, a workspace,
// its admin and a form whose only permission set lets members of the role
// "销售" manage their own records.
type fixture struct {
	ctx   context.Context
	st    store.Store
	e     *engine.Engine
	hub   *Hub
	admin engine.Actor
	role  string
	form  string
}

type backend struct {
	name string
	open func(t testing.TB) store.Store
}

func backends() []backend {
	return []backend{
		{"sqlite", func(t testing.TB) store.Store {
			s, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"ferretdb", func(t testing.TB) store.Store {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
			if err != nil {
				t.Fatalf("mongostore.Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	}
}

// eachBackend runs f on SQLite and on the in-process FerretDB.
func eachBackend(t *testing.T, opts Options, f func(t *testing.T, fx *fixture)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			if b.name != "sqlite" && testing.Short() {
				t.Skip("starts FerretDB")
			}
			f(t, newFixture(t, b.open(t), opts))
		})
	}
}

func newEngine(t testing.TB, st store.Store) *engine.Engine {
	t.Helper()
	e, err := engine.New(context.Background(), st, engine.Options{Authorizer: access.New(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// startHub runs a hub over e and st until the test ends.
func startHub(t testing.TB, e *engine.Engine, st store.Store, opts Options) *Hub {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	h := New(e, st, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-h.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("hub did not find the end of the outbox")
	}
	return h
}

func newFixture(t testing.TB, st store.Store, opts Options) *fixture {
	t.Helper()
	ctx := context.Background()
	e := newEngine(t, st)
	fx := &fixture{ctx: ctx, st: st, e: e}
	u, err := e.CreateUser(ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := e.CreateWorkspace(ctx, u.ID, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	fx.admin = engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	app, err := e.CreateApp(ctx, fx.admin, engine.AppInput{Name: "CRM"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := e.CreateForm(ctx, fx.admin, app.ID, engine.FormInput{Name: "商机", Definition: form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司"},
		{Key: "price", Type: "number", Label: "底价"},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(e).Publish(ctx, fx.admin, fm.ID, fm.Version); err != nil {
		t.Fatal(err)
	}
	fx.form = fm.ID
	role, err := e.CreateRole(ctx, fx.admin, "销售", "")
	if err != nil {
		t.Fatal(err)
	}
	fx.role = role.ID
	own, _ := engine.PresetSet(engine.PresetManageOwn)
	own.Name = "销售"
	own.Fields = map[string]engine.FieldAccess{"price": engine.FieldHidden}
	own.Grants = []engine.Grant{{Kind: engine.GrantRole, ID: role.ID}}
	fp, _, err := e.SavePermissionSet(ctx, fx.admin, fm.ID, own, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeletePermissionSet(ctx, fx.admin, fm.ID, fp.Sets[0].ID, fp.Version); err != nil {
		t.Fatal(err)
	}
	fx.hub = startHub(t, e, st, opts)
	return fx
}

// member adds a member; rep gives them the role whose set shows own rows.
func (fx *fixture) member(t testing.TB, name string, rep bool) engine.Actor {
	t.Helper()
	u, err := fx.e.CreateUser(fx.ctx, engine.UserInput{Email: strings.ToLower(store.NewID()) + "@example.com", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	m, err := fx.e.AddMember(fx.ctx, fx.admin, u.ID, engine.RoleMember, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := engine.Actor{UserID: u.ID, Name: name, Workspace: fx.admin.Workspace, Role: engine.RoleMember, Source: engine.SourceUI}
	if rep {
		if _, err := fx.e.SetMemberAccess(fx.ctx, fx.admin, m.ID, []string{fx.role}, nil, m.Version); err != nil {
			t.Fatal(err)
		}
		a.Roles = []string{fx.role}
	}
	return a
}

func (fx *fixture) create(t testing.TB, a engine.Actor, company string) engine.Record {
	t.Helper()
	r, err := fx.e.CreateRecord(fx.ctx, a, fx.form, map[string]any{"company": company}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (fx *fixture) subscribe(t testing.TB, a engine.Actor, last int64) *Subscription {
	t.Helper()
	s, err := fx.hub.Subscribe(fx.ctx, a, []string{fx.form}, last)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// deadline bounds every wait for something that must happen; reaching it
// is a failure, never a measurement.
const deadline = 20 * time.Second

// next waits for the subscription's next event.
func next(t testing.TB, s *Subscription) Event {
	t.Helper()
	select {
	case ev := <-s.Events():
		return ev
	case <-s.Ended():
		t.Fatalf("subscription ended: %s", s.Reason())
	case <-time.After(deadline):
		t.Fatal("no event before the deadline")
	}
	return Event{}
}

// ended waits for the hub to end s and returns the reason.
func ended(t testing.TB, s *Subscription) string {
	t.Helper()
	select {
	case <-s.Ended():
		return s.Reason()
	case <-time.After(deadline):
		t.Fatal("subscription not ended before the deadline")
	}
	return ""
}

func isValidation(err error, code string) bool {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, f := range ve.Fields {
		if f.Code == code {
			return true
		}
	}
	return false
}

// caughtUp waits until the hub has fanned out every event committed so
// far: a test that needs the ring to have moved past a point (a resume
// that must reset) cannot rely on the tail having read the latest writes.
func (fx *fixture) caughtUp(t testing.TB) {
	t.Helper()
	var end int64
	for {
		evs, err := fx.st.ReadEvents(fx.ctx, end, store.MaxReadEvents)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		end = evs[len(evs)-1].Seq
	}
	stop := time.Now().Add(deadline)
	for fx.hub.Done() < end {
		if time.Now().After(stop) {
			t.Fatalf("the hub passed %d, not %d, before the deadline", fx.hub.Done(), end)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
