package automation

import (
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// TestEventVariable: conditions and mappings read the triggering event as
// "event". For an event type a capability registered (as workflow does
// for stage changes and approval decisions) its fields are typed: the
// live check and publish refuse an unknown field or a wrong type, and a
// run sees the payload's values coerced (a time string is a datetime).
// An unregistered event type is an untyped object; a record trigger's
// event has its changed keys and source. A dry run takes event values.
func TestEventVariable(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		if err := x.e.EventVariables().Register(engine.EventVariable{Type: "test.moved", Fields: map[string]expr.Type{
			"from": expr.Text, "to": expr.Text, "at": expr.DateTime, "n": expr.Number},
			Old: func(p map[string]any) map[string]any { return map[string]any{"stage": p["from"]} }}); err != nil {
			t.Fatal(err)
		}
		moved := Trigger{Type: TriggerEvent, Event: "test.moved"}
		if ts := x.s.EventTypes(); len(ts) != 1 || ts[0].Type != "test.moved" || ts[0].Fields["at"] != "datetime" || ts[0].Fields["record"] != "text" {
			t.Fatalf("event types %+v", ts)
		}
		check := func(tr Trigger, src string) ExpressionResult {
			t.Helper()
			res, err := x.s.CheckExpressionFor(x.ctx, x.admin, x.deal, src, "condition", "en", tr)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if res := check(moved, `event.to == "赢单" && event.at < now && event.n > 1`); len(res.Diagnostics) > 0 || res.Type != "boolean" {
			t.Fatalf("live check of a registered event: %+v", res)
		}
		for _, bad := range []string{`event.nope == "x"`, `event.to > 1`, `event.from`} {
			if res := check(moved, bad); len(res.Diagnostics) == 0 {
				t.Errorf("%s: no diagnostic", bad)
			}
		}
		if res := check(Trigger{Type: TriggerEvent, Event: "test.other"}, `event.anything == 1`); len(res.Diagnostics) > 0 {
			t.Errorf("unregistered event: %+v", res)
		}
		if res := check(Trigger{Type: TriggerUpdated}, `"stage" in event.changed && event.source == "ui" && event.type == "record.updated"`); len(res.Diagnostics) > 0 {
			t.Errorf("record event: %+v", res)
		}
		if res := check(Trigger{Type: TriggerUpdated}, `event.to == "x"`); len(res.Diagnostics) == 0 {
			t.Error("a record event has no to")
		}
		// Publish compiles against the same environment.
		bad, _ := x.s.Create(x.ctx, x.admin, x.deal, Design{Name: "bad", Trigger: moved, Condition: `event.too == "赢单"`, Actions: []Action{notifyOwner("x")}})
		if _, err := x.s.Publish(x.ctx, x.admin, bad.ID, bad.Version); err == nil {
			t.Fatal("published a condition over an unknown event field")
		}
		au := x.publish(x.deal, Design{Name: "won", Trigger: moved, Condition: `event.to == "赢单" && event.from != event.to && event.at < now`,
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{
				"title": `new.title + ": " + event.from + " → " + event.to`, "amount": `event.n * 10`, "deal": `event.id`}}}}})
		// The event's Old gives old and changed() as for a record write.
		was := x.publish(x.deal, Design{Name: "was", Trigger: moved, Condition: `changed("stage") && old.stage == event.from && old.stage == "谈判"`,
			Actions: []Action{notifyOwner("was")}})
		r := x.create(x.alice, map[string]any{"title": "A"})
		move := func(id, to string) {
			if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Events: []store.Event{{ID: id, Type: "test.moved", Workspace: x.ws, Collection: "test", DocID: r.ID,
				Payload: map[string]any{"form": x.deal, "record": r.ID, "from": "谈判", "to": to, "at": "2026-03-08T01:00:00Z", "n": 3, "by": x.alice.UserID}}}}); err != nil {
				t.Fatal(err)
			}
		}
		move("ev_lost", "输单")
		move("ev_won", "赢单")
		x.settle()
		x.waitFor("the run", func() bool { return x.done(au.ID, 1) })
		rs := x.runs(au.ID)
		if len(rs) != 1 || rs[0].Status != RunSucceeded || rs[0].Event != "ev_won" {
			t.Fatalf("runs %+v", rs)
		}
		x.waitFor("the old-value runs", func() bool { return x.done(was.ID, 2) })
		if rs := x.runs(was.ID); len(rs) != 2 || rs[0].Status != RunSucceeded || rs[1].Status != RunSucceeded {
			t.Fatalf("old-value runs %+v", rs)
		}
		cs := x.records(x.contr)
		if len(cs) != 1 || cs[0].Data["title"] != "A: 谈判 → 赢单" || cs[0].Data["amount"] != 30.0 || cs[0].Data["deal"] != "ev_won" {
			t.Fatalf("contracts %+v", cs)
		}
		// A record trigger's event: its changed keys and source.
		rec := x.publish(x.deal, Design{Name: "stage changed", Trigger: Trigger{Type: TriggerUpdated},
			Condition: `"stage" in event.changed && event.source == "ui" && event.type == "record.updated" && event.record == "` + r.ID + `"`,
			Actions:   []Action{notifyOwner("changed")}})
		x.update(x.alice, r.ID, map[string]any{"title": "A2"})
		x.update(x.alice, r.ID, map[string]any{"stage": "谈判"})
		x.settle()
		x.waitFor("the record run", func() bool { return x.done(rec.ID, 1) })
		if rs := x.runs(rec.ID); len(rs) != 1 || rs[0].Status != RunSucceeded {
			t.Fatalf("record-trigger runs %+v", rs)
		}
		// A dry run with event values.
		dry, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID, Event: map[string]any{"from": "初步接触", "to": "赢单", "at": "2026-03-01T00:00:00Z", "n": 1}})
		if err != nil || !dry.Matched || len(dry.Actions) != 1 || dry.Actions[0].Status != ActionWould {
			t.Fatalf("dry run %+v %v", dry, err)
		}
		dry, err = x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID, Event: map[string]any{"from": "谈判", "to": "输单"}})
		if err != nil || dry.Matched {
			t.Fatalf("dry run to 输单 %+v %v", dry, err)
		}
		if n := len(x.records(x.contr)); n != 1 {
			t.Fatalf("a dry run wrote: %d contracts", n)
		}
	})
}

// TestEventVariableDryRunRecordTrigger: a dry run of a record trigger
// gives event.changed from the edited pair.
func TestEventVariableDryRunRecordTrigger(t *testing.T) {
	x := newFx(t, backends()[0], false)
	au := x.publish(x.deal, Design{Name: "stage", Trigger: Trigger{Type: TriggerUpdated}, Condition: `"stage" in event.changed`, Actions: []Action{notifyOwner("x")}})
	run, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Old: map[string]any{"stage": "谈判"}, New: map[string]any{"stage": "赢单"}})
	if err != nil || !run.Matched || run.ConditionError != "" {
		t.Fatalf("changed stage: %+v %v", run, err)
	}
	run, err = x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Old: map[string]any{"title": "a"}, New: map[string]any{"title": "b"}})
	if err != nil || run.Matched || run.ConditionError != "" {
		t.Fatalf("changed title: %+v %v", run, err)
	}
}
