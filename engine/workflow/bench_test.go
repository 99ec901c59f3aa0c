package workflow_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// records makes n records of form as a.
func (ev *env) records(form string, a engine.Actor, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = ev.record(form, a, map[string]any{"title": fmt.Sprintf("r%d", i), "discount": 0.15}).ID
	}
	return ids
}

func p99(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[(len(ds)*99)/100].Microseconds()) / 1000
}

// BenchmarkStart starts an instance (a condition, then an approver with
// two assignees) on a record: reads, graph walk, one unit of work.
func BenchmarkStart(b *testing.B) {
	ev := newSQLiteEnv(b)
	form := ev.form()
	rep, a, c := ev.member("rep"), ev.member("a"), ev.member("c")
	d := twoStep(a.UserID, c.UserID)
	d.Nodes[1].Assignees = users(a.UserID, c.UserID)
	f := ev.flow(form, d, "")
	recs := ev.records(form, rep, b.N)
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := ev.s.Start(ev.ctx, rep, f.ID, workflow.StartInput{Record: recs[i]}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.ReportMetric(p99(ds), "p99-ms")
}

// BenchmarkDecide approves a task of a two-step flow: the decision, the
// node passing and the next node's task, committed in one unit of work.
func BenchmarkDecide(b *testing.B) {
	ev := newSQLiteEnv(b)
	form := ev.form()
	rep, a, c := ev.member("rep"), ev.member("a"), ev.member("c")
	f := ev.flow(form, twoStep(a.UserID, c.UserID), "")
	tasks := make([]string, b.N)
	for i, r := range ev.records(form, rep, b.N) {
		in, err := ev.s.Start(ev.ctx, rep, f.ID, workflow.StartInput{Record: r})
		if err != nil {
			b.Fatal(err)
		}
		tasks[i] = in.Tasks[0].ID
	}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := ev.s.Act(ev.ctx, a, tasks[i], workflow.ActionApprove, workflow.ActInput{Comment: "同意"}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.ReportMetric(p99(ds), "p99-ms")
}

// BenchmarkInbox reads the first page (50) of the to-do box and the
// counts of a user with 10,000 open tasks, among 20,000 of two users.
func BenchmarkInbox(b *testing.B) {
	ev := newSQLiteEnv(b)
	form := ev.form()
	rep, a, c := ev.member("rep"), ev.member("a"), ev.member("c")
	// A parallel split into 100 approvers gives 100 tasks per start.
	d := workflow.FlowDesign{Nodes: []workflow.Node{{ID: "start", Kind: workflow.KindStart, Name: "s"},
		{ID: "split", Kind: workflow.KindParallel, Name: "p", Join: "join"}, {ID: "join", Kind: workflow.KindJoin, Name: "j"},
		{ID: "end", Kind: workflow.KindEnd, Name: "e"}},
		Edges: []workflow.Edge{{ID: "e0", From: "start", To: "split"}, {ID: "e1", From: "join", To: "end"}}}
	for i := 0; i < 100; i++ {
		id := fmt.Sprintf("n%d", i)
		d.Nodes = append(d.Nodes, workflow.Node{ID: id, Kind: workflow.KindApprover, Name: id, Assignees: users(a.UserID, c.UserID)})
		d.Edges = append(d.Edges, workflow.Edge{ID: "a" + id, From: "split", To: id}, workflow.Edge{ID: "b" + id, From: id, To: "join"})
	}
	f := ev.flow(form, d, "")
	for _, r := range ev.records(form, rep, 100) {
		if _, err := ev.s.Start(ev.ctx, rep, f.ID, workflow.StartInput{Record: r}); err != nil {
			b.Fatal(err)
		}
	}
	if n, _ := ev.s.Counts(ev.ctx, a); n.Todo != 10000 {
		b.Fatalf("todo %d", n.Todo)
	}
	b.Run("page", func(b *testing.B) {
		ds := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			p, err := ev.s.Inbox(ev.ctx, a, workflow.BoxTodo, "", 50)
			if err != nil || len(p.Tasks) != 50 {
				b.Fatal(err, len(p.Tasks))
			}
			ds = append(ds, time.Since(t0))
		}
		b.ReportMetric(p99(ds), "p99-ms")
	})
	b.Run("counts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := ev.s.Counts(ev.ctx, a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
