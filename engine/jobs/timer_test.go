package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// taskLog records the tasks a job handler ran.
type taskLog struct {
	mu    sync.Mutex
	tasks []Task
	fail  error
}

func (l *taskLog) handle(_ context.Context, t Task) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tasks = append(l.tasks, t)
	return l.fail
}

func (l *taskLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tasks)
}

func (l *taskLog) list() []Task {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Task(nil), l.tasks...)
}

func (l *taskLog) setFail(err error) {
	l.mu.Lock()
	l.fail = err
	l.mu.Unlock()
}

// timerRuntime returns a runtime with job "remind" handled by log.
func timerRuntime(t *testing.T, s store.Store, clock store.Clock, owner string, log *taskLog, opts Options) *Runtime {
	t.Helper()
	opts.Owner, opts.Clock, opts.Logger = owner, clock, quiet
	if opts.Poll == 0 {
		opts.Poll = time.Hour // tests wake the runtime with Kick
	}
	r := New(s, opts)
	if err := r.RegisterJob(Job{Name: "remind", Handle: log.handle, MaxAttempts: 3}); err != nil {
		t.Fatal(err)
	}
	return r
}

// pass kicks r and waits for a pass that started at or after the clock's
// reading now: every item due by then has been claimed.
func pass(t *testing.T, r *Runtime, clock store.Clock) {
	t.Helper()
	now := clock.Now()
	r.Kick()
	waitFor(t, "a timer pass at "+now.String(), func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return !r.timers.passedAt.Before(now)
	})
}

// drain waits until the queue holds want items: the tasks that ran are
// acked, so moving the clock past their lease cannot hand them out again.
func drain(t *testing.T, s store.Store, want int64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("the timer queue to hold %d items", want), func() bool { return depth(t, s) == want })
}

func depth(t *testing.T, s store.Store) int64 {
	t.Helper()
	n, err := s.Depth(context.Background(), QueueTimers)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTimerFiresAtDueTimeNotBefore(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	log := &taskLog{}
	r := timerRuntime(t, s, clock, "p1", log, Options{})
	start(t, r)
	if _, err := r.Plan(ctx, Timer{ID: "approval.r1", Job: "remind", DueAt: t0.Add(2 * time.Hour), Payload: map[string]any{"record": "r1"}}); err != nil {
		t.Fatal(err)
	}
	oneOff, err := r.Plan(ctx, Timer{Job: "remind", DueAt: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	pass(t, r, clock)
	clock.Advance(time.Hour - time.Second)
	pass(t, r, clock)
	if n := log.count(); n != 0 {
		t.Fatalf("%d tasks ran a second before the first was due", n)
	}
	clock.Advance(time.Second)
	pass(t, r, clock)
	waitFor(t, "the one-off job", func() bool { return log.count() == 1 })
	drain(t, s, 1)
	if got := log.list()[0]; got.ID != oneOff || got.Timer != "" || got.Attempt != 1 || !got.DueAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("one-off task = %+v, want id %s, attempt 1, due at +1h", got, oneOff)
	}
	clock.Advance(time.Hour - time.Second)
	pass(t, r, clock)
	if n := log.count(); n != 1 {
		t.Fatalf("%d tasks ran before the timer was due, want 1", n)
	}
	clock.Advance(time.Second)
	pass(t, r, clock)
	waitFor(t, "the timer", func() bool { return log.count() == 2 })
	got := log.list()[1]
	if got.Timer != "approval.r1" || got.Job != "remind" || got.Payload["record"] != "r1" {
		t.Errorf("timer task = %+v, want timer approval.r1 with its payload", got)
	}
	waitFor(t, "the queue to empty", func() bool { return depth(t, s) == 0 })
	if _, err := r.GetTimer(ctx, "approval.r1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetTimer after the run = %v, want ErrNotFound", err)
	}
}

func TestTimerReplanAndCancel(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { testTimerReplanAndCancel(t, b) })
	}
}

