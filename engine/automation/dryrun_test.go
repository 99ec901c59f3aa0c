package automation

import (
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// wonDesign is the acceptance scenario's automation: when 阶段 changes to
// 赢单, create a 合同 record from the deal and notify the owner.
func (x *fx) wonDesign() Design {
	return Design{Name: "赢单生成合同", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}}, Condition: `new.stage == "赢单"`,
		Actions: []Action{
			{Kind: KindCreate, Name: "生成合同", Config: map[string]any{"form": x.contr, "values": map[string]any{
				"title": `CONCATENATE(new.title, " 合同")`, "deal": "new.title", "amount": "new.amount"}}},
			{Kind: KindNotify, Name: "通知负责人", Config: map[string]any{"title": "{{title}} 已赢单", "body": "金额 {{amount}}，阶段 {{old.stage}} → {{stage}}",
				"recipients": map[string]any{"owner": true}}},
			{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyRoundRobin, "users": []any{x.alice.UserID, x.bob.UserID}}},
		}}
}

// footprint counts what a run could write: records of both forms, runs,
// alerts, rotation state, outbox events and notifications.
func (x *fx) footprint() map[string]int64 {
	x.t.Helper()
	out := map[string]int64{}
	for _, c := range []string{collRuns, collAlerts, collState, recordColl(x.deal), recordColl(x.contr)} {
		n, err := x.st.Count(x.ctx, c, store.Query{})
		if err != nil {
			x.t.Fatal(err)
		}
		out[c] = n
	}
	evs, err := x.st.ReadEvents(x.ctx, 0, store.MaxReadEvents)
	if err != nil {
		x.t.Fatal(err)
	}
	out["events"] = int64(len(evs))
	out["notes"] = int64(len(x.notes.all()))
	return out
}

func sameCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestDryRunWritesNothing: a dry run of the draft against a record with an
// edited new value, and against a bare old/new pair, shows the condition's
// result and what each action would do, and writes nothing at all.
func TestDryRunWritesNothing(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au, err := x.s.Create(x.ctx, x.admin, x.deal, x.wonDesign())
		if err != nil {
			t.Fatal(describe(err))
		}
		r := x.create(x.alice, map[string]any{"title": "Acme", "stage": "谈判", "amount": 500})
		x.settle()
		before := x.footprint()
		run, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID, New: map[string]any{"stage": "赢单"}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if run.Status != RunPreview || !run.Matched || !run.DryRun || len(run.Actions) != 3 {
			t.Fatalf("dry run %+v", run)
		}
		for _, a := range run.Actions {
			if a.Status != ActionWould || a.Summary["zh-CN"] == "" || a.Summary["en"] == "" {
				t.Fatalf("action %+v", a)
			}
		}
		vals, _ := run.Actions[0].Detail["values"].(map[string]any)
		if vals["title"] != "Acme 合同" || vals["deal"] != "Acme" || vals["amount"] != 500.0 || run.Actions[0].Detail["form"] != x.contr {
			t.Fatalf("create preview %+v", run.Actions[0].Detail)
		}
		nd := run.Actions[1].Detail
		if nd["title"] != "Acme 已赢单" || nd["body"] != "金额 500，阶段 谈判 → 赢单" || len(nd["recipients"].([]any)) != 1 || nd["recipients"].([]any)[0] != x.alice.UserID {
			t.Fatalf("notify preview %+v", nd)
		}
		// Round robin starts at the first candidate in id order.
		if first, _ := sortedPair(x.alice.UserID, x.bob.UserID); run.Actions[2].Detail["user"] != first {
			t.Fatalf("assign preview %+v", run.Actions[2].Detail)
		}
		// An edited pair without a record: the condition does not hold.
		miss, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Old: map[string]any{"stage": "谈判"}, New: map[string]any{"stage": "输单", "title": "X"}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if miss.Matched || miss.Status != RunPreview || len(miss.Actions) != 0 {
			t.Fatalf("no-match preview %+v", miss)
		}
		// An unsaved design from the editor, with a condition that fails.
		d := x.wonDesign()
		d.Condition = "MOD(new.amount, new.qty) == 0"
		bad, err := x.s.DryRun(x.ctx, x.admin, au.ID, DryRunInput{Record: r.ID, Design: &d})
		if err != nil {
			t.Fatal(describe(err))
		}
		if bad.Matched || bad.ConditionError == "" {
			t.Fatalf("condition error preview %+v", bad)
		}
		x.settle()
		if after := x.footprint(); !sameCounts(before, after) {
			t.Fatalf("a dry run wrote: before %v after %v", before, after)
		}
	})
}

