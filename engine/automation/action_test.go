package automation

import (
	"fmt"
	"slices"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// member adds a member with a fresh account (in departments).
func (x *fx) member(name string, departments ...string) engine.Actor {
	x.t.Helper()
	u, err := x.e.CreateUser(x.ctx, engine.UserInput{Email: fmt.Sprintf("m%d@example.com", userSeq.Add(1)), Name: name})
	if err != nil {
		x.t.Fatal(err)
	}
	if _, err := x.e.AddMember(x.ctx, x.admin, u.ID, engine.RoleMember, departments); err != nil {
		x.t.Fatal(err)
	}
	return engine.Actor{UserID: u.ID, Name: name, Workspace: x.ws, Role: engine.RoleMember, Departments: departments, Source: engine.SourceUI}
}

// history returns a record's history entries.
func (x *fx) history(form, id string) []engine.HistoryEntry {
	x.t.Helper()
	h, err := x.e.History(x.ctx, x.admin, form, id)
	if err != nil {
		x.t.Fatal(err)
	}
	return h
}

// TestRecordActions: create in another form with a field mapping, update
// the triggering record, update and delete the records a filter selects,
// upsert (update the matches, else create): every write goes through the
// write pipeline as the automation's actor with Source automation.
func TestRecordActions(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "won", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}}, Condition: `new.stage == "赢单"`,
			Actor: x.bob.UserID,
			Actions: []Action{
				{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{
					"title": `CONCATENATE("合同-", new.title)`, "deal": "new.title", "amount": "new.amount * 1.1", "signed": "TODAY()"}}},
				{Kind: KindUpdate, Config: map[string]any{"values": map[string]any{"tags": `["vip"]`, "close_date": "TODAY()"}}},
				{Kind: KindUpsert, Config: map[string]any{"form": x.contr, "match": map[string]any{"title": `"汇总"`}, "values": map[string]any{"amount": "new.amount"}}},
				{Kind: KindUpdate, Config: map[string]any{"form": x.contr, "target": "query",
					"filter": map[string]any{"field": "title", "op": "eq", "value": "作废"}, "values": map[string]any{"deal": `CONCATENATE("voided by ", new.title)`}}},
			}})
		if _, err := x.e.CreateRecord(x.ctx, x.admin, x.contr, map[string]any{"title": "作废"}, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		r := x.create(x.alice, map[string]any{"title": "Acme", "stage": "谈判", "amount": 100})
		x.update(x.alice, r.ID, map[string]any{"stage": "赢单"})
		x.settle()
		rs := x.runs(au.ID)
		if len(rs) != 1 {
			t.Fatalf("runs %+v: only the matching one is logged", rs)
		}
		run := rs[0]
		if run.Status != RunSucceeded || len(run.Actions) != 4 || run.Chain == nil || run.Chain.Depth != 1 {
			t.Fatalf("run %+v", run)
		}
		byTitle := map[string]engine.Record{}
		for _, c := range x.records(x.contr) {
			byTitle[c.Data["title"].(string)] = c
		}
		c, ok := byTitle["合同-Acme"]
		if !ok {
			t.Fatalf("no contract: %+v", byTitle)
		}
		if c.Data["deal"] != "Acme" || c.Data["amount"] != 110.00000000000001 && c.Data["amount"] != 110.0 || c.Data["signed"] != "2026-03-09" || c.CreatedBy != x.bob.UserID {
			t.Fatalf("contract %+v", c)
		}
		if h := x.history(x.contr, c.ID); h[0].Source != string(engine.SourceAutomation) || h[0].Actor != x.bob.UserID {
			t.Fatalf("contract history %+v", h[0])
		}
		if byTitle["汇总"].Data["amount"] != 100.0 {
			t.Fatalf("upsert created %+v", byTitle["汇总"])
		}
		if byTitle["作废"].Data["deal"] != "voided by Acme" {
			t.Fatalf("query update: %+v", byTitle["作废"])
		}
		deal, _ := x.e.Record(x.ctx, x.admin, x.deal, r.ID)
		if !slices.Equal(anyToStrings(deal.Data["tags"]), []string{"vip"}) || deal.Data["close_date"] != "2026-03-09" {
			t.Fatalf("triggering record %+v", deal.Data)
		}
		h := x.history(x.deal, r.ID)
		if last := h[len(h)-1]; last.Source != string(engine.SourceAutomation) || last.Actor != x.bob.UserID {
			t.Fatalf("deal history %+v", last)
		}
		// A second win: upsert now updates the match instead of creating.
		r2 := x.create(x.alice, map[string]any{"title": "Beta", "stage": "赢单", "amount": 7})
		_ = r2
		x.settle()
		n := 0
		for _, c := range x.records(x.contr) {
			if c.Data["title"] == "汇总" {
				n++
				if c.Data["amount"] != 7.0 {
					t.Fatalf("upsert did not update: %+v", c.Data)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d 汇总 records, want 1", n)
		}
	})
}