func testTimerReplanAndCancel(t *testing.T, b backend) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := b.open(t, clock)
	log := &taskLog{}
	r := timerRuntime(t, s, clock, "p1", log, Options{})
	start(t, r)
	plan := func(id string, due time.Duration, v int) {
		t.Helper()
		if _, err := r.Plan(ctx, Timer{ID: id, Job: "remind", DueAt: t0.Add(due), Payload: map[string]any{"v": v}}); err != nil {
			t.Fatal(err)
		}
	}
	plan("close.d1", time.Hour, 1)
	plan("close.d1", 3*time.Hour, 2) // the close date moved
	plan("close.d2", time.Hour, 1)
	if err := r.Cancel(ctx, "close.d2"); err != nil { // the deal was deleted
		t.Fatal(err)
	}
	if err := r.Cancel(ctx, "close.d2"); err != nil {
		t.Errorf("second Cancel = %v, want nil", err)
	}
	pt, err := r.GetTimer(ctx, "close.d1")
	if err != nil || !pt.DueAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("GetTimer = %+v, %v, want due at +3h", pt, err)
	}
	clock.Advance(2 * time.Hour)
	pass(t, r, clock)
	waitFor(t, "the stale plans to be dropped", func() bool { return r.TimerStats().Stale == 2 })
	if n := log.count(); n != 0 {
		t.Fatalf("%d tasks ran for a re-planned and a cancelled timer", n)
	}
	waitFor(t, "the stale items to be acked, leaving the re-planned timer", func() bool { return depth(t, s) == 1 })
	clock.Advance(time.Hour)
	pass(t, r, clock)
	waitFor(t, "the re-planned timer", func() bool { return log.count() == 1 })
	drain(t, s, 0)
	if v := log.list()[0].Payload["v"]; v != float64(2) {
		t.Errorf("re-planned timer ran with v=%v, want 2", v)
	}
	// Re-planning a timer that already ran plans it anew.
	plan("close.d1", 4*time.Hour, 3)
	clock.Advance(time.Hour)
	pass(t, r, clock)
	waitFor(t, "the timer planned again", func() bool { return log.count() == 2 })
	if _, err := r.Plan(ctx, Timer{ID: "bad id", Job: "remind"}); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("Plan with a bad id = %v, want ErrInvalidInput", err)
	}
	if _, err := r.Plan(ctx, Timer{Job: "No Such"}); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("Plan with a bad job name = %v, want ErrInvalidInput", err)
	}
}