// TestReplay: a replay re-runs the published version over the past events
// of a range; its preview writes nothing; running it twice runs each event
// once (idempotent by version and event); a new version runs them again.
func TestReplay(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		var ids []string
		for i, amt := range []float64{5, 20, 30} {
			ids = append(ids, x.create(x.alice, map[string]any{"title": string(rune('A' + i)), "amount": amt}).ID)
			x.advance(time.Minute)
		}
		x.settle()
		au := x.publish(x.deal, Design{Name: "big", Trigger: Trigger{Type: TriggerCreated}, Condition: "new.amount > 10",
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"deal": "new.title", "amount": "new.amount"}}}}})
		x.settle()
		in := ReplayInput{From: t0.Add(-time.Hour), To: x.clock.Now().Add(time.Hour)}
		if _, err := x.s.Replay(x.ctx, x.admin, au.ID, ReplayInput{From: in.To, To: in.From}); err == nil {
			t.Fatal("a reversed range was accepted")
		}
		before := x.footprint()
		pre, err := x.s.ReplayPreview(x.ctx, x.admin, au.ID, in)
		if err != nil {
			t.Fatal(describe(err))
		}
		if pre.Events != 3 || pre.Matched != 2 || pre.Ran != 0 || len(pre.Runs) != 2 || pre.Runs[0].Status != RunPreview {
			t.Fatalf("preview %+v", pre)
		}
		if after := x.footprint(); !sameCounts(before, after) {
			t.Fatalf("a preview wrote: %v → %v", before, after)
		}
		res, err := x.s.Replay(x.ctx, x.admin, au.ID, in)
		if err != nil {
			t.Fatal(describe(err))
		}
		if res.Events != 3 || res.Matched != 2 || res.Ran != 2 || res.Failed != 0 {
			t.Fatalf("replay %+v", res)
		}
		x.settle()
		if got := len(x.records(x.contr)); got != 2 {
			t.Fatalf("%d contracts after the replay, want 2", got)
		}
		for _, r := range x.runs(au.ID) {
			if !r.Replay || r.Version != 1 {
				t.Fatalf("replay run %+v", r)
			}
		}
		again, err := x.s.Replay(x.ctx, x.admin, au.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if again.AlreadyRun != 2 || again.Ran != 0 {
			t.Fatalf("second replay %+v", again)
		}
		x.settle()
		if got := len(x.records(x.contr)); got != 2 {
			t.Fatalf("%d contracts after a second replay, want 2", got)
		}
		// A fixed version (now for every amount) runs the events again.
		cur, _ := x.s.Get(x.ctx, x.admin, au.ID)
		d := cur.Draft
		d.Condition = ""
		cur, err = x.s.SaveDraft(x.ctx, x.admin, au.ID, d, cur.Version)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.s.Publish(x.ctx, x.admin, au.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		v2, err := x.s.Replay(x.ctx, x.admin, au.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Ran != 3 || v2.AlreadyRun != 0 {
			t.Fatalf("replay of version 2 %+v", v2)
		}
		_ = ids
	})
}

// TestReplayStartsAtTheRange: a replay reads the outbox from the first
// event of its range (found by a search on sequence numbers), so the
// events before it neither run nor count against the scan limit.
func TestReplayStartsAtTheRange(t *testing.T) {
	x := newFx(t, backends()[0], true)
	for i := range 1500 {
		if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Events: []store.Event{{Type: "test.noise", Workspace: x.ws, Collection: "test", DocID: fmt.Sprint(i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	x.create(x.alice, map[string]any{"title": "early"})
	x.settle()
	x.advance(24 * time.Hour)
	from := x.clock.Now()
	late := x.create(x.alice, map[string]any{"title": "late"})
	x.settle()
	seq, err := x.s.seqBefore(x.ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := x.st.ReadEvents(x.ctx, seq, 1)
	if err != nil || len(evs) != 1 || evs[0].DocID != late.ID {
		t.Fatalf("first event after %d: %+v %v", seq, evs, err)
	}
	au := x.publish(x.deal, Design{Name: "r", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("{{title}}")}})
	res, err := x.s.ReplayPreview(x.ctx, x.admin, au.ID, ReplayInput{From: from, To: x.clock.Now().Add(time.Hour)})
	if err != nil || res.Events != 1 || res.Runs[0].Record != late.ID {
		t.Fatalf("replay %+v %v", res, err)
	}
	if seq, err := x.s.seqBefore(x.ctx, x.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	} else if evs, _ := x.st.ReadEvents(x.ctx, seq, 1); len(evs) != 0 {
		t.Fatalf("a range after every event starts at %d", seq)
	}
}
