package workflow_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

func users(ids ...string) []workflow.Assignee {
	return []workflow.Assignee{{Kind: workflow.AssignUsers, Users: ids}}
}

func TestConditionBranches(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, mgr, dir := ev.member("rep"), ev.member("mgr"), ev.member("dir")
		d := workflow.FlowDesign{
			Nodes: []workflow.Node{
				{ID: "start", Kind: workflow.KindStart, Name: "发起"},
				{ID: "check", Kind: workflow.KindCondition, Name: "折扣"},
				{ID: "mgr", Kind: workflow.KindApprover, Name: "经理", Assignees: users(mgr.UserID)},
				{ID: "dir", Kind: workflow.KindApprover, Name: "总监", Assignees: users(dir.UserID)},
				{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
			},
			Edges: []workflow.Edge{
				{ID: "e1", From: "start", To: "check"},
				{ID: "big", From: "check", To: "dir", Condition: "discount > 0.2", Priority: 1},
				{ID: "mid", From: "check", To: "mgr", Condition: "discount > 0.1", Priority: 2},
				{ID: "def", From: "check", To: "end", Default: true},
				{ID: "e2", From: "mgr", To: "end"},
				{ID: "e3", From: "dir", To: "end"},
			},
		}
		f := ev.flow(form, d, "")
		for _, c := range []struct {
			discount float64
			want     string
		}{{0.15, "mgr"}, {0.3, "dir"}, {0.05, ""}} {
			in := ev.start(f, rep, ev.record(form, rep, map[string]any{"discount": c.discount}).ID, nil)
			if c.want == "" {
				if in.Status != workflow.StatusApproved {
					t.Errorf("discount %v: %s, want approved by the default branch", c.discount, in.Status)
				}
				continue
			}
			if !slices.Equal(in.Active, []string{c.want}) {
				t.Errorf("discount %v: active %v, want %s", c.discount, in.Active, c.want)
			}
		}
	})
}

func TestParallelJoin(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, fin, legal, boss, watcher := ev.member("rep"), ev.member("fin"), ev.member("legal"), ev.member("boss"), ev.member("watch")
		d := workflow.FlowDesign{
			Nodes: []workflow.Node{
				{ID: "start", Kind: workflow.KindStart, Name: "发起"},
				{ID: "split", Kind: workflow.KindParallel, Name: "并行", Join: "join"},
				{ID: "fin", Kind: workflow.KindApprover, Name: "财务", Assignees: users(fin.UserID)},
				{ID: "legal", Kind: workflow.KindApprover, Name: "法务", Assignees: users(legal.UserID)},
				{ID: "cc", Kind: workflow.KindCC, Name: "抄送", Assignees: users(watcher.UserID)},
				{ID: "join", Kind: workflow.KindJoin, Name: "汇合"},
				{ID: "boss", Kind: workflow.KindApprover, Name: "老板", Assignees: users(boss.UserID)},
				{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
			},
			Edges: []workflow.Edge{
				{ID: "e1", From: "start", To: "split"},
				{ID: "e2", From: "split", To: "fin"}, {ID: "e3", From: "split", To: "legal"}, {ID: "e4", From: "split", To: "cc"},
				{ID: "e5", From: "fin", To: "join"}, {ID: "e6", From: "legal", To: "join"}, {ID: "e7", From: "cc", To: "join"},
				{ID: "e8", From: "join", To: "boss"}, {ID: "e9", From: "boss", To: "end"},
			},
		}
		f := ev.flow(form, d, "")
		in := ev.start(f, rep, ev.record(form, rep, map[string]any{"title": "p"}).ID, nil)
		if got := sorted(slices.Clone(in.Active)); !slices.Equal(got, []string{"fin", "legal"}) {
			t.Fatalf("active %v", got)
		}
		cc, err := ev.s.Inbox(ev.ctx, watcher, workflow.BoxCC, "", 10)
		if err != nil || len(cc.Tasks) != 1 {
			t.Fatalf("cc inbox %v %v", cc.Tasks, err)
		}
		ev.act(fin, ev.only(fin).ID, workflow.ActionApprove, workflow.ActInput{})
		if len(ev.todo(boss)) != 0 {
			t.Fatal("join passed before every branch arrived")
		}
		ev.act(legal, ev.only(legal).ID, workflow.ActionApprove, workflow.ActInput{})
		ev.act(boss, ev.only(boss).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in.ID).Status; s != workflow.StatusApproved {
			t.Fatalf("status %s", s)
		}
	})
}

