package access_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// clock is a manual clock for cache lifetimes.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// countingFacts passes the engine's facts through and counts the reads the
// policy caches (permission sets and organisation).
type countingFacts struct {
	engine.Facts
	perms, charts atomic.Int64
	unpublished   bool // VersionOf answers ErrNotPublished
}

func (c *countingFacts) FormPermissionsOf(ctx context.Context, ws, formID string) (engine.FormPermissions, error) {
	c.perms.Add(1)
	return c.Facts.FormPermissionsOf(ctx, ws, formID)
}

func (c *countingFacts) OrgChart(ctx context.Context, ws string) (engine.OrgChart, error) {
	c.charts.Add(1)
	return c.Facts.OrgChart(ctx, ws)
}

func (c *countingFacts) VersionOf(ctx context.Context, ws, formID string) (*engine.Version, error) {
	if c.unpublished {
		return nil, fmt.Errorf("%w: %s", engine.ErrNotPublished, formID)
	}
	return c.Facts.VersionOf(ctx, ws, formID)
}

// spy is the policy with a record of the workspaces the engine invalidated.
type spy struct {
	*access.Policy
	mu  sync.Mutex
	got []string
}

func (s *spy) Invalidate(ws string) {
	s.mu.Lock()
	s.got = append(s.got, ws)
	s.mu.Unlock()
	s.Policy.Invalidate(ws)
}

// invalidations returns and forgets the recorded invalidations.
func (s *spy) invalidations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.got
	s.got = nil
	return out
}

// env is an engine wired with the policy (on a manual clock) and one
// workspace with its admin.
type env struct {
	t     testing.TB
	ctx   context.Context
	e     *engine.Engine
	p     *access.Policy
	spy   *spy
	clock *clock
	admin engine.Actor
	ws    string
	n     atomic.Int64
}

func newSQLiteEnv(t testing.TB) *env {
	t.Helper()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st)
}

func newMongoEnv(t testing.TB) *env {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st)
}

func newEnvOn(t testing.TB, st store.Store) *env {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	p := access.New(access.Options{Now: c.Now})
	s := &spy{Policy: p}
	e, err := engine.New(ctx, st, engine.Options{Authorizer: s})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员"}, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, e: e, p: p, spy: s, clock: c, ws: ws.ID,
		admin: engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}}
}

// eachBackend runs fn on SQLite and on the Mongo adapter against the
// in-process FerretDB.
func eachBackend(t *testing.T, fn func(t *testing.T, ev *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newSQLiteEnv(t)) })
	t.Run("mongo", func(t *testing.T) { fn(t, newMongoEnv(t)) })
}

// member adds a new user as a plain member in departments and returns the
// actor as the auth service builds it from the membership.
func (ev *env) member(name string, departments ...string) engine.Actor {
	ev.t.Helper()
	n := ev.n.Add(1)
	u, err := ev.e.CreateUser(ev.ctx, engine.UserInput{Email: fmt.Sprintf("m%d@example.com", n), Name: name})
	if err != nil {
		ev.t.Fatal(err)
	}
	if _, err := ev.e.AddMember(ev.ctx, ev.admin, u.ID, engine.RoleMember, departments); err != nil {
		ev.t.Fatal(err)
	}
	return ev.actor(u.ID)
}

// actor reads the membership of user into an actor (roles, departments,
// admin apps as stored now).
func (ev *env) actor(userID string) engine.Actor {
	ev.t.Helper()
	m, err := ev.e.Membership(ev.ctx, ev.ws, userID)
	if err != nil {
		ev.t.Fatal(err)
	}
	return engine.Actor{UserID: userID, Workspace: ev.ws, Role: m.Role, Departments: m.Departments, Roles: m.Roles,
		AdminApps: m.AdminApps, Source: engine.SourceUI}
}

func (ev *env) membership(a engine.Actor) engine.Member {
	ev.t.Helper()
	m, err := ev.e.Membership(ev.ctx, ev.ws, a.UserID)
	if err != nil {
		ev.t.Fatal(err)
	}
	return m
}

// setAccess gives a member roles and app administration and returns the
// actor rebuilt from the membership.
func (ev *env) setAccess(a engine.Actor, roles, apps []string) engine.Actor {
	ev.t.Helper()
	m := ev.membership(a)
	if _, err := ev.e.SetMemberAccess(ev.ctx, ev.admin, m.ID, roles, apps, m.Version); err != nil {
		ev.t.Fatal(err)
	}
	return ev.actor(a.UserID)
}

func (ev *env) department(name, parent string) engine.Department {
	ev.t.Helper()
	d, err := ev.e.CreateDepartment(ev.ctx, ev.admin, name, parent)
	if err != nil {
		ev.t.Fatal(err)
	}
	return d
}

func (ev *env) role(name string) string {
	ev.t.Helper()
	r, err := ev.e.CreateRole(ev.ctx, ev.admin, name, "")
	if err != nil {
		ev.t.Fatal(err)
	}
	return r.ID
}

func (ev *env) app() string {
	ev.t.Helper()
	a, err := ev.e.CreateApp(ev.ctx, ev.admin, engine.AppInput{Name: fmt.Sprintf("应用 %d", ev.n.Add(1))})
	if err != nil {
		ev.t.Fatal(err)
	}
	return a.ID
}