// TestDeleteAndTagsActions: delete the records a filter selects; add and
// remove tags of the triggering record.
func TestDeleteAndTagsActions(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		x.publish(x.deal, Design{Name: "lost", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}}, Condition: `new.stage == "输单"`,
			Actions: []Action{
				{Kind: KindTags, Config: map[string]any{"field": "tags", "add": []any{"cold"}, "remove": []any{"hot"}}},
				{Kind: KindDelete, Config: map[string]any{"form": x.contr, "match": map[string]any{"deal": "new.title"}}},
			}})
		for _, d := range []string{"Acme", "Acme", "Other"} {
			if _, err := x.e.CreateRecord(x.ctx, x.admin, x.contr, map[string]any{"title": "c", "deal": d}, engine.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		r := x.create(x.alice, map[string]any{"title": "Acme", "stage": "谈判", "tags": []any{"hot", "vip"}})
		x.update(x.alice, r.ID, map[string]any{"stage": "输单"})
		x.settle()
		left := x.records(x.contr)
		if len(left) != 1 || left[0].Data["deal"] != "Other" {
			t.Fatalf("contracts left %+v", left)
		}
		deal, _ := x.e.Record(x.ctx, x.admin, x.deal, r.ID)
		if got := anyToStrings(deal.Data["tags"]); !sameSet(got, []string{"vip", "cold"}) {
			t.Fatalf("tags %v", got)
		}
	})
}

