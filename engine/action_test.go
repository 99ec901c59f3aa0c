package engine_test

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine"
)

func TestActionRegistry(t *testing.T) {
	var r engine.ActionRegistry
	run := func(context.Context, engine.ActionRun) (engine.ActionOutcome, error) {
		return engine.ActionOutcome{}, nil
	}
	scenarios := []struct {
		name string
		t    engine.ActionType
		ok   bool
	}{
		{"valid", engine.ActionType{Kind: "workflow.start", Run: run, Preview: run}, true},
		{"duplicate", engine.ActionType{Kind: "workflow.start", Run: run, Preview: run}, false},
		{"bad kind", engine.ActionType{Kind: "Start Flow", Run: run, Preview: run}, false},
		{"no preview", engine.ActionType{Kind: "webhook.call", Run: run}, false},
		{"second", engine.ActionType{Kind: "webhook.call", Run: run, Preview: run}, true},
	}
	for _, s := range scenarios {
		if err := r.Register(s.t); (err == nil) != s.ok {
			t.Errorf("%s: Register = %v, want ok %v", s.name, err, s.ok)
		}
	}
	if _, ok := r.Lookup("workflow.start"); !ok {
		t.Error("workflow.start not found")
	}
	kinds := r.Kinds()
	if len(kinds) != 2 || kinds[0].Kind != "webhook.call" || kinds[1].Kind != "workflow.start" {
		t.Errorf("Kinds = %v", kinds)
	}
}

// A write made with a chain carries it in its event and history entry.
func TestWriteChainIsRecorded(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		a := f.admin
		a.Source = engine.SourceAutomation
		chain := &engine.Chain{ID: "evt1", Depth: 2, Origins: []string{"automation:a1", "automation:a2"}}
		rec, err := f.e.CreateRecord(f.ctx, a, formID, map[string]any{"company": "chained"}, engine.WriteOptions{Chain: chain})
		if err != nil {
			t.Fatal(err)
		}
		evs, err := f.e.Store().ReadEvents(f.ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		for _, ev := range evs {
			if ev.DocID == rec.ID {
				got, _ = ev.Payload["chain"].(map[string]any)
			}
		}
		if got == nil || got["id"] != "evt1" || toInt(got["depth"]) != 2 {
			t.Fatalf("event chain = %v", got)
		}
		if o, _ := got["origins"].([]any); len(o) != 2 || o[1] != "automation:a2" {
			t.Fatalf("event chain origins = %v", got["origins"])
		}
	})
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case int32:
		return int(n)
	case float64:
		return int(n)
	}
	return -1
}
