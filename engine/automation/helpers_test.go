package automation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// backend opens a fresh store of one kind on a clock.
type backend struct {
	name string
	open func(t testing.TB, clock store.Clock) store.Store
}

// backends are SQLite and the in-process FerretDB (no transactions: units
// are opened non-atomic, the test-only opt-in; the service splits its
// units there anyway).
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

// each runs f on every backend.
func each(t *testing.T, f func(t *testing.T, x *fx)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { f(t, newFx(t, b, true)) })
	}
}

// notes records the notifications the engine's Notifier receives.
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

func (n *notes) all() []engine.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}

// to returns the notifications user received.
func (n *notes) to(user string) []engine.Notification {
	var out []engine.Notification
	for _, x := range n.all() {
		if slices.Contains(x.Recipients, user) {
			out = append(out, x)
		}
	}
	return out
}

// fx is an engine with one workspace (Asia/Shanghai), its admin, two
// members, a deal form and a contract form, the jobs runtime (running)
// and the automation service, on a manual clock.
type fx struct {
	t      testing.TB
	ctx    context.Context
	e      *engine.Engine
	st     store.Store
	clock  *store.ManualClock
	rt     *jobs.Runtime
	s      *Service
	notes  *notes
	ws     string
	app    string
	admin  engine.Actor
	alice  engine.Actor
	bob    engine.Actor
	deal   string
	contr  string
	ferret bool
}

var userSeq atomic.Int64

// t0 is the fixture's start: 09:00 in Shanghai on Monday 9 March 2026.
var t0 = time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)

// dealForm is the triggering form of the scenarios.
var dealForm = form.Definition{Fields: []form.Field{
	{Key: "title", Type: "text", Label: "标题"},
	{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{{Value: "初步接触", Label: "初步接触"}, {Value: "谈判", Label: "谈判"}, {Value: "赢单", Label: "赢单"}, {Value: "输单", Label: "输单"}}},
	{Key: "amount", Type: "number", Label: "金额"},
	{Key: "qty", Type: "number", Label: "数量"},
	{Key: "close_date", Type: "date", Label: "预计成交"},
	{Key: "last_contact", Type: "date", Label: "最近联系"},
	{Key: "meeting", Type: "datetime", Label: "会议"},
	{Key: "assignee", Type: "user", Label: "跟进人"},
	{Key: "tags", Type: "multiselect", Label: "标签", Options: []form.Option{{Value: "hot", Label: "重点"}, {Value: "cold", Label: "冷淡"}, {Value: "vip", Label: "VIP"}}},
}}

// contractForm is the form actions write into.
var contractForm = form.Definition{Fields: []form.Field{
	{Key: "title", Type: "text", Label: "合同名称"},
	{Key: "deal", Type: "text", Label: "来源"},
	{Key: "amount", Type: "number", Label: "金额"},
	{Key: "signed", Type: "date", Label: "签订日期"},
}}