// draft creates a form of app with def, not published.
func (ev *env) draft(app string, def form.Definition) string {
	ev.t.Helper()
	f, err := ev.e.CreateForm(ev.ctx, ev.admin, app, engine.FormInput{Name: fmt.Sprintf("表单 %d", ev.n.Add(1)), Definition: def})
	if err != nil {
		ev.t.Fatal(err)
	}
	return f.ID
}

// publish creates a form of app with def and publishes it.
func (ev *env) publish(app string, def form.Definition) string {
	ev.t.Helper()
	id := ev.draft(app, def)
	f, err := ev.e.Form(ev.ctx, ev.admin, id)
	if err != nil {
		ev.t.Fatal(err)
	}
	if _, err := ev.e.PublishVersion(ev.ctx, ev.admin, id, f.Version, def, nil, nil); err != nil {
		ev.t.Fatal(err)
	}
	return id
}

// dealForm is the form most tests use: an owner-less deal with a
// department, an amount, a probability and formulas over them.
var dealForm = form.Definition{Fields: []form.Field{
	{Key: "title", Type: "text", Label: "标题"},
	{Key: "dept", Type: "department", Label: "部门"},
	{Key: "sales", Type: "user", Label: "销售"},
	{Key: "amount", Type: "number", Label: "金额"},
	{Key: "probability", Type: "number", Label: "赢率"},
	{Key: "weighted", Type: "formula", Label: "加权金额", Expression: "amount * probability / 100"},
	{Key: "doubled", Type: "formula", Label: "双倍加权", Expression: "weighted * 2"},
	{Key: "note", Type: "textarea", Label: "备注"},
}}

// save adds a permission set to a form (or replaces it when s.ID is set).
func (ev *env) save(formID string, s engine.PermissionSet) engine.PermissionSet {
	ev.t.Helper()
	fp, err := ev.e.FormPermissions(ev.ctx, ev.admin, formID)
	if err != nil {
		ev.t.Fatal(err)
	}
	_, out, err := ev.e.SavePermissionSet(ev.ctx, ev.admin, formID, s, fp.Version)
	if err != nil {
		ev.t.Fatalf("save permission set: %v", err)
	}
	return out
}

// configure gives a form exactly the sets given: they are saved and the
// default set kept by the first save is deleted.
func (ev *env) configure(formID string, sets ...engine.PermissionSet) []engine.PermissionSet {
	ev.t.Helper()
	out := make([]engine.PermissionSet, len(sets))
	for i, s := range sets {
		out[i] = ev.save(formID, s)
	}
	fp, err := ev.e.FormPermissions(ev.ctx, ev.admin, formID)
	if err != nil {
		ev.t.Fatal(err)
	}
	for _, s := range fp.Sets {
		if !containsSet(out, s.ID) {
			if fp, err = ev.e.DeletePermissionSet(ev.ctx, ev.admin, formID, s.ID, fp.Version); err != nil {
				ev.t.Fatal(err)
			}
		}
	}
	return out
}

func containsSet(sets []engine.PermissionSet, id string) bool {
	for _, s := range sets {
		if s.ID == id {
			return true
		}
	}
	return false
}

// preset returns the predefined set p granted to grants.
func preset(t testing.TB, p engine.Preset, grants ...engine.Grant) engine.PermissionSet {
	t.Helper()
	s, ok := engine.PresetSet(p)
	if !ok {
		t.Fatalf("no preset %s", p)
	}
	s.Name, s.Grants = string(p), grants
	return s
}

func toMember(a engine.Actor) engine.Grant {
	return engine.Grant{Kind: engine.GrantMember, ID: a.UserID}
}
func toRole(id string) engine.Grant       { return engine.Grant{Kind: engine.GrantRole, ID: id} }
func toDepartment(id string) engine.Grant { return engine.Grant{Kind: engine.GrantDepartment, ID: id} }

var everyone = engine.Grant{Kind: engine.GrantEveryone}

// decide asks the policy directly, with the engine as facts.
func (ev *env) decide(a engine.Actor, act engine.Action, r engine.Resource) engine.Decision {
	ev.t.Helper()
	return ev.decideWith(ev.e, a, act, r)
}

func (ev *env) decideWith(f engine.Facts, a engine.Actor, act engine.Action, r engine.Resource) engine.Decision {
	ev.t.Helper()
	r.Workspace = ev.ws
	d, err := ev.p.Decide(ev.ctx, f, a, act, r)
	if err != nil {
		ev.t.Fatalf("decide %s: %v", act, err)
	}
	if !d.Allowed && d.Reason == "" {
		ev.t.Errorf("%s refused without a reason", act)
	}
	return d
}

// allowed lists the record actions a may take on a form.
func (ev *env) allowed(a engine.Actor, formID string) []engine.Action {
	ev.t.Helper()
	var out []engine.Action
	for _, act := range engine.RecordActions {
		if ev.decide(a, act, engine.Resource{Form: formID}).Allowed {
			out = append(out, act)
		}
	}
	return out
}

func ids(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