// TestAssignAction: round robin over a department, least loaded by open
// records, and by expression.
func TestAssignAction(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		dep, err := x.e.CreateDepartment(x.ctx, x.admin, "华东", "")
		if err != nil {
			t.Fatal(err)
		}
		c1, c2 := x.member("Carol", dep.ID), x.member("Dan", dep.ID)
		rr := x.publish(x.deal, Design{Name: "rr", Trigger: Trigger{Type: TriggerCreated}, Condition: `new.title == "rr"`,
			Actions: []Action{{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyRoundRobin, "department": dep.ID}}}})
		var ids []string
		for range 3 {
			ids = append(ids, x.create(x.alice, map[string]any{"title": "rr"}).ID)
		}
		x.settle()
		var got []string
		for _, id := range ids {
			r, _ := x.e.Record(x.ctx, x.admin, x.deal, id)
			got = append(got, fmt.Sprint(r.Data["assignee"]))
		}
		first, second := sortedPair(c1.UserID, c2.UserID)
		// Records are handled concurrently: the turns are distinct, so one
		// candidate gets two of the three and the other one.
		slices.Sort(got)
		if !slices.Equal(got, []string{first, first, second}) && !slices.Equal(got, []string{first, second, second}) {
			t.Fatalf("round robin gave %v (candidates %s %s)", got, first, second)
		}
		if rs := x.runs(rr.ID); len(rs) != 3 {
			t.Fatalf("rr runs %d", len(rs))
		}
		// Least loaded: counts open records per candidate (here: stage 谈判).
		x.publish(x.deal, Design{Name: "ll", Trigger: Trigger{Type: TriggerCreated}, Condition: `new.title == "ll"`,
			Actions: []Action{{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyLeastLoaded,
				"users": []any{x.alice.UserID, x.bob.UserID}, "open": map[string]any{"field": "stage", "op": "eq", "value": "谈判"}}}}})
		for range 2 {
			x.create(x.admin, map[string]any{"title": "load", "stage": "谈判", "assignee": x.alice.UserID})
		}
		x.create(x.admin, map[string]any{"title": "load", "stage": "赢单", "assignee": x.bob.UserID})
		x.create(x.admin, map[string]any{"title": "load", "stage": "赢单", "assignee": x.bob.UserID})
		ll := x.create(x.alice, map[string]any{"title": "ll"})
		x.settle()
		r, _ := x.e.Record(x.ctx, x.admin, x.deal, ll.ID)
		if r.Data["assignee"] != x.bob.UserID {
			t.Fatalf("least loaded gave %v, want bob (0 open)", r.Data["assignee"])
		}
		// By expression: the record's creator.
		x.publish(x.deal, Design{Name: "ex", Trigger: Trigger{Type: TriggerCreated}, Condition: `new.title == "ex"`,
			Actions: []Action{{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyExpression, "expression": "user.id", "onlyEmpty": true}}}})
		ex := x.create(x.bob, map[string]any{"title": "ex"})
		pre := x.create(x.bob, map[string]any{"title": "ex", "assignee": x.alice.UserID})
		x.settle()
		r, _ = x.e.Record(x.ctx, x.admin, x.deal, ex.ID)
		p, _ := x.e.Record(x.ctx, x.admin, x.deal, pre.ID)
		if r.Data["assignee"] != x.bob.UserID || p.Data["assignee"] != x.alice.UserID {
			t.Fatalf("expression assign %v; onlyEmpty kept %v", r.Data["assignee"], p.Data["assignee"])
		}
	})
}

// TestNotifyRecipients: owner, a user field, users, a role and a
// department resolve to the active members, and templates render labels.
func TestNotifyRecipients(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		dep, err := x.e.CreateDepartment(x.ctx, x.admin, "华南", "")
		if err != nil {
			t.Fatal(err)
		}
		carol := x.member("Carol", dep.ID)
		x.publish(x.deal, Design{Name: "tell", Trigger: Trigger{Type: TriggerCreated},
			Actions: []Action{{Kind: KindNotify, Config: map[string]any{"title": "{{title}}: {{stage}} / {{tags}}", "body": "金额 {{amount}}",
				"recipients": map[string]any{"owner": true, "fields": []any{"assignee"}, "roles": []any{"admin"}, "departments": []any{dep.ID}}}}}})
		x.create(x.alice, map[string]any{"title": "Acme", "stage": "谈判", "tags": []any{"hot", "vip"}, "amount": 12.5, "assignee": x.bob.UserID})
		x.settle()
		all := x.notes.all()
		if len(all) != 1 {
			t.Fatalf("notifications %+v", all)
		}
		n := all[0]
		want := []string{x.admin.UserID, x.alice.UserID, x.bob.UserID, carol.UserID}
		slices.Sort(want)
		if !slices.Equal(n.Recipients, want) || n.Title != "Acme: 谈判 / 重点, VIP" || n.Body != "金额 12.5" || n.Kind != "automation" || n.Key == "" {
			t.Fatalf("notification %+v, want recipients %v", n, want)
		}
	})
}

