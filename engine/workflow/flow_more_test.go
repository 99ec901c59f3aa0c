package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/workflow"
)

// TestHandlerAutoReturnSignatureEvents: a handler fills in its field, an
// approver's due time returns to the handler, decisions carry signatures,
// and every step commits its approval event.
func TestHandlerAutoReturnSignatureEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, h, a := ev.member("rep"), ev.member("h"), ev.member("a")
		d := workflow.FlowDesign{
			Nodes: []workflow.Node{
				{ID: "start", Kind: workflow.KindStart, Name: "发起"},
				{ID: "fill", Kind: workflow.KindHandler, Name: "填写", Assignees: users(h.UserID), Fields: map[string]string{"note": workflow.FieldEdit},
					Required: []string{"note"}},
				{ID: "ok", Kind: workflow.KindApprover, Name: "审批", Assignees: users(a.UserID),
					Due: &workflow.Due{After: "8h", Action: workflow.DueAutoReturn}},
				{ID: "end", Kind: workflow.KindEnd, Name: "结束"},
			},
			Edges: []workflow.Edge{{ID: "e1", From: "start", To: "fill"}, {ID: "e2", From: "fill", To: "ok"}, {ID: "e3", From: "ok", To: "end"}},
		}
		f := ev.flow(form, d, "")
		rec := ev.record(form, rep, map[string]any{"title": "t"})
		in := ev.start(f, rep, rec.ID, nil)
		sig := &workflow.Signature{ID: "01JSIGNATURE00000000000000", Name: "sign.png", Size: 1200, ContentType: "image/png"}
		if _, err := ev.s.Act(ev.ctx, h, ev.only(h).ID, workflow.ActionApprove, workflow.ActInput{}); err == nil || !strings.Contains(err.Error(), "required") {
			t.Fatalf("submit without the required field: %v", err)
		}
		ev.act(h, ev.only(h).ID, workflow.ActionApprove, workflow.ActInput{Fields: map[string]any{"note": "已填"}, Signature: sig})
		got, _ := ev.e.Record(ev.ctx, ev.admin, form, rec.ID)
		if got.Data["note"] != "已填" {
			t.Fatalf("handler's field: %v", got.Data["note"])
		}
		ev.clock.Advance(8 * time.Hour)
		ev.fire()
		inst := ev.instance(in.ID)
		if !slices.Equal(inst.Active, []string{"fill"}) || len(ev.todo(h)) != 1 || len(ev.todo(a)) != 0 {
			t.Fatalf("after auto-return: active %v", inst.Active)
		}
		var signed bool
		for _, e := range inst.Timeline {
			if e.Kind == workflow.TLDecided && e.Signature != nil && e.Signature.ID == sig.ID {
				signed = true
			}
		}
		if !signed {
			t.Fatalf("no signature in the timeline: %+v", inst.Timeline)
		}
		ev.act(h, ev.only(h).ID, workflow.ActionApprove, workflow.ActInput{})
		ev.act(a, ev.only(a).ID, workflow.ActionApprove, workflow.ActInput{})
		if s := ev.instance(in.ID).Status; s != workflow.StatusApproved {
			t.Fatalf("status %s", s)
		}
		counts := map[string]int{}
		var after int64
		for {
			evs, err := ev.e.Store().ReadEvents(ev.ctx, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				if e.DocID == in.ID {
					counts[e.Type]++
				}
				after = e.Seq
			}
		}
		// started; entered start, fill, ok, fill (returned), ok, end; decided h, h, a; ended
		want := map[string]int{workflow.EventStarted: 1, workflow.EventNodeEntered: 6, workflow.EventTaskDecided: 3, workflow.EventEnded: 1}
		for k, n := range want {
			if counts[k] != n {
				t.Errorf("%s: %d events, want %d (all %v)", k, counts[k], n, counts)
			}
		}
	})
}

func TestInboxPages(t *testing.T) {
	ev := newSQLiteEnv(t)
	form := ev.form()
	rep, a := ev.member("rep"), ev.member("a")
	f := ev.flow(form, linear(workflow.ModeAny, 0, a.UserID), "")
	for i := 0; i < 5; i++ {
		ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
		ev.clock.Advance(time.Minute)
	}
	var seen []string
	cursor := ""
	for {
		p, err := ev.s.Inbox(ev.ctx, a, workflow.BoxTodo, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range p.Tasks {
			seen = append(seen, tk.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged %d tasks, want 5", len(seen))
	}
	if _, err := ev.s.Inbox(ev.ctx, a, "nosuch", "", 10); err == nil {
		t.Fatal("unknown box accepted")
	}
	if p, _ := ev.s.Inbox(ev.ctx, rep, workflow.BoxStarted, "", 10); len(p.Instances) != 5 || !p.Instances[0].StartedAt.After(p.Instances[4].StartedAt) {
		t.Fatalf("started box %d, newest first", len(p.Instances))
	}
}
