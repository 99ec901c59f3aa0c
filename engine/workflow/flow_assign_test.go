package workflow_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

func one(kind string) []workflow.Assignee { return []workflow.Assignee{{Kind: kind}} }

func TestAssignees(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		top, err := ev.e.CreateDepartment(ev.ctx, ev.admin, "公司", "")
		if err != nil {
			t.Fatal(err)
		}
		sales, err := ev.e.CreateDepartment(ev.ctx, ev.admin, "销售部", top.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, mgr, ceo, owner, picked := ev.member("rep", sales.ID), ev.member("mgr", sales.ID), ev.member("ceo", top.ID), ev.member("owner"), ev.member("picked")
		if _, err := ev.e.SetDepartmentHeads(ev.ctx, ev.admin, sales.ID, []string{mgr.UserID}, sales.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := ev.e.SetDepartmentHeads(ev.ctx, ev.admin, top.ID, []string{ceo.UserID}, top.Version); err != nil {
			t.Fatal(err)
		}
		role, err := ev.e.CreateRole(ev.ctx, ev.admin, "财务", "")
		if err != nil {
			t.Fatal(err)
		}
		fin := ev.member("fin")
		m, _ := ev.e.Membership(ev.ctx, ev.ws, fin.UserID)
		if _, err := ev.e.SetMemberAccess(ev.ctx, ev.admin, m.ID, []string{role.ID}, nil, m.Version); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			as   []workflow.Assignee
			want []string
		}{
			{"head", []workflow.Assignee{{Kind: workflow.AssignHead, Level: 1}}, []string{mgr.UserID}},
			{"head2", []workflow.Assignee{{Kind: workflow.AssignHead, Level: 2}}, []string{ceo.UserID}},
			{"role", []workflow.Assignee{{Kind: workflow.AssignRole, Role: role.ID}}, []string{fin.UserID}},
			{"field", []workflow.Assignee{{Kind: workflow.AssignField, Field: "owner"}}, []string{owner.UserID}},
			{"choice", one(workflow.AssignInitiatorChoice), []string{picked.UserID}},
			{"initiator", one(workflow.AssignInitiator), []string{rep.UserID}},
		} {
			d := linear(workflow.ModeAny, 0)
			d.Nodes[1].Assignees = c.as
			f := ev.flow(form, d, "")
			var choices map[string][]string
			if c.name == "choice" {
				if _, err := ev.s.Start(ev.ctx, rep, f.ID, workflow.StartInput{Record: ev.record(form, rep, nil).ID}); !errors.Is(err, engine.ErrInvalid) {
					t.Fatalf("choice missing: %v", err)
				}
				choices = map[string][]string{"approve": {picked.UserID}}
			}
			in := ev.start(f, rep, ev.record(form, rep, map[string]any{"owner": owner.UserID}).ID, choices)
			var got []string
			for _, tk := range in.Tasks {
				got = append(got, tk.Assignee)
			}
			if !slices.Equal(sorted(got), sorted(slices.Clone(c.want))) {
				t.Errorf("%s: assignees %v, want %v", c.name, got, c.want)
			}
		}
		// nobody resolves: admins, or auto-approve
		d := linear(workflow.ModeAny, 0)
		d.Nodes[1].Assignees = []workflow.Assignee{{Kind: workflow.AssignField, Field: "owner"}}
		in := ev.start(ev.flow(form, d, workflow.FallbackAdmins), rep, ev.record(form, rep, nil).ID, nil)
		if len(in.Tasks) != 1 || in.Tasks[0].Assignee != ev.admin.UserID {
			t.Fatalf("fallback admins: %+v", in.Tasks)
		}
		in = ev.start(ev.flow(form, d, workflow.FallbackAutoApprove), rep, ev.record(form, rep, nil).ID, nil)
		if in.Status != workflow.StatusApproved {
			t.Fatalf("fallback auto-approve: %s", in.Status)
		}
	})
}

// TestConcurrentDecisions: two approvers of an any node and the last two
// voters of a vote decide at once; each node passes exactly once.
func TestConcurrentDecisions(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		if ev.mongo {
			t.Skip("FerretDB v1 loses concurrent conditional updates (its issue #3040) and has no transactions; runs on SQLite and a real MongoDB")
		}
		form := ev.form()
		rep, a, b, c := ev.member("rep"), ev.member("a"), ev.member("b"), ev.member("c")
		for _, d := range []workflow.FlowDesign{linear(workflow.ModeAny, 0, a.UserID, b.UserID), linear(workflow.ModeVote, 0.5, a.UserID, b.UserID, c.UserID)} {
			f := ev.flow(form, d, "")
			for i := 0; i < 5; i++ {
				in := ev.start(f, rep, ev.record(form, rep, nil).ID, nil)
				byUser := map[string]string{}
				for _, tk := range in.Tasks {
					byUser[tk.Assignee] = tk.ID
				}
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for j, u := range []engine.Actor{a, b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[j] = ev.s.Act(ev.ctx, u, byUser[u.UserID], workflow.ActionApprove, workflow.ActInput{})
					}()
				}
				wg.Wait()
				got := ev.instance(in.ID)
				if got.Status != workflow.StatusApproved {
					t.Fatalf("%s: status %s (%v)", d.Nodes[1].Mode, got.Status, errs)
				}
				ended := 0
				for _, e := range got.Timeline {
					if e.Kind == workflow.TLCompleted {
						ended++
					}
				}
				if ended != 1 {
					t.Fatalf("ended %d times", ended)
				}
				for _, err := range errs {
					if err != nil && !errors.Is(err, workflow.ErrTaskClosed) {
						t.Fatalf("unexpected error %v", err)
					}
				}
			}
		}
	})
}

func TestStartOnCreateIsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		form := ev.form()
		rep, a := ev.member("rep"), ev.member("a")
		f, err := ev.s.CreateFlow(ev.ctx, ev.admin, form, workflow.FlowInput{Name: "自动", StartOnCreate: true, Draft: linear(workflow.ModeAny, 0, a.UserID)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.s.Publish(ev.ctx, ev.admin, f.ID); err != nil {
			t.Fatal(err)
		}
		rec := ev.record(form, rep, nil)
		payload := map[string]any{"form": form, "record": rec.ID, "actor": rep.UserID, "source": "ui"}
		for i := 0; i < 2; i++ { // delivered twice
			if err := ev.s.OnRecordCreated(ev.ctx, ev.ws, "01JEVENT000000000000000000", ev.clock.Now(), payload); err != nil {
				t.Fatal(err)
			}
		}
		// an event from before the version was published starts nothing
		if err := ev.s.OnRecordCreated(ev.ctx, ev.ws, "01JEVENTOLD000000000000000", ev.clock.Now().Add(-time.Hour), payload); err != nil {
			t.Fatal(err)
		}
		list, err := ev.s.RecordInstances(ev.ctx, rep, form, rec.ID)
		if err != nil || len(list) != 1 || list[0].Initiator != rep.UserID {
			t.Fatalf("instances %+v %v", list, err)
		}
		if len(ev.todo(a)) != 1 {
			t.Fatalf("a has %d tasks", len(ev.todo(a)))
		}
	})
}
