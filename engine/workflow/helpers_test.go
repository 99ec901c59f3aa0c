package workflow_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
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
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/internal/ferrettest"
)

// clock is the tests' manual clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// timers records planned due times; fire runs those due by the clock,
// as the jobs runtime would.
type timers struct {
	mu      sync.Mutex
	planned map[string]plannedTimer
}

type plannedTimer struct {
	at      time.Time
	payload map[string]any
}

func (t *timers) Plan(_ context.Context, id string, due time.Time, _ string, payload map[string]any) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.planned[id] = plannedTimer{due, payload}
	return nil
}

func (t *timers) Cancel(_ context.Context, id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.planned, id)
	return nil
}

func (t *timers) count() int { t.mu.Lock(); defer t.mu.Unlock(); return len(t.planned) }

// notes records notifications.
type notes struct {
	mu  sync.Mutex
	got []engine.Notification
}

func (n *notes) Notify(_ context.Context, ns ...engine.Notification) error {
	n.mu.Lock()
	n.got = append(n.got, ns...)
	n.mu.Unlock()
	return nil
}

func (n *notes) to(user string) []engine.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []engine.Notification
	for _, x := range n.got {
		for _, r := range x.Recipients {
			if r == user {
				out = append(out, x)
			}
		}
	}
	return out
}

type env struct {
	t      testing.TB
	ctx    context.Context
	e      *engine.Engine
	s      *workflow.Approvals
	clock  *clock
	timers *timers
	notes  *notes
	admin  engine.Actor
	ws     string
	app    string
	mongo  bool
	n      atomic.Int64
}

func newSQLiteEnv(t testing.TB) *env {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, c, false)
}

func newMongoEnv(t testing.TB) *env {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet, Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, st, c, true)
}

var _ store.Clock = (*clock)(nil)

func newEnvOn(t testing.TB, st store.Store, c *clock, mongo bool) *env {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(), Clock: c.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员"}, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	tm := &timers{planned: map[string]plannedTimer{}}
	ns := &notes{}
	e.SetNotifier(ns)
	s, err := workflow.NewApprovals(ctx, e, workflow.ApprovalOptions{Timers: tm, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.Bind()
	ev := &env{t: t, ctx: ctx, e: e, s: s, clock: c, timers: tm, notes: ns, ws: ws.ID, mongo: mongo,
		admin: engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}}
	a, err := e.CreateApp(ctx, ev.admin, engine.AppInput{Name: "审批"})
	if err != nil {
		t.Fatal(err)
	}
	ev.app = a.ID
	return ev
}

// eachBackend runs fn on SQLite and on the Mongo adapter against FerretDB.
func eachBackend(t *testing.T, fn func(t *testing.T, ev *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newSQLiteEnv(t)) })
	t.Run("mongo", func(t *testing.T) { fn(t, newMongoEnv(t)) })
}

// fire runs the due times planned by now on the clock.
func (ev *env) fire() {
	ev.t.Helper()
	ev.timers.mu.Lock()
	var due []plannedTimer
	var ids []string
	for id, p := range ev.timers.planned {
		if !p.at.After(ev.clock.Now()) {
			due = append(due, p)
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		delete(ev.timers.planned, id)
	}
	ev.timers.mu.Unlock()
	for _, p := range due {
		if err := ev.s.HandleDue(ev.ctx, p.payload); err != nil {
			ev.t.Fatal(err)
		}
	}
}

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
	m, err := ev.e.Membership(ev.ctx, ev.ws, u.ID)
	if err != nil {
		ev.t.Fatal(err)
	}
	return engine.Actor{UserID: u.ID, Name: name, Workspace: ev.ws, Role: m.Role, Departments: m.Departments, Roles: m.Roles, Source: engine.SourceUI}
}

// quoteForm is the form the scenarios use.
var quoteForm = form.Definition{Fields: []form.Field{
	{Key: "title", Type: "text", Label: "标题"},
	{Key: "discount", Type: "number", Label: "折扣"},
	{Key: "cost", Type: "number", Label: "成本"},
	{Key: "note", Type: "textarea", Label: "备注"},
	{Key: "owner", Type: "user", Label: "负责人"},
	{Key: "deadline", Type: "date", Label: "截止"},
}}

