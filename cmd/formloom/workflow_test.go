package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/workflow"
)

// TestApprovalsWiring: with serve's wiring, a record created in a form
// with a start-on-create flow starts it from the outbox, the node's due
// time runs on the jobs runtime's timers (auto-approve after an hour on a
// manual clock), and the workflow.start action starts a flow for an
// automation, once per run key.
func TestApprovalsWiring(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := store.NewManualClock(time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC))
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Clock: clock.Now, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "a@example.com", Name: "A"}, engine.WorkspaceInput{Name: "W"})
	if err != nil {
		t.Fatal(err)
	}
	admin := engine.Actor{UserID: u.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	work, err := newWork(st, e, quiet, clock)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := wireApprovals(ctx, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	app, _ := e.CreateApp(ctx, admin, engine.AppInput{Name: "审批"})
	def := form.Definition{Fields: []form.Field{{Key: "title", Type: "text", Label: "标题"}}}
	f, err := e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "报价", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PublishVersion(ctx, admin, f.ID, f.Version, def, nil, nil); err != nil {
		t.Fatal(err)
	}
	design := workflow.FlowDesign{
		Nodes: []workflow.Node{{ID: "start", Kind: workflow.KindStart, Name: "发起"},
			{ID: "ok", Kind: workflow.KindApprover, Name: "审批", Assignees: []workflow.Assignee{{Kind: workflow.AssignUsers, Users: []string{u.ID}}},
				Due: &workflow.Due{After: "1h", Action: workflow.DueAutoApprove}},
			{ID: "end", Kind: workflow.KindEnd, Name: "结束"}},
		Edges: []workflow.Edge{{ID: "e1", From: "start", To: "ok"}, {ID: "e2", From: "ok", To: "end"}},
	}
	fl, err := svc.CreateFlow(ctx, admin, f.ID, workflow.FlowInput{Name: "自动", StartOnCreate: true, Draft: design})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, admin, fl.ID); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = work.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			work.Kick()
			time.Sleep(2 * time.Millisecond)
		}
	}
	rec, err := e.CreateRecord(ctx, admin, f.ID, map[string]any{"title": "q"}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	status := func(rec string) string {
		list, err := svc.RecordInstances(ctx, admin, f.ID, rec)
		if err != nil || len(list) == 0 {
			return ""
		}
		return list[0].Status
	}
	waitFor("the start on create", func() bool { return status(rec.ID) == workflow.StatusRunning })
	clock.Set(clock.Now().Add(time.Hour))
	waitFor("the auto-approve due time", func() bool { return status(rec.ID) == workflow.StatusApproved })

	// the automation action
	act, ok := e.Actions().Lookup(workflow.ActionStartFlow)
	if !ok {
		t.Fatal("workflow.start is not registered")
	}
	if err := act.Check(ctx, admin, map[string]any{"flow": "nosuch"}); err == nil {
		t.Fatal("check accepts an unknown flow")
	}
	rec2, _ := e.CreateRecord(ctx, admin, f.ID, map[string]any{"title": "q2"}, engine.WriteOptions{SkipAutomations: true})
	waitFor("the start on create of the second record", func() bool { return status(rec2.ID) == workflow.StatusRunning })
	if _, err := svc.Withdraw(ctx, admin, mustInstance(t, svc, admin, f.ID, rec2.ID), ""); err != nil {
		t.Fatal(err)
	}
	a := admin
	a.Source = engine.SourceAutomation
	run := engine.ActionRun{Actor: a, Config: map[string]any{"flow": fl.ID}, Form: f.ID, Record: rec2.ID, Key: "auto1.ev1.0"}
	for i := 0; i < 2; i++ { // a retried run finds its instance
		if _, err := act.Run(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := svc.RecordInstances(ctx, admin, f.ID, rec2.ID)
	if len(list) != 2 || list[0].Status != workflow.StatusRunning {
		t.Fatalf("instances after the action: %+v", list)
	}
}

func mustInstance(t *testing.T, svc *workflow.Approvals, a engine.Actor, form, rec string) string {
	t.Helper()
	list, err := svc.RecordInstances(context.Background(), a, form, rec)
	if err != nil || len(list) == 0 {
		t.Fatal(err)
	}
	return list[0].ID
}
