package workflow_test

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/workflow"
)

// stageEvents returns the workflow.stage_changed events in the outbox.
func (f *stageFixture) stageEvents(t *testing.T) []store.Event {
	t.Helper()
	evs, err := f.st.ReadEvents(f.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Event
	for _, ev := range evs {
		if ev.Type == workflow.EventStageChanged {
			out = append(out, ev)
		}
	}
	return out
}

// TestStageGateEveryWritePath: a move into 方案提交 without its required
// field is refused on every write path with a per-field error naming the
// field, and nothing is written (record, transition, event).
func TestStageGateEveryWritePath(t *testing.T) {
	eachStageBackend(t, func(t *testing.T, f *stageFixture) {
		formID := f.publishDeal(t, dealPipeline())
		seed := func(t *testing.T) engine.Record {
			r, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"title": "华东项目", "stage": "qualify"}, engine.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		unchanged := func(t *testing.T, r engine.Record) {
			t.Helper()
			got, err := f.e.Record(f.ctx, f.admin, formID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != r.Version || got.Data["stage"] != "qualify" {
				t.Fatalf("record written: version %d stage %v", got.Version, got.Data["stage"])
			}
			if n := f.countTransitions(t, formID, r.ID); n != 1 {
				t.Fatalf("transitions = %d, want only the creation's 1", n)
			}
		}
		wantGate := func(t *testing.T, err error) {
			t.Helper()
			if codes := stageCodes(err); codes["proposal_doc"] != workflow.CodeStageRequired {
				t.Fatalf("want stage_required on proposal_doc, got %v", codes)
			}
		}
		update := func(a engine.Actor, opts engine.WriteOptions) func(t *testing.T) {
			return func(t *testing.T) {
				r := seed(t)
				before := len(f.stageEvents(t))
				_, err := f.e.UpdateRecord(f.ctx, a, formID, r.ID, map[string]any{"stage": "proposal", "amount": 5000}, r.Version, opts)
				wantGate(t, err)
				unchanged(t, r)
				if n := len(f.stageEvents(t)); n != before {
					t.Fatalf("stage events %d, want %d", n, before)
				}
			}
		}
		t.Run("fill create", func(t *testing.T) {
			_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"title": "新线索", "stage": "proposal"}, engine.WriteOptions{})
			wantGate(t, err)
			page, err := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Filter: &store.Filter{Field: "title", Op: store.OpEq, Value: "新线索"}, Total: true})
			if err != nil || *page.Total != 0 {
				t.Fatalf("created anyway: %v %v", page.Total, err)
			}
		})
		t.Run("api update", update(f.admin, engine.WriteOptions{}))
		t.Run("kanban drag", func(t *testing.T) {
			r := seed(t)
			_, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"stage": "proposal"}, r.Version, engine.WriteOptions{})
			wantGate(t, err)
			unchanged(t, r)
		})
		auto := f.admin
		auto.Source = engine.SourceAutomation
		t.Run("automation", update(auto, engine.WriteOptions{Chain: &engine.Chain{ID: "ev1", Depth: 1, Origins: []string{"automation:a1"}}}))
		t.Run("bulk edit", func(t *testing.T) {
			// A bulk edit is one update per record through the pipeline.
			rs := []engine.Record{seed(t), seed(t)}
			for _, r := range rs {
				_, err := f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, map[string]any{"stage": "proposal"}, r.Version, engine.WriteOptions{})
				wantGate(t, err)
				unchanged(t, r)
			}
		})
		t.Run("import", func(t *testing.T) {
			imp := f.admin
			imp.Source = engine.SourceImport
			read := func() (engine.Table, error) {
				return engine.Table{Format: engine.FormatCSV, Header: []string{"名称", "阶段"}, Rows: [][]string{{"导入一", "需求确认"}, {"导入二", "方案提交"}}, RowNumbers: []int{2, 3}}, nil
			}
			// A refused row is in the report; the import writes nothing.
			rep, err := f.e.ImportTable(f.ctx, imp, formID, read, engine.ImportOptions{})
			if rep.Created != 0 || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Error.Code != workflow.CodeStageRequired {
				t.Fatalf("report = %+v (err %v)", rep, err)
			}
			page, _ := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Filter: &store.Filter{Field: "title", Op: store.OpEq, Value: "导入一"}, Total: true})
			if *page.Total != 0 {
				t.Fatal("an import row was written")
			}
		})
		t.Run("passes once filled", func(t *testing.T) {
			r := seed(t)
			got, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"stage": "proposal", "proposal_doc": "https://example.com/p.pdf"}, r.Version, engine.WriteOptions{})
			if err != nil {
				t.Fatal(stageCodes(err))
			}
			if got.Data["stage"] != "proposal" || f.countTransitions(t, formID, r.ID) != 2 {
				t.Fatalf("not moved: %v", got.Data)
			}
		})
	})
}