func newFx(t testing.TB, b backend, run bool) *fx {
	t.Helper()
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	st := b.open(t, clock)
	e, err := engine.New(ctx, st, engine.Options{Clock: clock.Now, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	x := &fx{t: t, ctx: ctx, e: e, st: st, clock: clock, notes: &notes{}, ferret: b.name == "ferretdb"}
	e.SetNotifier(x.notes)
	user := func(name string) engine.User {
		u, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("a%d@example.com", userSeq.Add(1)), Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin, alice, bob := user("管理员"), user("Alice"), user("Bob")
	ws, err := e.CreateWorkspace(ctx, admin.ID, engine.WorkspaceInput{Name: "示例公司", TimeZone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	x.ws = ws.ID
	x.admin = engine.Actor{UserID: admin.ID, Name: admin.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	for _, u := range []engine.User{alice, bob} {
		if _, err := e.AddMember(ctx, x.admin, u.ID, engine.RoleMember, nil); err != nil {
			t.Fatal(err)
		}
	}
	x.alice = engine.Actor{UserID: alice.ID, Name: alice.Name, Workspace: ws.ID, Role: engine.RoleMember, Source: engine.SourceUI}
	x.bob = engine.Actor{UserID: bob.ID, Name: bob.Name, Workspace: ws.ID, Role: engine.RoleMember, Source: engine.SourceUI}
	app, err := e.CreateApp(ctx, x.admin, engine.AppInput{Name: "销售"})
	if err != nil {
		t.Fatal(err)
	}
	x.app = app.ID
	x.deal = x.form("商机", dealForm)
	x.contr = x.form("合同", contractForm)
	x.rt = jobs.New(st, jobs.Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: 20 * time.Millisecond,
		Workspaces: e.WorkspaceZones, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, CheckpointEvery: time.Millisecond})
	if x.s, err = New(ctx, e, x.rt, Options{Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	if run {
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = x.rt.Run(rctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return x
}

// form creates and publishes a form of the fixture's app.
func (x *fx) form(name string, def form.Definition) string {
	x.t.Helper()
	f, err := x.e.CreateForm(x.ctx, x.admin, x.app, engine.FormInput{Name: name, Definition: def})
	if err != nil {
		x.t.Fatal(err)
	}
	if _, err := x.e.PublishVersion(x.ctx, x.admin, f.ID, f.Version, def, nil, nil); err != nil {
		x.t.Fatal(err)
	}
	return f.ID
}

// publish creates an automation of form and publishes it as the admin.
func (x *fx) publish(form string, d Design) Automation {
	x.t.Helper()
	au, err := x.s.Create(x.ctx, x.admin, form, d)
	if err != nil {
		x.t.Fatal(describe(err))
	}
	au, err = x.s.Publish(x.ctx, x.admin, au.ID, au.Version)
	if err != nil {
		x.t.Fatal(describe(err))
	}
	return au
}

// describe renders a validation error's fields.
func describe(err error) string {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		var b strings.Builder
		for _, f := range ve.Fields {
			fmt.Fprintf(&b, "%s:%s%v ", f.Path, f.Code, f.Params)
		}
		return b.String()
	}
	return fmt.Sprint(err)
}

// create writes a deal as a.
func (x *fx) create(a engine.Actor, data map[string]any) engine.Record {
	x.t.Helper()
	r, err := x.e.CreateRecord(x.ctx, a, x.deal, data, engine.WriteOptions{})
	if err != nil {
		x.t.Fatal(describe(err))
	}
	return r
}

// update changes a deal as a.
func (x *fx) update(a engine.Actor, id string, data map[string]any) engine.Record {
	x.t.Helper()
	r, err := x.e.Record(x.ctx, a, x.deal, id)
	if err != nil {
		x.t.Fatal(err)
	}
	r, err = x.e.UpdateRecord(x.ctx, a, x.deal, id, data, r.Version, engine.WriteOptions{})
	if err != nil {
		x.t.Fatal(describe(err))
	}
	return r
}

// settle waits until the automation consumer has passed every event of
// the outbox (the events its own runs commit included).
func (x *fx) settle() {
	x.t.Helper()
	x.rt.Kick()
	x.waitFor("the consumer to catch up", func() bool {
		cs, err := x.rt.Consumers(x.ctx)
		if err != nil {
			x.t.Fatal(err)
		}
		for _, c := range cs {
			if c.Name == consumerName {
				return c.LagEvents == 0
			}
		}
		return false
	})
}

// waitFor polls cond until it holds, failing after a generous deadline
// (the machine may be busy; nothing here waits for time to pass).
func (x *fx) waitFor(what string, cond func() bool) {
	x.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			x.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// advance moves the clock and wakes the runtime's timers.
func (x *fx) advance(d time.Duration) {
	x.clock.Advance(d)
	x.rt.Kick()
}

// runs returns an automation's runs, newest first.
func (x *fx) runs(id string) []Run {
	x.t.Helper()
	p, err := x.s.Runs(x.ctx, x.admin, id, RunQuery{Limit: 100})
	if err != nil {
		x.t.Fatal(err)
	}
	return p.Items
}

// done reports whether automation id has at least n runs and none of them
// is still running (a timer's run is claimed before its actions run, and
// settle only waits for the outbox consumer).
func (x *fx) done(id string, n int) bool {
	rs := x.runs(id)
	if len(rs) < n {
		return false
	}
	for _, r := range rs {
		if r.Status == RunRunning {
			return false
		}
	}
	return true
}

// records returns the records of a form, oldest first.
func (x *fx) records(form string) []engine.Record {
	x.t.Helper()
	p, err := x.e.QueryRecords(x.ctx, x.admin, form, engine.RecordQuery{Limit: 500, Sort: []store.SortKey{{Field: "createdAt"}}})
	if err != nil {
		x.t.Fatal(err)
	}
	return p.Items
}

// notifyOwner is a notify action to the record's owner.
func notifyOwner(title string) Action {
	return Action{Kind: KindNotify, Config: map[string]any{"title": title, "recipients": map[string]any{"owner": true}}}
}

func statuses(rs []Run) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r.Status)
	}
	slices.Sort(out)
	return out
}