// twoStep is start → first approver → second approver → end.
func twoStep(first, second string) workflow.FlowDesign {
	return workflow.FlowDesign{
		Nodes: []workflow.Node{
			{ID: "start", Kind: workflow.KindStart, Name: "发起"},
			{ID: "first", Kind: workflow.KindApprover, Name: "一审", Assignees: users(first)},
			{ID: "second", Kind: workflow.KindApprover, Name: "二审", Assignees: users(second)},
			{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
		},
		Edges: []workflow.Edge{{ID: "e1", From: "start", To: "first"}, {ID: "e2", From: "first", To: "second"}, {ID: "e3", From: "second", To: "end"}},
	}
}

func TestReturnTransferAddCCWithdraw(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a, b, x, y, z := ev.member("rep"), ev.member("a"), ev.member("b"), ev.member("x"), ev.member("y"), ev.member("z")
		f := ev.flow(form, twoStep(a.UserID, b.UserID), "")
		in := ev.start(f, rep, ev.record(form, rep, map[string]any{"title": "r"}).ID, nil)
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		// return from second to first
		if _, err := ev.s.Act(ev.ctx, b, ev.only(b).ID, workflow.ActionReturn, workflow.ActInput{Node: "end"}); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("return to a node never entered: %v", err)
		}
		ev.act(b, ev.only(b).ID, workflow.ActionReturn, workflow.ActInput{Node: "first", Comment: "补充材料"})
		if got := ev.instance(in.ID); !slices.Equal(got.Active, []string{"first"}) {
			t.Fatalf("after return active %v", got.Active)
		}
		// return to the start: the initiator resubmits
		ev.act(a, ev.only(a).ID, workflow.ActionReturn, workflow.ActInput{Node: "start"})
		re := ev.only(rep)
		if re.Kind != workflow.TaskResubmit {
			t.Fatalf("initiator task %+v", re)
		}
		ev.act(rep, re.ID, workflow.ActionApprove, workflow.ActInput{Comment: "已补充"})
		// transfer a → x
		ta := ev.only(a)
		ev.act(a, ta.ID, workflow.ActionTransfer, workflow.ActInput{To: x.UserID})
		if len(ev.todo(a)) != 0 {
			t.Fatal("a keeps the transferred task")
		}
		if _, err := ev.s.Act(ev.ctx, a, ta.ID, workflow.ActionApprove, workflow.ActInput{}); !errors.Is(err, workflow.ErrTaskClosed) {
			t.Fatalf("approve a transferred task: %v", err)
		}
		// add y before x: x waits until y approves
		tx := ev.only(x)
		ev.act(x, tx.ID, workflow.ActionAdd, workflow.ActInput{Users: []string{y.UserID}, NodePosition: "before"})
		if got := ev.only(x); got.Status != workflow.TaskWaiting {
			t.Fatalf("x %s, want waiting", got.Status)
		}
		if _, err := ev.s.Act(ev.ctx, x, tx.ID, workflow.ActionApprove, workflow.ActInput{}); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("approve while waiting: %v", err)
		}
		ev.act(y, ev.only(y).ID, workflow.ActionApprove, workflow.ActInput{})
		if got := ev.only(x); got.Status != workflow.TaskPending {
			t.Fatalf("x %s after y approved", got.Status)
		}
		// add z after x: the node waits for z
		ev.act(x, tx.ID, workflow.ActionAdd, workflow.ActInput{Users: []string{z.UserID}, NodePosition: "after"})
		if len(ev.todo(b)) != 0 {
			t.Fatal("node passed before the approver added after decided")
		}
		ev.act(z, ev.only(z).ID, workflow.ActionApprove, workflow.ActInput{})
		tb := ev.only(b)
		// CC from a task
		ev.act(b, tb.ID, workflow.ActionCC, workflow.ActInput{Users: []string{z.UserID}})
		cc, _ := ev.s.Inbox(ev.ctx, z, workflow.BoxCC, "", 10)
		if len(cc.Tasks) != 1 {
			t.Fatalf("z cc %d", len(cc.Tasks))
		}
		counts, _ := ev.s.Counts(ev.ctx, z)
		if counts.CC != 1 || counts.CCUnread != 1 || counts.Done != 1 {
			t.Fatalf("z counts %+v", counts)
		}
		ev.act(z, cc.Tasks[0].ID, "read", workflow.ActInput{})
		if counts, _ = ev.s.Counts(ev.ctx, z); counts.CCUnread != 0 {
			t.Fatalf("after read %+v", counts)
		}
		// withdraw: only the initiator
		if _, err := ev.s.Withdraw(ev.ctx, b, in.ID, ""); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("withdraw by b: %v", err)
		}
		got, err := ev.s.Withdraw(ev.ctx, rep, in.ID, "不需要了")
		if err != nil || got.Status != workflow.StatusWithdrawn || len(ev.todo(b)) != 0 {
			t.Fatalf("withdraw: %v %v", got.Status, err)
		}
		// an admin reactivates at the node that was active
		if _, err := ev.s.Reactivate(ev.ctx, rep, in.ID, ""); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("reactivate by a member: %v", err)
		}
		got, err = ev.s.Reactivate(ev.ctx, ev.admin, in.ID, "继续")
		if err != nil || got.Status != workflow.StatusRunning || len(ev.todo(b)) != 1 {
			t.Fatalf("reactivate: %v %v", got.Status, err)
		}
		got, err = ev.s.End(ev.ctx, ev.admin, in.ID, "终止")
		if err != nil || got.Status != workflow.StatusEnded {
			t.Fatalf("end: %v %v", got.Status, err)
		}
		want := []string{"started", "node_entered:start", "node_entered:first", "decided:first:approve", "node_entered:second",
			"returned:second", "node_entered:first", "returned:first", "node_entered:start", "decided:start:approve", "node_entered:first",
			"transferred:first", "added:first:before", "decided:first:approve", "added:first:after", "decided:first:approve",
			"decided:first:approve", "node_entered:second", "cc:second", "withdrawn", "completed:withdrawn", "reactivated",
			"node_entered:second", "ended", "completed:ended"}
		if k := kinds(got.Timeline); !slices.Equal(k, want) {
			t.Fatalf("timeline\n got %v\nwant %v", k, want)
		}
	})
}

