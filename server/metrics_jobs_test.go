package server

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestJobsMetrics(t *testing.T) {
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for range 3 {
		if _, err := st.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", DocID: "a"}}}); err != nil {
			t.Fatal(err)
		}
	}
	rt := jobs.New(st, jobs.Options{})
	if err := rt.Register(jobs.Consumer{Name: "audit", Handle: func(context.Context, jobs.Delivery) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	rt.WatchQueue("timers")
	if err := st.Enqueue(ctx, store.QueueItem{ID: "t1", Queue: "timers", DueAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics()
	m.WatchJobs(rt, st)
	// Before it runs: position 0, three events of lag.
	if v := gathered(t, m, "formloom_jobs_lag_events", "audit"); v != 3 {
		t.Fatalf("lag before running = %v, want 3", v)
	}
	if v := gathered(t, m, "formloom_jobs_lag_seconds", "audit"); v < 0 {
		t.Errorf("lag in seconds before running = %v, want a non-negative age", v)
	}
	if v := gatheredLabel(t, m, "formloom_jobs_queue_depth", "queue", "timers"); v != 1 {
		t.Errorf("queue depth = %v, want 1", v)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = rt.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	// Wait until the stored checkpoint has passed the events too: it is
	// saved after the batch, so it can trail the handled counter.
	caughtUp := func() bool {
		infos, err := rt.Consumers(ctx)
		return err == nil && len(infos) == 1 && infos[0].LagEvents == 0
	}
	for rt.Stats()["audit"].Handled < 3 || !caughtUp() {
		if time.Now().After(deadline) {
			t.Fatal("consumer did not catch up")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if v := gathered(t, m, "formloom_jobs_handled_total", "audit"); v != 3 {
		t.Errorf("handled = %v, want 3", v)
	}
	if v := gathered(t, m, "formloom_jobs_running", "audit"); v != 1 {
		t.Errorf("running = %v, want 1", v)
	}
	if v := gathered(t, m, "formloom_jobs_lag_seconds", "audit"); v != 0 {
		t.Errorf("lag in seconds when caught up = %v, want 0", v)
	}
	if n := histogramCount(t, m, "formloom_jobs_handler_duration_seconds", "audit"); n != 3 {
		t.Errorf("handler duration observations = %d, want 3", n)
	}
}

// gathered returns the value of metric name for consumer, or -1.
func gathered(t *testing.T, m *Metrics, name, consumer string) float64 {
	return gatheredLabel(t, m, name, "consumer", consumer)
}

// histogramCount returns how many observations the histogram name holds for consumer.
func histogramCount(t *testing.T, m *Metrics, name, consumer string) uint64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "consumer" && l.GetValue() == consumer {
					n += mt.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return n
}

// gatheredLabel returns the value of metric name whose label is value, or -1.
func gatheredLabel(t *testing.T, m *Metrics, name, label, value string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					if mt.GetGauge() != nil {
						return mt.GetGauge().GetValue()
					}
					return mt.GetCounter().GetValue()
				}
			}
		}
	}
	return -1
}

// TestTimerMetrics: the delayed-work counters (TimerStats) and the stored
// dead tasks are at /metrics.
func TestTimerMetrics(t *testing.T) {
	clock := store.NewManualClock(time.Date(2026, 3, 7, 0, 0, 30, 0, time.UTC))
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	rt := jobs.New(st, jobs.Options{Clock: clock, Poll: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, j := range []jobs.Job{
		{Name: "ok", Handle: func(context.Context, jobs.Task) error { return nil }},
		{Name: "bad", MaxAttempts: 1, Handle: func(context.Context, jobs.Task) error { panic("boom") }},
	} {
		if err := rt.RegisterJob(j); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.AddSchedule(jobs.Schedule{Name: "minutely", Cron: "* * * * *", TimeZone: "UTC", Job: "ok"}); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics()
	m.WatchJobs(rt, st)
	if v := gatheredLabel(t, m, "formloom_jobs_tasks_total", "outcome", "ran"); v != 0 {
		t.Fatalf("ran before running = %v, want 0", v)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = rt.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	for _, job := range []string{"ok", "bad"} {
		if _, err := rt.Plan(ctx, jobs.Timer{Job: job, Workspace: "w1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rt.Plan(ctx, jobs.Timer{ID: "gone", Job: "ok", DueAt: clock.Now().Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := rt.Cancel(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	wait := func(what string, cond func(jobs.TimerStats) bool) {
		t.Helper()
		for !cond(rt.TimerStats()) {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s: %+v", what, rt.TimerStats())
			}
			rt.Kick()
			time.Sleep(2 * time.Millisecond)
		}
	}
	wait("a run and a dead task", func(s jobs.TimerStats) bool { return s.Ran == 1 && s.DeadLetters == 1 })
	// Both are acked (only the cancelled timer's item is left) before the
	// clock passes their lease, so neither is handed out again.
	wait("the acks", func(jobs.TimerStats) bool { d, err := st.Depth(ctx, jobs.QueueTimers); return err == nil && d == 1 })
	clock.Advance(time.Minute) // the schedule's tick at 00:01 and the cancelled timer fall due
	wait("the tick and the stale timer", func(s jobs.TimerStats) bool { return s.Fired == 1 && s.Ran == 2 && s.Stale == 1 })
	// The counters move before the items are acked: wait for the acks too.
	wait("the last acks", func(jobs.TimerStats) bool { d, err := st.Depth(ctx, jobs.QueueTimers); return err == nil && d == 0 })
	for outcome, want := range map[string]float64{"ran": 2, "failed": 1, "dead_letter": 1, "panic": 1, "stale": 1} {
		if v := gatheredLabel(t, m, "formloom_jobs_tasks_total", "outcome", outcome); v != want {
			t.Errorf("formloom_jobs_tasks_total{outcome=%q} = %v, want %v", outcome, v, want)
		}
	}
	if v := gatheredLabel(t, m, "formloom_jobs_schedule_ticks_total", "outcome", "fired"); v != 1 {
		t.Errorf("fired ticks = %v, want 1", v)
	}
	if v := gatheredLabel(t, m, "formloom_jobs_schedule_ticks_total", "outcome", "skipped"); v != 0 {
		t.Errorf("skipped ticks = %v, want 0", v)
	}
	if v := gatheredPlain(t, m, "formloom_jobs_task_dead_letters_stored"); v != 1 {
		t.Errorf("stored dead tasks = %v, want 1", v)
	}
	if v := gatheredPlain(t, m, "formloom_jobs_task_lease_renewals_total"); v != 0 {
		t.Errorf("lease renewals = %v, want 0 (no task ran a third of its lease)", v)
	}
	if v := gatheredLabel(t, m, "formloom_jobs_queue_depth", "queue", jobs.QueueTimers); v != 0 {
		t.Errorf("timer queue depth = %v, want 0", v)
	}
}

// gatheredPlain returns the value of the unlabelled metric name, or -1.
func gatheredPlain(t *testing.T, m *Metrics, name string) float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name || len(f.GetMetric()) != 1 {
			continue
		}
		mt := f.GetMetric()[0]
		if mt.GetGauge() != nil {
			return mt.GetGauge().GetValue()
		}
		return mt.GetCounter().GetValue()
	}
	return -1
}
