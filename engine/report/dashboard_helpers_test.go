package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/internal/ferrettest"
)

// clock is an injectable clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// dash is the fixture of the dashboard tests: an engine with stage
// pipelines bound (real transitions), a workspace in a DST zone, an app
// with a pipeline form, and members: a manager, a rep who sees only the
// north region (a row filter) and cannot see cost (hidden), and a member
// without any access to the form.
type dash struct {
	ctx            context.Context
	e              *engine.Engine
	d              *report.Dashboards
	clk            *clock
	admin, rep, no engine.Actor
	app, form      string
	roleID         string
	mongo          bool
	// history is the stage-history collection the dashboards read.
	history string
}

var dashSeq atomic.Int64

func pct(v float64) *float64 { return &v }

// pipelineForm is a generic form with a stage pipeline.
func pipelineForm() form.Definition {
	def := form.Definition{Fields: []form.Field{
		{Key: "title", Type: "text", Label: "名称"},
		{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{
			{Value: "s1", Label: "初步接触"}, {Value: "s2", Label: "方案"}, {Value: "s3", Label: "谈判"},
			{Value: "won", Label: "成交"}, {Value: "lost", Label: "失败"}}},
		{Key: "region", Type: "select", Label: "区域", Options: []form.Option{{Value: "north", Label: "华北"}, {Value: "south", Label: "华南"}}},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "price", Type: "money", Label: "报价"},
		{Key: "prob", Type: "number", Label: "概率"},
		{Key: "cost", Type: "number", Label: "成本"},
		{Key: "rep", Type: "user", Label: "负责人"},
		{Key: "due", Type: "date", Label: "截止日期"},
		{Key: "signed", Type: "datetime", Label: "签约时间"},
	}}
	p := workflow.Pipeline{Field: "stage", Transitions: workflow.TransitionsAny, Stages: []workflow.Stage{
		{Value: "s1", Probability: pct(10)}, {Value: "s2", Probability: pct(40)}, {Value: "s3", Probability: pct(70)},
		{Value: "won", Probability: pct(100), Flag: workflow.FlagWon}, {Value: "lost", Probability: pct(0), Flag: workflow.FlagLost}}}
	raw, _ := json.Marshal(p)
	def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
	return def
}

func eachDashBackend(t *testing.T, fn func(t *testing.T, f *dash)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newDash(t, st, false))
	})
	t.Run("ferretdb", func(t *testing.T) {
		if testing.Short() {
			t.Skip("short")
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newDash(t, st, true))
	})
}

func newDash(t testing.TB, st store.Store, mongo bool) *dash {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e, err := engine.New(ctx, st, engine.Options{Clock: clk.Now, Authorizer: access.New(access.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	stages, err := workflow.NewStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := stages.Bind(); err != nil {
		t.Fatal(err)
	}
	d, err := report.NewDashboards(ctx, e, report.DashboardOptions{StageHistory: stages.Collection()})
	if err != nil {
		t.Fatal(err)
	}
	f := &dash{ctx: ctx, e: e, d: d, clk: clk, mongo: mongo, history: stages.Collection()}
	n := dashSeq.Add(1)
	au, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("admin%d@example.com", n), Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := e.CreateWorkspace(ctx, au.ID, engine.WorkspaceInput{Name: "示例公司", TimeZone: "America/New_York"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = engine.Actor{UserID: au.ID, Name: au.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	role, err := e.CreateRole(ctx, f.admin, "销售", "")
	if err != nil {
		t.Fatal(err)
	}
	f.roleID = role.ID
	member := func(name string, roles []string) engine.Actor {
		u, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("%s%d@example.com", name, n), Name: name})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.AddMember(ctx, f.admin, u.ID, engine.RoleMember, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SetMemberAccess(ctx, f.admin, m.ID, roles, nil, m.Version); err != nil {
			t.Fatal(err)
		}
		return engine.Actor{UserID: u.ID, Name: name, Workspace: ws.ID, Role: engine.RoleMember, Roles: roles, Source: engine.SourceUI}
	}
	f.rep = member("rep", []string{role.ID})
	f.no = member("nobody", nil)
	app, err := e.CreateApp(ctx, f.admin, engine.AppInput{Name: "销售"})
	if err != nil {
		t.Fatal(err)
	}
	f.app = app.ID
	fm, err := e.CreateForm(ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: pipelineForm()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(e).Publish(ctx, f.admin, fm.ID, fm.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	f.form = fm.ID
	// The role sees and manages the north region only, without the cost.
	north := store.Where("region", store.OpEq, "north")
	set, _ := engine.PresetSet(engine.PresetManageAll)
	set.Name = "北区"
	set.Rows = &north
	set.Grants = []engine.Grant{{Kind: engine.GrantRole, ID: role.ID}}
	set.Fields = map[string]engine.FieldAccess{"cost": engine.FieldHidden}
	if _, _, err := e.SavePermissionSet(ctx, f.admin, fm.ID, set, 0); err != nil {
		t.Fatal(err)
	}
	fp, err := e.FormPermissions(ctx, f.admin, fm.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Drop the default set (everyone manages all) so only the role has access.
	for _, s := range fp.Sets {
		if s.Name != "北区" {
			if fp, err = e.DeletePermissionSet(ctx, f.admin, fm.ID, s.ID, fp.Version); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	return f
}

// create writes a record at the clock's time.
func (f *dash) create(t testing.TB, at time.Time, data map[string]any) engine.Record {
	t.Helper()
	f.clk.Set(at)
	r, err := f.e.CreateRecord(f.ctx, f.admin, f.form, data, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("create %v: %v", data, err)
	}
	return r
}

// move changes a record's stage at a time.
func (f *dash) move(t testing.TB, at time.Time, r engine.Record, stage string) engine.Record {
	t.Helper()
	f.clk.Set(at)
	r, err := f.e.UpdateRecord(f.ctx, f.admin, f.form, r.ID, map[string]any{"stage": stage}, r.Version, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("move to %s: %v", stage, err)
	}
	return r
}

func codes(err error) map[string]string { return paths(err) }
