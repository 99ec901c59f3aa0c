package workflow_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/workflow"
)

// TestStageEventVariable: binding the stages declares the "event"
// variable automations see for workflow.stage_changed, and it covers
// every key of a real transition's payload (so a payload key added later
// must be declared too); binding the approvals declares the approval
// events' variables, the decided task's with "decision".
func TestStageEventVariable(t *testing.T) {
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := stageFixtureOn(t, st, false)
	formID := f.publishDeal(t, dealPipeline())
	// A create writes no stage event (the record is its first stage
	// entry); a move does.
	rec, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"title": "华东项目", "stage": "qualify"}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.UpdateRecord(f.ctx, f.admin, formID, rec.ID, map[string]any{"stage": "tech"}, rec.Version, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	v, ok := f.e.EventVariables().Lookup(workflow.EventStageChanged)
	if !ok {
		t.Fatal("no event variable for workflow.stage_changed")
	}
	evs := f.stageEvents(t)
	if len(evs) == 0 {
		t.Fatal("no stage event")
	}
	for k := range evs[0].Payload {
		if _, ok := v.Fields[k]; !ok && k != "payload_version" {
			t.Errorf("payload key %q is not a field of the event variable", k)
		}
	}
	for _, k := range []string{"from", "to", "from_flag", "to_flag", "duration_ms"} {
		if _, ok := v.Fields[k]; !ok {
			t.Errorf("no field %q", k)
		}
	}
	if v.Old == nil {
		t.Fatal("the stage variable gives no old values")
	}
	if old := v.Old(evs[0].Payload); len(old) != 1 || old["stage"] != "qualify" {
		t.Fatalf("old values of the record's move: %v", old)
	}
	if old := v.Old(map[string]any{"field": "stage", "from": "", "to": "qualify"}); len(old) != 1 || old["stage"] != nil {
		t.Fatalf("old values of a first stage: %v", old)
	}
	if old := v.Old(map[string]any{"field": "stage", "from": "qualify", "to": "proposal"}); old["stage"] != "qualify" {
		t.Fatalf("old values of a move: %v", old)
	}
	ev := newSQLiteEnv(t)
	for _, typ := range []string{workflow.EventStarted, workflow.EventNodeEntered, workflow.EventTaskDecided, workflow.EventEnded} {
		if _, ok := ev.e.EventVariables().Lookup(typ); !ok {
			t.Errorf("no event variable for %s", typ)
		}
	}
	td, _ := ev.e.EventVariables().Lookup(workflow.EventTaskDecided)
	got := td.Value(map[string]any{"action": "approve", "node": "n1", "comment": "ok", "unknown": 1})
	if got["decision"] != "approve" || got["node"] != "n1" || got["action"] != "approve" || got["unknown"] != nil {
		t.Fatalf("task decided variable %v", got)
	}
}
