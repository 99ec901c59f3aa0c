package workflow_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/workflow"
)

// TestStageHistoryCreatedEntry: a create stores no transition and commits
// no workflow.stage_changed, and a record's history still starts with its
// entry into the stage it was created in, derived from the record: for a
// record that never moved, one that moved, one created without a stage,
// and one whose creation transition was stored (before creates stopped
// storing it), which is not doubled.
func TestStageHistoryCreatedEntry(t *testing.T) {
	eachStageBackend(t, func(t *testing.T, f *stageFixture) {
		formID := f.publishDeal(t, dealPipeline())
		create := func(t *testing.T, data map[string]any) engine.Record {
			t.Helper()
			r, err := f.e.CreateRecord(f.ctx, f.member, formID, data, engine.WriteOptions{})
			if err != nil {
				t.Fatal(stageCodes(err))
			}
			return r
		}
		history := func(t *testing.T, id string) []workflow.Transition {
			t.Helper()
			h, err := f.s.RecordHistory(f.ctx, f.admin, formID, id)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		stored := func(t *testing.T, id string) int {
			t.Helper()
			page, err := f.st.Find(f.ctx, f.s.Collection(), store.Query{Filter: &store.Filter{Field: "record", Op: store.OpEq, Value: id}})
			if err != nil {
				t.Fatal(err)
			}
			return len(page.Docs)
		}

		still := create(t, map[string]any{"title": "A", "stage": "qualify"})
		if n := stored(t, still.ID); n != 0 {
			t.Fatalf("a create stored %d transitions", n)
		}
		if evs := f.stageEvents(t); len(evs) != 0 {
			t.Fatalf("a create committed %d stage_changed events", len(evs))
		}
		h := history(t, still.ID)
		if len(h) != 1 || h[0].From != "" || h[0].To != "qualify" || !h[0].Created || h[0].By != f.member.UserID ||
			h[0].At != store.FormatTime(still.CreatedAt) || h[0].Field != "stage" || h[0].Form != formID || h[0].Record != still.ID {
			t.Fatalf("never moved: %+v", h)
		}

		moved := create(t, map[string]any{"title": "B", "stage": "qualify"})
		f.stageClock.Add(5 * time.Hour)
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, formID, moved.ID, map[string]any{"stage": "proposal", "proposal_doc": "p.pdf"}, moved.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(stageCodes(err))
		}
		h = history(t, moved.ID)
		if len(h) != 2 || h[0].To != "qualify" || !h[0].Created || h[1].From != "qualify" || h[1].To != "proposal" ||
			h[1].DurationMS == nil || *h[1].DurationMS != (5*time.Hour).Milliseconds() {
			t.Fatalf("moved: %+v", h)
		}

		blank := create(t, map[string]any{"title": "C"})
		if h := history(t, blank.ID); len(h) != 0 {
			t.Fatalf("created without a stage: %+v", h)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, formID, blank.ID, map[string]any{"stage": "qualify"}, blank.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(stageCodes(err))
		}
		if h := history(t, blank.ID); len(h) != 1 || h[0].Created || h[0].From != "" || h[0].To != "qualify" {
			t.Fatalf("stage set after the create: %+v", h)
		}

		// A record whose create stored its transition, as creates did before.
		old := create(t, map[string]any{"title": "D", "stage": "qualify"})
		if _, err := f.st.Commit(f.ctx, store.UnitOfWork{Actor: f.member.UserID, At: old.CreatedAt,
			Writes: []store.Write{{Op: store.OpInsert, Collection: f.s.Collection(), Doc: store.Document{ID: store.NewID(), Data: map[string]any{
				"workspace": f.member.Workspace, "form": formID, "record": old.ID, "field": "stage", "from": "", "to": "qualify",
				"from_flag": "", "to_flag": "open", "at": store.FormatTime(old.CreatedAt), "by": f.member.UserID, "source": "ui", "form_version": 1}}}},
			Events: []store.Event{{Type: workflow.EventStageChanged, Workspace: f.member.Workspace, Collection: f.s.Collection(), DocID: old.ID,
				Payload: map[string]any{"payload_version": 1, "record": old.ID, "from": "", "to": "qualify"}}}}); err != nil {
			t.Fatal(err)
		}
		if h := history(t, old.ID); len(h) != 1 || h[0].Created || h[0].Source != "ui" {
			t.Fatalf("stored creation transition: %+v", h)
		}
	})
}

// TestStageHistoryBeforePipeline: a record created before its form had a
// pipeline has no entry at its creation (its create passed no gate), as
// when creates stored their transition; its first stored move is its
// first entry, and a record created once the pipeline is published has
// its derived one.
func TestStageHistoryBeforePipeline(t *testing.T) {
	eachStageBackend(t, func(t *testing.T, f *stageFixture) {
		app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "CRM 旧"})
		if err != nil {
			t.Fatal(err)
		}
		fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: dealForm()})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
			t.Fatal(stageCodes(err))
		}
		early, err := f.e.CreateRecord(f.ctx, f.member, fm.ID, map[string]any{"title": "早", "stage": "qualify"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		def := dealForm()
		raw, _ := json.Marshal(dealPipeline())
		def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
		cur, err := f.e.Form(f.ctx, f.admin, fm.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.e.SaveDraft(f.ctx, f.admin, fm.ID, engine.FormInput{Name: "商机", Definition: def}, cur.Version)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.b.Publish(f.ctx, f.admin, fm.ID, d.Version); err != nil {
			t.Fatal(stageCodes(err))
		}
		late, err := f.e.CreateRecord(f.ctx, f.member, fm.ID, map[string]any{"title": "晚", "stage": "qualify"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(stageCodes(err))
		}
		history := func(id string) []workflow.Transition {
			t.Helper()
			h, err := f.s.RecordHistory(f.ctx, f.admin, fm.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		if h := history(early.ID); len(h) != 0 {
			t.Fatalf("created before the pipeline: %+v", h)
		}
		if h := history(late.ID); len(h) != 1 || !h[0].Created || h[0].To != "qualify" {
			t.Fatalf("created with the pipeline: %+v", h)
		}
		early, err = f.e.Record(f.ctx, f.admin, fm.ID, early.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, fm.ID, early.ID, map[string]any{"stage": "proposal", "proposal_doc": "p.pdf"}, early.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(stageCodes(err))
		}
		if h := history(early.ID); len(h) != 1 || h[0].Created || h[0].From != "qualify" || h[0].To != "proposal" {
			t.Fatalf("moved after the pipeline came: %+v", h)
		}
	})
}