// TestRefusedWriteFailsTheRun: the automation acts with its actor's
// permissions; a write they may not make fails the run at that action
// (the error logged with the field problems), later actions are skipped
// and earlier ones are not rolled back; nothing partial is written.
func TestRefusedWriteFailsTheRun(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		view, _ := engine.PresetSet(engine.PresetViewAll)
		view.Name = "只读"
		view.Grants = []engine.Grant{{Kind: engine.GrantEveryone}}
		fp, _, err := x.e.SavePermissionSet(x.ctx, x.admin, x.contr, view, 0)
		if err != nil {
			t.Fatal(describe(err))
		}
		if _, err := x.e.DeletePermissionSet(x.ctx, x.admin, x.contr, fp.Sets[0].ID, fp.Version); err != nil {
			t.Fatal(describe(err))
		}
		au := x.publish(x.deal, Design{Name: "as alice", Trigger: Trigger{Type: TriggerCreated}, Actor: x.alice.UserID,
			Actions: []Action{
				{Kind: KindTags, Config: map[string]any{"field": "tags", "add": []any{"hot"}}},
				{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.title"}}},
				notifyOwner("never"),
			}})
		bad := x.publish(x.deal, Design{Name: "bad value", Trigger: Trigger{Type: TriggerCreated},
			Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.title", "amount": `"lots"`}}}}})
		r := x.create(x.alice, map[string]any{"title": "Acme"})
		x.settle()
		rs := x.runs(au.ID)
		if len(rs) != 1 {
			t.Fatalf("runs %+v", rs)
		}
		run := rs[0]
		if run.Status != RunFailed || run.Error == nil || run.Error.Code != codeActionError || run.Error.Message["zh-CN"] == "" || run.Error.Message["en"] == "" {
			t.Fatalf("run %+v", run)
		}
		st := []ActionStatus{run.Actions[0].Status, run.Actions[1].Status, run.Actions[2].Status}
		if !slices.Equal(st, []ActionStatus{ActionOK, ActionFailed, ActionSkipped}) {
			t.Fatalf("action statuses %v", st)
		}
		if len(x.records(x.contr)) != 0 || len(x.notes.all()) != 0 {
			t.Fatalf("a refused write wrote: %+v %+v", x.records(x.contr), x.notes.all())
		}
		deal, _ := x.e.Record(x.ctx, x.admin, x.deal, r.ID)
		if !slices.Equal(anyToStrings(deal.Data["tags"]), []string{"hot"}) {
			t.Fatalf("the earlier action was rolled back: %v", deal.Data["tags"])
		}
		br := x.runs(bad.ID)
		if len(br) != 1 || br[0].Status != RunFailed || len(br[0].Error.Fields) == 0 || br[0].Error.Fields[0].Path != "amount" {
			t.Fatalf("invalid value run %+v", br)
		}
		if x.s.Stats().Failed != 2 {
			t.Fatalf("failed runs counted %d", x.s.Stats().Failed)
		}
		// The failure is an outbox event.
		evs, err := x.st.ReadEvents(x.ctx, 0, store.MaxReadEvents)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Type == EventRunFailed {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d run_failed events, want 2", n)
		}
	})
}

func anyToStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func sortedPair(a, b string) (string, string) {
	if a < b {
		return a, b
	}
	return b, a
}

// TestRemovedActorFailsTheRun: once the member an automation acts as is
// removed from the workspace, its runs fail with a clear error instead of
// acting with rights nobody holds any more.
func TestRemovedActorFailsTheRun(t *testing.T) {
	x := newFx(t, backends()[0], true)
	au := x.publish(x.deal, Design{Name: "as bob", Trigger: Trigger{Type: TriggerCreated}, Actor: x.bob.UserID, Actions: []Action{notifyOwner("x")}})
	x.create(x.alice, map[string]any{"title": "A"})
	x.settle()
	m, err := x.e.Membership(x.ctx, x.ws, x.bob.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.e.RemoveMember(x.ctx, x.admin, m.ID); err != nil {
		t.Fatal(err)
	}
	// The removal's event passes the consumer (which drops its actors)
	// before the next write; records are handled in parallel, so an event
	// in the same instant may still see the cached actor (at most 10 s).
	x.settle()
	x.create(x.alice, map[string]any{"title": "B"})
	x.settle()
	st := byStatus(x.runs(au.ID))
	if st[RunSucceeded] != 1 || st[RunFailed] != 1 {
		t.Fatalf("runs %v", st)
	}
	for _, r := range x.runs(au.ID) {
		if r.Status == RunFailed && (r.Error == nil || r.Error.Code != codeActorGone) {
			t.Fatalf("failed run %+v", r)
		}
	}
	if len(x.notes.all()) != 1 {
		t.Fatalf("notifications %+v", x.notes.all())
	}
}