func TestDueTimes(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a, boss := ev.member("rep"), ev.member("a"), ev.member("boss")
		design := func(due workflow.Due) workflow.FlowDesign {
			d := twoStep(a.UserID, boss.UserID)
			d.Nodes[1].Due = &due
			return d
		}
		// remind after 24h
		f := ev.flow(form, design(workflow.Due{After: "24h", Action: workflow.DueRemind, Every: "12h"}), "")
		in := ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
		before := len(ev.notes.to(a.UserID))
		ev.clock.Advance(23 * time.Hour)
		ev.fire()
		if len(ev.notes.to(a.UserID)) != before {
			t.Fatal("reminded before due")
		}
		ev.clock.Advance(2 * time.Hour)
		ev.fire()
		if len(ev.notes.to(a.UserID)) != before+1 {
			t.Fatalf("not reminded: %d", len(ev.notes.to(a.UserID)))
		}
		if k := kinds(ev.instance(in.ID).Timeline); k[len(k)-1] != "reminded:first" {
			t.Fatalf("timeline %v", k)
		}
		ev.clock.Advance(12 * time.Hour) // and again every 12h
		ev.fire()
		if len(ev.notes.to(a.UserID)) != before+2 {
			t.Fatalf("not reminded again: %d", len(ev.notes.to(a.UserID)))
		}
		// a decided node's timer is cancelled
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		if ev.timers.count() != 0 {
			t.Fatalf("%d timers left", ev.timers.count())
		}
		// auto-approve after 2h
		f2 := ev.flow(form, design(workflow.Due{After: "2h", Action: workflow.DueAutoApprove}), "")
		in2 := ev.start(f2, rep, ev.record(form, rep, nil).ID, nil)
		ev.clock.Advance(2 * time.Hour)
		ev.fire()
		got := ev.instance(in2.ID)
		if !slices.Equal(got.Active, []string{"second"}) {
			t.Fatalf("auto-approve: active %v", got.Active)
		}
		// escalate from the deadline field (a date: end of that day)
		f3 := ev.flow(form, design(workflow.Due{Field: "deadline", Action: workflow.DueEscalate,
			EscalateTo: users(boss.UserID)}), "")
		today := ev.clock.Now().Format("2006-01-02")
		in3 := ev.start(f3, rep, ev.record(form, rep, map[string]any{"deadline": today}).ID, nil)
		ev.fire()
		if len(ev.todo(a)) != 1 {
			t.Fatal("escalated before the day ended")
		}
		ev.clock.Advance(24 * time.Hour)
		ev.fire()
		if len(ev.todo(a)) != 0 {
			t.Fatal("a keeps the escalated task")
		}
		var bossFirst int
		for _, tk := range ev.todo(boss) {
			if tk.Instance == in3.ID && tk.Node == "first" {
				bossFirst++
			}
		}
		if bossFirst != 1 {
			t.Fatalf("boss has %d escalated tasks", bossFirst)
		}
		// a late run of a passed entry does nothing
		ev.fire()
	})
}

func TestRepublishKeepsRunningVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a, b := ev.member("rep"), ev.member("a"), ev.member("b")
		f := ev.flow(form, linear(workflow.ModeAny, 0, a.UserID), "")
		in := ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
		f, _ = ev.s.Flow(ev.ctx, ev.admin, f.ID)
		f2, err := ev.s.SaveFlow(ev.ctx, ev.admin, f.ID, workflow.FlowInput{Name: f.Name, Draft: twoStep(a.UserID, b.UserID), Version: f.Version})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.s.SaveFlow(ev.ctx, ev.admin, f.ID, workflow.FlowInput{Name: f.Name, Draft: f.Draft, Version: f.Version}); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		fv, err := ev.s.Publish(ev.ctx, ev.admin, f2.ID)
		if err != nil || fv.Version != 2 {
			t.Fatalf("publish 2: %v %v", fv.Version, err)
		}
		// the running instance ends on version 1's single step
		for _, tk := range ev.todo(a) {
			if tk.Instance == in.ID {
				ev.act(a, tk.ID, workflow.ActionApprove, workflow.ActInput{})
			}
		}
		if got := ev.instance(in.ID); got.Status != workflow.StatusApproved || got.FlowVersion != 1 {
			t.Fatalf("old instance %s v%d", got.Status, got.FlowVersion)
		}
		// a new one runs version 2
		f2, _ = ev.s.Flow(ev.ctx, ev.admin, f.ID)
		in2 := ev.start(f2, rep, ev.record(form, rep, nil).ID, nil)
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		if got := ev.instance(in2.ID); got.FlowVersion != 2 || !slices.Equal(got.Active, []string{"second"}) {
			t.Fatalf("new instance v%d active %v", got.FlowVersion, got.Active)
		}
		vs, err := ev.s.Versions(ev.ctx, ev.admin, f.ID)
		if err != nil || len(vs) != 2 || vs[0].Version != 2 {
			t.Fatalf("versions %+v %v", vs, err)
		}
	})
}

