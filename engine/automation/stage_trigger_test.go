package automation

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// TestStageTriggers: on a form with a stage pipeline, an event trigger on
// workflow.stage_changed runs when a record moves to another stage and
// not when it is created into one (a create commits no stage_changed; its
// record.created carries the stage), while a fields.changed trigger on the
// stage field runs on both: the trigger for "a record enters a stage".
func TestStageTriggers(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		stages, err := workflow.NewStages(x.ctx, x.e)
		if err != nil {
			t.Fatal(err)
		}
		if err := stages.Bind(); err != nil {
			t.Fatal(err)
		}
		def := dealForm
		raw, _ := json.Marshal(workflow.Pipeline{Field: "stage", Transitions: workflow.TransitionsAny, Stages: []workflow.Stage{
			{Value: "初步接触"}, {Value: "谈判"}, {Value: "赢单", Flag: workflow.FlagWon}, {Value: "输单", Flag: workflow.FlagLost}}})
		def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
		form := x.form("阶段商机", def)

		var mu sync.Mutex
		ran := map[string][]engine.ActionRun{}
		if err := x.e.Actions().Register(engine.ActionType{Kind: "test.mark", Label: map[string]string{"zh-CN": "标记", "en": "Mark"},
			Check: func(context.Context, engine.Actor, map[string]any) error { return nil },
			Run: func(_ context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
				mu.Lock()
				defer mu.Unlock()
				k, _ := r.Config["as"].(string)
				ran[k] = append(ran[k], r)
				return engine.ActionOutcome{Summary: map[string]string{"zh-CN": "已标记", "en": "marked"}}, nil
			},
			Preview: func(context.Context, engine.ActionRun) (engine.ActionOutcome, error) {
				return engine.ActionOutcome{Summary: map[string]string{"zh-CN": "将标记", "en": "would mark"}}, nil
			}}); err != nil {
			t.Fatal(err)
		}
		moved := x.publish(form, Design{Name: "moved", Trigger: Trigger{Type: TriggerEvent, Event: workflow.EventStageChanged},
			Actions: []Action{{Kind: "test.mark", Config: map[string]any{"as": "moved"}}}})
		entered := x.publish(form, Design{Name: "entered", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}}, Condition: `new.stage == "谈判"`,
			Actions: []Action{{Kind: "test.mark", Config: map[string]any{"as": "entered"}}}})
		count := func(k string) int {
			mu.Lock()
			defer mu.Unlock()
			return len(ran[k])
		}

		r, err := x.e.CreateRecord(x.ctx, x.alice, form, map[string]any{"title": "A", "stage": "谈判"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		x.settle()
		x.waitFor("the create's run", func() bool { return x.done(entered.ID, 1) })
		if n := count("moved"); n != 0 {
			t.Fatalf("stage_changed automation ran %d times on a create", n)
		}
		if n := count("entered"); n != 1 {
			t.Fatalf("fields.changed on the stage ran %d times on a create into 谈判", n)
		}

		if _, err := x.e.UpdateRecord(x.ctx, x.alice, form, r.ID, map[string]any{"stage": "赢单"}, r.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(describe(err))
		}
		x.settle()
		x.waitFor("the move's run", func() bool { return x.done(moved.ID, 1) })
		mu.Lock()
		m := ran["moved"]
		mu.Unlock()
		if len(m) != 1 || m[0].Record != r.ID {
			t.Fatalf("stage_changed runs on a move: %+v", m)
		}
		if rs := x.runs(moved.ID); len(rs) != 1 || rs[0].EventType != workflow.EventStageChanged {
			t.Fatalf("runs %+v", rs)
		}
		if n := count("entered"); n != 1 {
			t.Fatalf("fields.changed ran %d times (the move is not into 谈判)", n)
		}
	})
}