// TestStageTransitionRules: forward only, any, and an explicit list;
// closed stages; the entry condition and its message.
func TestStageTransitionRules(t *testing.T) {
	eachStageBackend(t, func(t *testing.T, f *stageFixture) {
		formID := f.publishDeal(t, dealPipeline())
		r, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"title": "A", "stage": "tech", "amount": 0}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		move := func(to string, extra map[string]any) error {
			in := map[string]any{"stage": to}
			for k, v := range extra {
				in[k] = v
			}
			got, err := f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, in, r.Version, engine.WriteOptions{})
			if err == nil {
				r = got
			}
			return err
		}
		if codes := stageCodes(move("qualify", nil)); codes["stage"] != workflow.CodeStageTransition {
			t.Fatalf("backwards: %v", codes)
		}
		if codes := stageCodes(move("negotiate", nil)); codes["stage"] != workflow.CodeStageCondition {
			t.Fatalf("condition: %v", codes)
		}
		if err := move("negotiate", map[string]any{"amount": 100}); err != nil {
			t.Fatal(stageCodes(err))
		}
		codes := stageCodes(move("lost", nil))
		if codes["lost_reason"] != workflow.CodeStageRequired || codes["competitor"] != workflow.CodeStageRequired {
			t.Fatalf("closed stage's own fields: %v", codes)
		}
		if err := move("lost", map[string]any{"lost_reason": "价格", "competitor": "某友商"}); err != nil {
			t.Fatal(stageCodes(err))
		}
		if codes := stageCodes(move("won", nil)); codes["stage"] != workflow.CodeStageTransition {
			t.Fatalf("leaving a closed stage: %v", codes)
		}
		// An update that keeps the stage is not gated.
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, map[string]any{"competitor": "另一家"}, r.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(stageCodes(err))
		}

		anyP := dealPipeline()
		anyP.Transitions = workflow.TransitionsAny
		anyForm := f.publishDeal(t, anyP)
		r2, _ := f.e.CreateRecord(f.ctx, f.admin, anyForm, map[string]any{"title": "B", "stage": "tech"}, engine.WriteOptions{})
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, anyForm, r2.ID, map[string]any{"stage": "qualify"}, r2.Version, engine.WriteOptions{}); err != nil {
			t.Fatalf("any: %v", stageCodes(err))
		}

		list := dealPipeline()
		list.Transitions = workflow.TransitionsList
		list.Stages[0].Next = []string{"tech"}
		listForm := f.publishDeal(t, list)
		r3, _ := f.e.CreateRecord(f.ctx, f.admin, listForm, map[string]any{"title": "C", "stage": "qualify"}, engine.WriteOptions{})
		if codes := stageCodes(func() error {
			_, err := f.e.UpdateRecord(f.ctx, f.admin, listForm, r3.ID, map[string]any{"stage": "proposal", "proposal_doc": "x"}, r3.Version, engine.WriteOptions{})
			return err
		}()); codes["stage"] != workflow.CodeStageTransition {
			t.Fatalf("list refuses an unlisted move: %v", codes)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, listForm, r3.ID, map[string]any{"stage": "tech"}, r3.Version, engine.WriteOptions{}); err != nil {
			t.Fatalf("list: %v", stageCodes(err))
		}
	})
}