func (ev *env) form() string {
	ev.t.Helper()
	f, err := ev.e.CreateForm(ev.ctx, ev.admin, ev.app, engine.FormInput{Name: fmt.Sprintf("报价 %d", ev.n.Add(1)), Definition: quoteForm})
	if err != nil {
		ev.t.Fatal(err)
	}
	if _, err := ev.e.PublishVersion(ev.ctx, ev.admin, f.ID, f.Version, quoteForm, nil, nil); err != nil {
		ev.t.Fatal(err)
	}
	return f.ID
}

func (ev *env) record(formID string, a engine.Actor, data map[string]any) engine.Record {
	ev.t.Helper()
	r, err := ev.e.CreateRecord(ev.ctx, a, formID, data, engine.WriteOptions{})
	if err != nil {
		ev.t.Fatal(err)
	}
	return r
}

// flow creates and publishes a flow of formID with design d.
func (ev *env) flow(formID string, d workflow.FlowDesign, fallback string) workflow.Flow {
	ev.t.Helper()
	f, err := ev.s.CreateFlow(ev.ctx, ev.admin, formID, workflow.FlowInput{Name: "折扣审批", Fallback: fallback, Draft: d})
	if err != nil {
		ev.t.Fatal(err)
	}
	if _, err := ev.s.Publish(ev.ctx, ev.admin, f.ID); err != nil {
		ev.t.Fatal(err)
	}
	f, err = ev.s.Flow(ev.ctx, ev.admin, f.ID)
	if err != nil {
		ev.t.Fatal(err)
	}
	return f
}

func (ev *env) start(f workflow.Flow, a engine.Actor, rec string, choices map[string][]string) workflow.Instance {
	ev.t.Helper()
	in, err := ev.s.Start(ev.ctx, a, f.ID, workflow.StartInput{Record: rec, Choices: choices})
	if err != nil {
		ev.t.Fatal(err)
	}
	return in
}

func (ev *env) instance(id string) workflow.Instance {
	ev.t.Helper()
	in, err := ev.s.Instance(ev.ctx, ev.admin, id)
	if err != nil {
		ev.t.Fatal(err)
	}
	return in
}

// todo returns a's open tasks.
func (ev *env) todo(a engine.Actor) []workflow.Task {
	ev.t.Helper()
	p, err := ev.s.Inbox(ev.ctx, a, workflow.BoxTodo, "", 100)
	if err != nil {
		ev.t.Fatal(err)
	}
	return p.Tasks
}

// only returns a's one open task, failing otherwise.
func (ev *env) only(a engine.Actor) workflow.Task {
	ev.t.Helper()
	ts := ev.todo(a)
	if len(ts) != 1 {
		ev.t.Fatalf("%s has %d open tasks, want 1: %+v", a.Name, len(ts), ts)
	}
	return ts[0]
}

func (ev *env) act(a engine.Actor, task, action string, in workflow.ActInput) workflow.Task {
	ev.t.Helper()
	t, err := ev.s.Act(ev.ctx, a, task, action, in)
	if err != nil {
		ev.t.Fatalf("%s %s: %v", a.Name, action, err)
	}
	return t
}

// linear is start → one approver (users, mode) → end.
func linear(mode string, threshold float64, users ...string) workflow.FlowDesign {
	return workflow.FlowDesign{
		Nodes: []workflow.Node{
			{ID: "start", Kind: workflow.KindStart, Name: "发起"},
			{ID: "approve", Kind: workflow.KindApprover, Name: "审批", Mode: mode, Threshold: threshold,
				Assignees: []workflow.Assignee{{Kind: workflow.AssignUsers, Users: users}}},
			{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
		},
		Edges: []workflow.Edge{{ID: "e1", From: "start", To: "approve"}, {ID: "e2", From: "approve", To: "end"}},
	}
}

func kinds(tl []workflow.TimelineEntry) []string {
	out := make([]string, len(tl))
	for i, e := range tl {
		out[i] = e.Kind
		if e.Node != "" {
			out[i] += ":" + e.Node
		}
		if e.Action != "" {
			out[i] += ":" + e.Action
		}
	}
	return out
}

func statuses(ts []workflow.Task) map[string]string {
	out := map[string]string{}
	for _, t := range ts {
		out[t.Assignee+"@"+t.Node] = t.Status
	}
	return out
}

func sorted(ss []string) []string { sort.Strings(ss); return ss }
