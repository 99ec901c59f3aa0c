package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// syncBuffer is a log sink the runtime's goroutines write to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeRunsWorkspaceSchedules: serve's runtime (newWork) runs the
// registered schedules, each workspace's on its own time zone, and a tick
// fires once. The test-only schedule stands in for the product's.
func TestServeRunsWorkspaceSchedules(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := store.NewManualClock(time.Date(2026, 3, 7, 0, 30, 0, 0, time.UTC))
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
	_, sh, err := e.Setup(ctx, engine.UserInput{Email: "a@example.com", Name: "A"}, engine.WorkspaceInput{Name: "上海", TimeZone: "Asia/Shanghai", Language: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}

	off, err := newWork(st, e, quiet, clock)
	if err != nil {
		t.Fatal(err)
	}
	if qs, err := off.Queues(ctx); err != nil || len(qs) != 0 {
		t.Fatalf("without %s: queues %v, %v, want no job registered", envTestSchedule, qs, err)
	}

	t.Setenv(envTestSchedule, "0 9 * * *")
	var logs syncBuffer
	work, err := newWork(st, e, slog.New(slog.NewTextHandler(&logs, nil)), clock)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = work.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	// pass kicks the runtime and waits for a timer pass at the clock's reading.
	pass := func() {
		t.Helper()
		now := clock.Now()
		for work.Kick(); work.TimerPass().Before(now); {
			if time.Now().After(deadline) {
				t.Fatalf("no timer pass at %s", now)
			}
			time.Sleep(time.Millisecond)
		}
	}
	pass()
	clock.Set(time.Date(2026, 3, 7, 0, 59, 59, 0, time.UTC))
	pass()
	if s := work.TimerStats(); s.Fired != 0 {
		t.Fatalf("fired %d before 09:00 in Shanghai", s.Fired)
	}
	clock.Set(time.Date(2026, 3, 7, 1, 0, 0, 0, time.UTC)) // 09:00 in Shanghai
	pass()
	for work.TimerStats().Ran < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the schedule did not run: %+v", work.TimerStats())
		}
		time.Sleep(time.Millisecond)
	}
	// Passes within the tick's minute, and at 09:00 UTC, fire nothing more.
	for _, at := range []time.Time{time.Date(2026, 3, 7, 1, 0, 30, 0, time.UTC), time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)} {
		clock.Set(at)
		pass()
	}
	if s := work.TimerStats(); s.Fired != 1 || s.Ran != 1 {
		t.Errorf("stats %+v, want one tick fired and run", s)
	}
	d, err := st.Get(ctx, "jobs_schedules", "test_schedule."+sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Data["last"] != "2026-03-07T01:00:00.000000Z" || d.Data["next"] != "2026-03-08T01:00:00.000000Z" {
		t.Errorf("schedule document %v, want last and next at 09:00 Shanghai time", d.Data)
	}
	if l := logs.String(); strings.Count(l, "test schedule ran") != 1 || !strings.Contains(l, "workspace="+sh.ID) || !strings.Contains(l, "tick=2026-03-07T01:00:00Z") {
		t.Errorf("logs:\n%s\nwant one run of the workspace's 09:00 tick", l)
	}
}