func TestFieldPermissions(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a := ev.member("rep"), ev.member("a")
		d := linear(workflow.ModeAny, 0, a.UserID)
		d.Nodes[1].Fields = map[string]string{"cost": workflow.FieldHidden, "note": workflow.FieldEdit}
		f := ev.flow(form, d, "")
		rec := ev.record(form, rep, map[string]any{"title": "t", "cost": 42, "discount": 0.1})
		in := ev.start(f, rep, rec.ID, nil)
		td, err := ev.s.TaskDetail(ev.ctx, a, in.Tasks[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := td.Record.Data["cost"]; ok {
			t.Fatalf("hidden field in the assignee's task: %v", td.Record.Data)
		}
		if _, ok := td.Fields["cost"]; ok || td.Fields["note"] != "edit" || td.Fields["title"] != "view" {
			t.Fatalf("fields %v", td.Fields)
		}
		// editing a view field is refused, nothing written
		_, err = ev.s.Act(ev.ctx, a, in.Tasks[0].ID, workflow.ActionApprove, workflow.ActInput{Fields: map[string]any{"discount": 0.5}})
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Code != workflow.CodeNodeFieldReadOnly {
			t.Fatalf("edit of a view field: %v", err)
		}
		// the hook refuses a workflow-source write of a view field too
		got, _ := ev.e.Record(ev.ctx, ev.admin, form, rec.ID)
		if got.Data["discount"] != 0.1 {
			t.Fatalf("discount written: %v", got.Data["discount"])
		}
		ev.act(a, in.Tasks[0].ID, workflow.ActionApprove, workflow.ActInput{Fields: map[string]any{"note": "已核对"}})
		got, _ = ev.e.Record(ev.ctx, ev.admin, form, rec.ID)
		if got.Data["note"] != "已核对" {
			t.Fatalf("note %v", got.Data["note"])
		}
		h, err := ev.e.History(ev.ctx, ev.admin, form, rec.ID)
		if err != nil || len(h) == 0 {
			t.Fatal(err)
		}
		if h[0].Source != string(engine.SourceWorkflow) && h[len(h)-1].Source != string(engine.SourceWorkflow) {
			t.Fatalf("history sources %v / %v", h[0].Source, h[len(h)-1].Source)
		}
	})
}

func TestValidation(t *testing.T) {
	ev := newSQLiteEnv(t)
	form := ev.form()
	bad := workflow.FlowDesign{
		Nodes: []workflow.Node{
			{ID: "start", Kind: workflow.KindStart},
			{ID: "check", Kind: workflow.KindCondition},
			{ID: "a", Kind: workflow.KindApprover, Mode: workflow.ModeVote, Threshold: 1.5},
			{ID: "lost", Kind: workflow.KindApprover, Assignees: []workflow.Assignee{{Kind: workflow.AssignField, Field: "title"}}},
			{ID: "end", Kind: workflow.KindEnd},
		},
		Edges: []workflow.Edge{
			{ID: "e1", From: "start", To: "check"},
			{ID: "e2", From: "check", To: "a", Condition: "nosuch > 1"},
			{ID: "e3", From: "check", To: "end"},
			{ID: "e4", From: "a", To: "end"},
			{ID: "e5", From: "lost", To: "end"},
		},
	}
	f, err := ev.s.CreateFlow(ev.ctx, ev.admin, form, workflow.FlowInput{Name: "x", Draft: bad})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := ev.s.Validate(ev.ctx, ev.admin, f.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Path] = e.Code
	}
	for path, code := range map[string]string{
		"nodes.a.assignees":      workflow.CodeNoAssignees,
		"nodes.a.threshold":      workflow.CodeThreshold,
		"nodes.lost.assignees.0": workflow.CodeAssignee,
		"edges.e3.condition":     workflow.CodeNoCondition,
		"nodes.check":            workflow.CodeNoDefault,
	} {
		if got[path] != code {
			t.Errorf("%s: %q, want %s (all: %v)", path, got[path], code, got)
		}
	}
	if !strings.HasPrefix(got["edges.e2.condition"], "expr") && got["edges.e2.condition"] == "" {
		t.Errorf("bad expression not reported: %v", got)
	}
	if _, err := ev.s.Publish(ev.ctx, ev.admin, f.ID); !errors.Is(err, engine.ErrInvalid) {
		t.Fatalf("publish invalid: %v", err)
	}
	// unreachable and dead ends
	d2 := linear(workflow.ModeAny, 0, ev.admin.UserID)
	d2.Nodes = append(d2.Nodes, workflow.Node{ID: "orphan", Kind: workflow.KindCC, Assignees: users(ev.admin.UserID)})
	d2.Edges = append(d2.Edges, workflow.Edge{ID: "e9", From: "orphan", To: "end"})
	errs, _ = ev.s.Validate(ev.ctx, ev.admin, f.ID, &d2)
	if len(errs) != 1 || errs[0].Code != workflow.CodeUnreachable || errs[0].Path != "nodes.orphan" {
		t.Fatalf("unreachable: %+v", errs)
	}
	// a member may not design
	m := ev.member("m")
	if _, err := ev.s.CreateFlow(ev.ctx, m, form, workflow.FlowInput{Name: "x"}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("member creates a flow: %v", err)
	}
}