// TestStageHistory: transitions with their durations on an injected stageClock,
// the entered-at stamp expressions and filters read, the event, the
// summary and the check of a move.
func TestStageHistory(t *testing.T) {
	eachStageBackend(t, func(t *testing.T, f *stageFixture) {
		formID := f.publishDeal(t, dealPipeline())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"title": "华南项目", "stage": "qualify"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		if r.Data["stage_entered_at"] == nil {
			t.Fatalf("entered-at not stamped: %v", r.Data)
		}
		f.stageClock.Add(72 * time.Hour)
		errs, err := f.s.CheckMove(f.ctx, f.member, formID, r.ID, "proposal")
		if err != nil || len(errs) != 1 || errs[0].Path != "proposal_doc" || errs[0].Code != workflow.CodeStageRequired {
			t.Fatalf("check = %v, %v", errs, err)
		}
		r, err = f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"stage": "proposal", "proposal_doc": "p.pdf"}, r.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		f.stageClock.Add(2 * time.Hour)
		r, err = f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, map[string]any{"stage": "tech"}, r.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		h, err := f.s.RecordHistory(f.ctx, f.member, formID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 3 {
			t.Fatalf("history = %+v", h)
		}
		// The first entry is the create's, derived from the record (a
		// create stores no transition).
		if h[0].From != "" || h[0].To != "qualify" || h[0].DurationMS != nil || h[0].By != f.member.UserID || !h[0].Created ||
			h[0].At != store.FormatTime(r.CreatedAt) || h[0].ToFlag != workflow.FlagOpen || h[0].Probability == nil {
			t.Fatalf("first = %+v", h[0])
		}
		if h[1].Created || h[2].Created || h[1].ID == "" {
			t.Fatalf("stored entries marked created: %+v", h[1:])
		}
		if h[1].From != "qualify" || h[1].To != "proposal" || h[1].DurationMS == nil || *h[1].DurationMS != (72*time.Hour).Milliseconds() {
			t.Fatalf("second = %+v", h[1])
		}
		if *h[2].DurationMS != (2*time.Hour).Milliseconds() || h[2].By != f.admin.UserID || h[2].Probability == nil || *h[2].Probability != 50 {
			t.Fatalf("third = %+v", h[2])
		}
		// The entered-at field is a datetime field: store filters read it.
		since := f.stageClock.Now().Add(-time.Hour).Format(time.RFC3339)
		page, err := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Filter: &store.Filter{Field: "stage_entered_at", Op: store.OpGte, Value: since}, Total: true})
		if err != nil || *page.Total != 1 {
			t.Fatalf("filter on entered-at: %v %v", page.Total, err)
		}
		// One workflow.stage_changed per move; the create's entry is its
		// record.created event, which carries the stage.
		evs := f.stageEvents(t)
		if len(evs) != 2 || evs[0].Payload["from"] != "qualify" {
			t.Fatalf("events = %d: %v", len(evs), evs)
		}
		last := evs[1].Payload
		if last["from"] != "proposal" || last["to"] != "tech" || last["record"] != r.ID || last["payload_version"] != float64(1) && last["payload_version"] != 1 {
			t.Fatalf("payload = %v", last)
		}
		sum, err := f.s.Summary(f.ctx, f.admin, formID)
		if err != nil {
			t.Fatal(err)
		}
		if sum[2].Stage != "tech" || sum[2].Count != 1 || sum[0].Count != 0 {
			t.Fatalf("summary = %+v", sum)
		}
		tp, err := f.s.Transitions(f.ctx, f.admin, formID, workflow.TransitionQuery{To: "proposal"})
		if err != nil || len(tp.Items) != 1 {
			t.Fatalf("transitions = %+v %v", tp, err)
		}
		// The form's transitions are the stored moves: creates are records.
		if tp, err := f.s.Transitions(f.ctx, f.admin, formID, workflow.TransitionQuery{}); err != nil || len(tp.Items) != 2 {
			t.Fatalf("all transitions = %+v %v", tp, err)
		}
		if _, err := f.s.Transitions(f.ctx, f.member, formID, workflow.TransitionQuery{}); err == nil {
			t.Log("member may read all transitions (no row filter on this form)")
		}
	})
}

// TestStagePipelineCheckedAtPublish: a pipeline that does not fit the
// form is refused at publish with paths into it.
func TestStagePipelineCheckedAtPublish(t *testing.T) {
	f := stageFixtureOn(t, stageSQLite(t), false)
	p := dealPipeline()
	p.Stages[1].Required = []string{"nope"}
	p.Stages[3].Condition = "amount >"
	p.Stages = append(p.Stages, workflow.Stage{Value: "ghost"})
	fm, app := f.draftDeal(t, p)
	_, _, err := f.b.Publish(f.ctx, f.admin, fm, app)
	codes := stageCodes(err)
	if codes["extensions.stages.stages[1].required[0]"] != engine.CodeUnknownField || codes["extensions.stages.stages[6].value"] != workflow.CodeStageUnknownOption {
		t.Fatalf("codes = %v", codes)
	}
	if _, ok := codes["extensions.stages.stages[3].condition"]; !ok {
		t.Fatalf("condition not checked: %v", codes)
	}
}
