package workflow_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

func TestApproverModes(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a, b, c := ev.member("rep"), ev.member("a"), ev.member("b"), ev.member("c")
		// any: the first approval passes, the others' tasks close.
		f := ev.flow(form, linear(workflow.ModeAny, 0, a.UserID, b.UserID), "")
		in := ev.start(f, rep, ev.record(form, rep, map[string]any{"title": "q1"}).ID, nil)
		if in.Status != workflow.StatusRunning || len(in.Tasks) != 2 {
			t.Fatalf("started: %+v", in)
		}
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{Comment: "同意"})
		got := ev.instance(in.ID)
		if got.Status != workflow.StatusApproved {
			t.Fatalf("any: status %s", got.Status)
		}
		if len(ev.todo(b)) != 0 {
			t.Fatal("any: b's task stays open")
		}
		// all: everyone must approve; one rejection rejects.
		f2 := ev.flow(form, linear(workflow.ModeAll, 0, a.UserID, b.UserID), "")
		in2 := ev.start(f2, rep, ev.record(form, rep, map[string]any{"title": "q2"}).ID, nil)
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		if ev.instance(in2.ID).Status != workflow.StatusRunning {
			t.Fatal("all: passed after one approval")
		}
		ev.act(b, ev.only(b).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in2.ID).Status; s != workflow.StatusApproved {
			t.Fatalf("all: %s", s)
		}
		in3 := ev.start(f2, rep, ev.record(form, rep, map[string]any{"title": "q3"}).ID, nil)
		if _, err := ev.s.Act(ev.ctx, a, ev.only(a).ID, workflow.ActionReject, workflow.ActInput{}); !errors.Is(err, engine.ErrInvalid) {
			t.Fatalf("reject without a comment: %v", err)
		}
		ev.act(a, ev.only(a).ID, workflow.ActionReject, workflow.ActInput{Comment: "价格太低"})
		got3 := ev.instance(in3.ID)
		if got3.Status != workflow.StatusRejected || len(ev.todo(b)) != 0 {
			t.Fatalf("all reject: %s, b todo %d", got3.Status, len(ev.todo(b)))
		}
		// vote 2/3: two approvals pass; a rejection with two left does not fail.
		f4 := ev.flow(form, linear(workflow.ModeVote, 0.6, a.UserID, b.UserID, c.UserID), "")
		in4 := ev.start(f4, rep, ev.record(form, rep, map[string]any{"title": "q4"}).ID, nil)
		ev.act(a, ev.only(a).ID, workflow.ActionReject, workflow.ActInput{Comment: "不同意"})
		if s := ev.instance(in4.ID).Status; s != workflow.StatusRunning {
			t.Fatalf("vote after one rejection: %s", s)
		}
		ev.act(b, ev.only(b).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in4.ID).Status; s != workflow.StatusRunning {
			t.Fatalf("vote after 1 of 2 approvals: %s", s)
		}
		ev.act(c, ev.only(c).ID, workflow.ActionApprove, workflow.ActInput{})
		got4 := ev.instance(in4.ID)
		if got4.Status != workflow.StatusApproved {
			t.Fatalf("vote: %s", got4.Status)
		}
		// the timeline has the decisions with comments
		var comments []string
		for _, e := range got4.Timeline {
			if e.Kind == workflow.TLDecided {
				comments = append(comments, e.Action+":"+e.Comment)
			}
		}
		if len(comments) != 3 || comments[0] != "reject:不同意" {
			t.Fatalf("timeline decisions %v", comments)
		}
		// a vote that can no longer reach its threshold fails
		in5 := ev.start(f4, rep, ev.record(form, rep, map[string]any{"title": "q5"}).ID, nil)
		ev.act(a, ev.only(a).ID, workflow.ActionReject, workflow.ActInput{Comment: "no"})
		ev.act(b, ev.only(b).ID, workflow.ActionReject, workflow.ActInput{Comment: "no"})
		if s := ev.instance(in5.ID).Status; s != workflow.StatusRejected {
			t.Fatalf("vote out of reach: %s", s)
		}
		// non-assignee cannot decide
		in6 := ev.start(f, rep, ev.record(form, rep, map[string]any{"title": "q6"}).ID, nil)
		if _, err := ev.s.Act(ev.ctx, c, in6.Tasks[0].ID, workflow.ActionApprove, workflow.ActInput{}); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("non-assignee approve: %v", err)
		}
		// a decided task cannot be decided again
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		if _, err := ev.s.Act(ev.ctx, b, in6.Tasks[1].ID, workflow.ActionApprove, workflow.ActInput{}); !errors.Is(err, workflow.ErrTaskClosed) {
			t.Fatalf("closed task: %v", err)
		}
	})
}

func TestSequenceMode(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a, b := ev.member("rep"), ev.member("a"), ev.member("b")
		first, second := a, b
		if b.UserID < a.UserID { // assignees are asked in resolve order (by id)
			first, second = b, a
		}
		f := ev.flow(form, linear(workflow.ModeSequence, 0, a.UserID, b.UserID), "")
		in := ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
		if len(in.Tasks) != 1 || in.Tasks[0].Assignee != first.UserID {
			t.Fatalf("first task %+v", in.Tasks)
		}
		ev.act(first, ev.only(first).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in.ID).Status; s != workflow.StatusRunning {
			t.Fatalf("passed after the first of two: %s", s)
		}
		ev.act(second, ev.only(second).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in.ID).Status; s != workflow.StatusApproved {
			t.Fatalf("status %s", s)
		}
		in2 := ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
		ev.act(first, ev.only(first).ID, workflow.ActionReject, workflow.ActInput{Comment: "no"})
		if s := ev.instance(in2.ID).Status; s != workflow.StatusRejected || len(ev.todo(second)) != 0 {
			t.Fatalf("sequence reject: %s", s)
		}
	})
}
