package automation

import (
	"testing"

	"github.com/formloom/formloom/engine"
)

// bump is an update of the triggering record that always changes it.
var bump = Action{Kind: KindUpdate, Config: map[string]any{"values": map[string]any{"amount": "new.amount + 1"}}}

func (x *fx) amount(form, id string) float64 {
	x.t.Helper()
	r, err := x.e.Record(x.ctx, x.admin, form, id)
	if err != nil {
		x.t.Fatal(err)
	}
	f, _ := r.Data["amount"].(float64)
	return f
}

func byStatus(rs []Run) map[RunStatus]int {
	out := map[RunStatus]int{}
	for _, r := range rs {
		out[r.Status]++
	}
	return out
}

// TestOwnWriteDoesNotRetrigger: an automation's write to the record that
// started it does not start it again unless it opts in.
func TestOwnWriteDoesNotRetrigger(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "bump", Trigger: Trigger{Type: TriggerUpdated}, Actions: []Action{bump}})
		r := x.create(x.alice, map[string]any{"title": "A", "amount": 1})
		x.update(x.alice, r.ID, map[string]any{"title": "B"})
		x.settle()
		if got := x.amount(x.deal, r.ID); got != 2 {
			t.Fatalf("amount %v, want 2 (one run)", got)
		}
		if rs := x.runs(au.ID); len(rs) != 1 || rs[0].Status != RunSucceeded {
			t.Fatalf("runs %+v", rs)
		}
		if x.s.Stats().Skipped != 1 {
			t.Fatalf("own write skipped %d times, want 1", x.s.Stats().Skipped)
		}
	})
}

// TestChainDepthLimit: an automation that opts in to retriggering itself
// runs down the chain until depth 5, then the chain stops with a visible
// error (a stopped run and an automation.run_failed event).
func TestChainDepthLimit(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "again", Trigger: Trigger{Type: TriggerUpdated}, Retrigger: true, Actions: []Action{bump}})
		r := x.create(x.alice, map[string]any{"title": "A", "amount": 0})
		x.update(x.alice, r.ID, map[string]any{"title": "B"})
		x.settle()
		if got := x.amount(x.deal, r.ID); got != MaxDepth {
			t.Fatalf("amount %v, want %d writes", got, MaxDepth)
		}
		rs := x.runs(au.ID)
		if st := byStatus(rs); st[RunSucceeded] != MaxDepth || st[RunStopped] != 1 || len(rs) != MaxDepth+1 {
			t.Fatalf("runs by status %v", st)
		}
		for _, run := range rs {
			if run.Status == RunStopped {
				if run.Error == nil || run.Error.Code != codeLoopDepth || run.Error.Message["zh-CN"] == "" {
					t.Fatalf("stopped run %+v", run)
				}
			}
			if run.Status == RunSucceeded && (run.Chain == nil || run.Chain.Depth < 1 || run.Chain.Depth > MaxDepth) {
				t.Fatalf("chain %+v", run.Chain)
			}
		}
		if x.s.Stats().Stopped != 1 {
			t.Fatalf("stopped %d", x.s.Stats().Stopped)
		}
	})
}

