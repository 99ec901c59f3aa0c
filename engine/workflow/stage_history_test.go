package workflow_test

import (
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