func TestTaskRetryBackoffAndDeadLetter(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	log := &taskLog{fail: errors.New("smtp down")}
	r := timerRuntime(t, s, clock, "p1", log, Options{BackoffBase: 10 * time.Second, BackoffMax: 10 * time.Second})
	start(t, r)
	if _, err := r.Plan(ctx, Timer{ID: "mail.1", Job: "remind", Payload: map[string]any{"to": "a@example.com"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first attempt", func() bool { return r.TimerStats().Failures == 1 })
	// The backoff is between 5 s and 10 s (the upper half jittered).
	clock.Advance(5*time.Second - time.Microsecond)
	pass(t, r, clock)
	if n := log.count(); n != 1 {
		t.Fatalf("%d attempts before the backoff ended, want 1", n)
	}
	for attempt := 2; attempt <= 3; attempt++ {
		if attempt == 2 {
			clock.Advance(5*time.Second + time.Microsecond) // 10 s since the failure
		} else {
			clock.Advance(10 * time.Second)
		}
		pass(t, r, clock)
		waitFor(t, fmt.Sprintf("attempt %d", attempt), func() bool { return r.TimerStats().Failures == int64(attempt) })
	}
	waitFor(t, "the dead letter", func() bool { return r.TimerStats().DeadLetters == 1 })
	for i, tk := range log.list() {
		if tk.Attempt != i+1 {
			t.Errorf("run %d had attempt %d", i+1, tk.Attempt)
		}
	}
	waitFor(t, "the queue to empty", func() bool { return depth(t, s) == 0 })
	dls, err := r.TaskDeadLetters(ctx, "remind", 10)
	if err != nil || len(dls) != 1 {
		t.Fatalf("TaskDeadLetters = %v, %v, want one", dls, err)
	}
	dl := dls[0]
	if dl.LastError != "smtp down" || dl.Task.Attempt != 3 || dl.Task.Timer != "mail.1" || dl.Task.Payload["to"] != "a@example.com" {
		t.Errorf("dead letter = %+v", dl)
	}
	clock.Advance(time.Hour)
	pass(t, r, clock)
	if n := log.count(); n != 3 {
		t.Errorf("%d runs after the dead letter, want 3", n)
	}
	log.setFail(nil)
	if err := r.RetryTaskDeadLetter(ctx, dl.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retried dead letter", func() bool { return r.TimerStats().Ran == 1 })
	if got := log.list()[3]; got.Payload["to"] != "a@example.com" || got.Attempt != 1 {
		t.Errorf("retried task = %+v", got)
	}
	if dls, _ := r.TaskDeadLetters(ctx, "", 10); len(dls) != 0 {
		t.Errorf("dead letters after the retry: %v", dls)
	}
	if err := r.DiscardTaskDeadLetter(ctx, dl.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("discard of a retried dead letter = %v, want ErrNotFound", err)
	}
}

func TestTaskPanicAndUnknownJob(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	r := New(s, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour})
	var calls int
	var mu sync.Mutex
	if err := r.RegisterJob(Job{Name: "boom", MaxAttempts: 1, Handle: func(context.Context, Task) error {
		mu.Lock()
		calls++
		mu.Unlock()
		panic("nil map")
	}}); err != nil {
		t.Fatal(err)
	}
	if err := r.RegisterJob(Job{Name: "boom", Handle: func(context.Context, Task) error { return nil }}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("second RegisterJob = %v, want ErrDuplicate", err)
	}
	start(t, r)
	if _, err := r.Plan(ctx, Timer{Job: "boom"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Plan(ctx, Timer{Job: "elsewhere"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the panic to become a dead letter", func() bool { return r.TimerStats().DeadLetters == 1 })
	if st := r.TimerStats(); st.Panics != 1 {
		t.Errorf("Panics = %d, want 1", st.Panics)
	}
	// A job no handler of this process knows is retried, not lost.
	waitFor(t, "the unknown job's failure", func() bool { return r.TimerStats().Failures == 2 })
	waitFor(t, "the dead letter's item to be acked, leaving the unknown job for its retry", func() bool { return depth(t, s) == 1 })
}

func TestTaskLeaseRenewedWhileRunning(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	started := make(chan struct{})
	release := make(chan struct{})
	r := New(s, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour, Lease: 30 * time.Second, Renew: time.Millisecond})
	if err := r.RegisterJob(Job{Name: "slow", Handle: func(context.Context, Task) error {
		close(started)
		<-release
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	start(t, r)
	if _, err := r.Plan(ctx, Timer{ID: "export.1", Job: "slow"}); err != nil {
		t.Fatal(err)
	}
	<-started
	for range 2 {
		before := r.TimerStats().Renewals
		clock.Advance(20 * time.Second)
		waitFor(t, "two renewals after the clock moved", func() bool { return r.TimerStats().Renewals >= before+2 })
	}
	// 40 s after the claim, past the first lease: still held.
	if it, err := s.Claim(ctx, QueueTimers, "intruder", time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another process claimed the running task: %+v, %v", it, err)
	}
	close(release)
	waitFor(t, "the task to finish", func() bool { return r.TimerStats().Ran == 1 && depth(t, s) == 0 })
}

func TestShutdownReleasesRunningTask(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	started := make(chan struct{}, 1)
	r := New(s, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour})
	if err := r.RegisterJob(Job{Name: "slow", Handle: func(ctx context.Context, _ Task) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, r)
	if _, err := r.Plan(ctx, Timer{ID: "export.2", Job: "slow"}); err != nil {
		t.Fatal(err)
	}
	<-started
	stop()
	// Released at once, not after its lease: another process takes it now.
	it, err := s.Claim(ctx, QueueTimers, "p2", time.Minute)
	if err != nil || it.ID == "" || it.Attempts != 2 {
		t.Fatalf("claim after shutdown = %+v, %v, want the task at attempt 2", it, err)
	}
	if st := r.TimerStats(); st.Failures != 0 || st.DeadLetters != 0 {
		t.Errorf("shutdown counted as a failure: %+v", st)
	}
}

func TestSchedulesTickWhileTheTaskPoolIsFull(t *testing.T) {
	clock := store.NewManualClock(utc("2026-03-07T00:00:30Z"))
	st := openStore(t, clock)
	release := make(chan struct{})
	var slow sync.WaitGroup
	slow.Add(timerConcurrency)
	r := New(st, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour, Lease: time.Hour})
	log := &taskLog{}
	if err := r.RegisterJob(Job{Name: "slow", Handle: func(ctx context.Context, _ Task) error {
		slow.Done()
		<-release
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if err := r.RegisterJob(Job{Name: "report", Handle: log.handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddSchedule(Schedule{Name: "minutely", Cron: "* * * * *", TimeZone: "UTC", Job: "report"}); err != nil {
		t.Fatal(err)
	}
	start(t, r)
	defer close(release)
	for range timerConcurrency {
		if _, err := r.Plan(context.Background(), Timer{Job: "slow"}); err != nil {
			t.Fatal(err)
		}
	}
	slow.Wait()
	clock.Set(utc("2026-03-07T00:01:00Z"))
	pass(t, r, clock)
	if got := r.TimerStats().Fired; got != 1 {
		t.Errorf("Fired = %d with the pool full, want 1 (the tick is claimed; its task waits for room)", got)
	}
}

func TestTaskOfAKilledProcessIsTakenOver(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	log := &taskLog{}
	r := timerRuntime(t, s, clock, "p2", log, Options{})
	if _, err := r.Plan(ctx, Timer{ID: "due.1", Job: "remind"}); err != nil {
		t.Fatal(err)
	}
	// A process claims it and dies without acking.
	if it, err := s.Claim(ctx, QueueTimers, "p1-killed", 30*time.Second); err != nil || it.Attempts != 1 {
		t.Fatalf("claim = %+v, %v", it, err)
	}
	start(t, r)
	pass(t, r, clock)
	if n := log.count(); n != 0 {
		t.Fatalf("ran %d tasks while the dead process's lease holds", n)
	}
	clock.Advance(31 * time.Second)
	pass(t, r, clock)
	waitFor(t, "the takeover", func() bool { return log.count() == 1 })
	if got := log.list()[0]; got.Attempt != 2 || got.Timer != "due.1" {
		t.Errorf("taken-over task = %+v, want attempt 2 of due.1", got)
	}
}

func TestTaskHandlersAreObserved(t *testing.T) {
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	log := &taskLog{fail: errors.New("nope")}
	r := timerRuntime(t, s, clock, "p1", log, Options{})
	var mu sync.Mutex
	var seen []string
	r.ObserveHandlers(func(name string, _ time.Duration, err error) {
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %v", name, err))
		mu.Unlock()
	})
	start(t, r)
	if _, err := r.Plan(context.Background(), Timer{Job: "remind"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the observed failure", func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 1 })
	if seen[0] != "job:remind nope" {
		t.Errorf("observed %q, want the job's name and error", seen[0])
	}
	qs, err := r.Queues(context.Background())
	if err != nil || len(qs) != 1 || qs[0].Name != QueueTimers {
		t.Errorf("Queues = %+v, %v, want the timer queue watched", qs, err)
	}
}
