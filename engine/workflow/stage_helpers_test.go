package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/internal/ferrettest"
)

// stageClock is an injectable stageClock tests move by hand.
type stageClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stageClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stageClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type stageFixture struct {
	ctx        context.Context
	e          *engine.Engine
	b          *builder.Service
	s          *workflow.Stages
	st         store.Store
	stageClock *stageClock
	admin      engine.Actor
	member     engine.Actor
	mongo      bool
}

func eachStageBackend(t *testing.T, run func(t *testing.T, f *stageFixture)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		run(t, stageFixtureOn(t, st, false))
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
		run(t, stageFixtureOn(t, st, true))
	})
}

var stageSeq atomic.Int64

func stageFixtureOn(t testing.TB, st store.Store, mongo bool) *stageFixture {
	t.Helper()
	ctx := context.Background()
	c := &stageClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e, err := engine.New(ctx, st, engine.Options{Clock: c.Now, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := workflow.NewStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	f := &stageFixture{ctx: ctx, e: e, b: builder.New(e), s: s, st: st, stageClock: c, mongo: mongo}
	n := stageSeq.Add(1)
	au, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("admin%d@example.com", n), Name: "管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := e.CreateWorkspace(ctx, au.ID, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = engine.Actor{UserID: au.ID, Name: au.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	mu, err := e.CreateUser(ctx, engine.UserInput{Email: fmt.Sprintf("member%d@example.com", n), Name: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddMember(ctx, f.admin, mu.ID, engine.RoleMember, nil); err != nil {
		t.Fatal(err)
	}
	f.member = engine.Actor{UserID: mu.ID, Name: mu.Name, Workspace: ws.ID, Role: engine.RoleMember, Source: engine.SourceUI}
	return f
}

func pct(v float64) *float64 { return &v }

// dealForm is the test design: a stage select (需求确认 → 方案提交 →
// 技术交流 → 价格谈判 → 赢单/输单) with the fields its gates need.
func dealForm() form.Definition {
	return form.Definition{Fields: []form.Field{
		{Key: "title", Type: "text", Label: "名称", Required: true},
		{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{
			{Value: "qualify", Label: "需求确认"}, {Value: "proposal", Label: "方案提交"}, {Value: "tech", Label: "技术交流"},
			{Value: "negotiate", Label: "价格谈判"}, {Value: "won", Label: "赢单"}, {Value: "lost", Label: "输单"}}},
		{Key: "amount", Type: "money", Label: "金额"},
		{Key: "proposal_doc", Type: "text", Label: "方案链接"},
		{Key: "lost_reason", Type: "textarea", Label: "输单原因"},
		{Key: "competitor", Type: "text", Label: "竞争对手"},
		{Key: "stage_entered_at", Type: "datetime", Label: "进入阶段时间"},
	}}
}

func dealPipeline() workflow.Pipeline {
	return workflow.Pipeline{Field: "stage", Transitions: workflow.TransitionsForward, EnteredAtField: "stage_entered_at", Stages: []workflow.Stage{
		{Value: "qualify", Probability: pct(10), Forecast: "pipeline", Guidance: "确认客户需求与预算", Checklist: []string{"确认预算", "确认决策人"}},
		{Value: "proposal", Probability: pct(30), Forecast: "pipeline", Required: []string{"proposal_doc"}},
		{Value: "tech", Probability: pct(50), Forecast: "best_case"},
		{Value: "negotiate", Probability: pct(70), Forecast: "commit", Condition: "amount > 0",
			Message: map[string]string{"zh-CN": "金额必须大于 0", "en": "the amount must be above 0"}},
		{Value: "won", Probability: pct(100), Flag: workflow.FlagWon, Forecast: "closed", Required: []string{"amount"}},
		{Value: "lost", Probability: pct(0), Flag: workflow.FlagLost, Forecast: "omitted", Required: []string{"lost_reason", "competitor"}},
	}}
}

// publishDeal creates the deal form with the pipeline in its design and
// publishes it.
func (f *stageFixture) publishDeal(t testing.TB, p workflow.Pipeline) string {
	t.Helper()
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: fmt.Sprintf("CRM %d", stageSeq.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	def := dealForm()
	raw, _ := json.Marshal(p)
	def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
		t.Fatalf("publish: %v", stageCodes(err))
	}
	return fm.ID
}

// stageCodes maps the paths of a validation error to their codes.
func stageCodes(err error) map[string]string {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return map[string]string{"": fmt.Sprint(err)}
	}
	out := map[string]string{}
	for _, fe := range ve.Fields {
		out[fe.Path] = fe.Code
	}
	return out
}

// countTransitions counts the stored transitions of a record.
func (f *stageFixture) countTransitions(t testing.TB, formID, id string) int {
	t.Helper()
	h, err := f.s.RecordHistory(f.ctx, f.admin, formID, id)
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

func stageSQLite(t *testing.T) store.Store {
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// draftDeal creates the deal form with p in its draft, unpublished; it
// returns the form id and its version.
func (f *stageFixture) draftDeal(t testing.TB, p workflow.Pipeline) (string, int64) {
	t.Helper()
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: fmt.Sprintf("CRM %d", stageSeq.Add(1))})
	if err != nil {
		t.Fatal(err)
	}
	def := dealForm()
	raw, _ := json.Marshal(p)
	def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	return fm.ID, fm.Version
}

func benchSQLite(b *testing.B) store.Store {
	st, err := sqlitestore.Open(b.TempDir(), sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