// TestChainCycle: A writes a contract, B writes the deal back; A, seeing
// itself earlier in the chain, stops the cycle.
func TestChainCycle(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		a := x.publish(x.deal, Design{Name: "deal→contract", Trigger: Trigger{Type: TriggerUpdated},
			Actions: []Action{{Kind: KindUpdate, Config: map[string]any{"form": x.contr, "match": map[string]any{"deal": "new.title"},
				"values": map[string]any{"amount": "new.amount + 1"}}}}})
		b := x.publish(x.contr, Design{Name: "contract→deal", Trigger: Trigger{Type: TriggerUpdated},
			Actions: []Action{{Kind: KindUpdate, Config: map[string]any{"form": x.deal, "match": map[string]any{"title": "new.deal"},
				"values": map[string]any{"amount": "new.amount + 1"}}}}})
		c, err := x.e.CreateRecord(x.ctx, x.admin, x.contr, map[string]any{"title": "c", "deal": "Acme", "amount": 0}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r := x.create(x.alice, map[string]any{"title": "Acme", "amount": 10})
		x.update(x.alice, r.ID, map[string]any{"amount": 20})
		x.settle()
		if got := x.amount(x.contr, c.ID); got != 21 {
			t.Fatalf("contract amount %v, want 21", got)
		}
		if got := x.amount(x.deal, r.ID); got != 22 {
			t.Fatalf("deal amount %v, want 22", got)
		}
		ar := x.runs(a.ID)
		if st := byStatus(ar); st[RunSucceeded] != 1 || st[RunStopped] != 1 {
			t.Fatalf("A runs %v", st)
		}
		for _, run := range ar {
			if run.Status == RunStopped && (run.Error == nil || run.Error.Code != codeLoopCycle) {
				t.Fatalf("stopped run %+v", run)
			}
		}
		if st := byStatus(x.runs(b.ID)); st[RunSucceeded] != 1 || len(st) != 1 {
			t.Fatalf("B runs %v", st)
		}
	})
}

// TestHostileExpressionsStayBounded: a condition or a mapping that would
// do unbounded work is stopped by the expression limits: the condition
// counts as not matched (logged), the mapping fails its action; the
// consumer goes on.
func TestHostileExpressionsStayBounded(t *testing.T) {
	x := newFx(t, backends()[0], true)
	cond := x.publish(x.deal, Design{Name: "hostile condition", Trigger: Trigger{Type: TriggerCreated},
		Condition: `all(1..1000, all(1..1000, all(1..1000, true)))`, Actions: []Action{notifyOwner("never")}})
	mapping := x.publish(x.deal, Design{Name: "hostile mapping", Trigger: Trigger{Type: TriggerCreated},
		Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{
			"amount": `reduce(1..1000, reduce(1..1000, #acc + 1, 0), 0)`}}}}})
	x.create(x.alice, map[string]any{"title": "A"})
	x.settle()
	if rs := x.runs(cond.ID); len(rs) != 1 || rs[0].Status != RunNoMatch || rs[0].ConditionError == "" {
		t.Fatalf("hostile condition runs %+v", rs)
	}
	if rs := x.runs(mapping.ID); len(rs) != 1 || rs[0].Status != RunFailed || rs[0].Actions[0].Status != ActionFailed {
		t.Fatalf("hostile mapping runs %+v", rs)
	}
	if len(x.records(x.contr)) != 0 || len(x.notes.all()) != 0 {
		t.Fatal("a hostile automation wrote")
	}
}

// TestChainThroughDelete: a delete an automation makes carries its chain
// too, so "deleted → create again" and "created → delete" stop.
func TestChainThroughDelete(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		recreate := x.publish(x.deal, Design{Name: "recreate", Trigger: Trigger{Type: TriggerDeleted},
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"values": map[string]any{"title": "new.title"}}}}})
		remove := x.publish(x.deal, Design{Name: "remove", Trigger: Trigger{Type: TriggerCreated}, Condition: `new.title == "loop"`,
			Actions: []Action{{Kind: KindDelete, Config: map[string]any{}}}})
		x.create(x.alice, map[string]any{"title": "loop"})
		x.settle()
		if st := byStatus(x.runs(remove.ID)); st[RunSucceeded] != 1 || st[RunStopped] != 1 {
			t.Fatalf("remove runs %v", st)
		}
		if st := byStatus(x.runs(recreate.ID)); st[RunSucceeded] != 1 || len(st) != 1 {
			t.Fatalf("recreate runs %v", st)
		}
		if n := len(x.records(x.deal)); n != 1 {
			t.Fatalf("%d live deals, want the one recreated", n)
		}
	})
}
