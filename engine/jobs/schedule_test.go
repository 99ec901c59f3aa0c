package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestParseCronErrors(t *testing.T) {
	tests := []struct {
		name, cron, zone, field, detail string
	}{
		{"empty zone", "0 9 * * *", "", "time_zone", "empty"},
		{"unknown zone", "0 9 * * *", "Mars/Olympus", "time_zone", "Mars/Olympus"},
		{"local is not a zone", "0 9 * * *", "Local", "time_zone", "Local"},
		{"empty expression", " ", "UTC", "cron", "empty"},
		{"too few fields", "0 9 * *", "UTC", "cron", "expected exactly 5 fields"},
		{"out of range", "61 9 * * *", "UTC", "cron", "61"},
		{"zone prefix", "CRON_TZ=Asia/Tokyo 0 9 * * *", "UTC", "cron", "TZ="},
		{"never fires", "0 0 30 2 *", "UTC", "cron", "never fires"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseCron(tc.cron, tc.zone)
			var se *ScheduleError
			if !errors.As(err, &se) || !errors.Is(err, store.ErrInvalidInput) {
				t.Fatalf("ParseCron(%q, %q) = %v, want a *ScheduleError matching ErrInvalidInput", tc.cron, tc.zone, err)
			}
			if se.Field != tc.field || !strings.Contains(se.Detail, tc.detail) {
				t.Errorf("error = %+v, want field %s with %q in the detail", se, tc.field, tc.detail)
			}
			if en, zh := se.Message("en"), se.Message("zh-CN"); en == zh || !strings.Contains(zh, se.Detail) {
				t.Errorf("messages en %q, zh-CN %q", en, zh)
			}
		})
	}
	r := New(nil, Options{Logger: quiet})
	if err := r.AddSchedule(Schedule{Name: "daily", Cron: "@daily", TimeZone: "UTC", Job: "nope"}); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("AddSchedule of an unregistered job = %v", err)
	}
	_ = r.RegisterJob(Job{Name: "report", Handle: func(context.Context, Task) error { return nil }})
	if err := r.AddSchedule(Schedule{Name: "daily", Cron: "@daily", TimeZone: "UTC", Job: "report", Missed: "twice"}); err == nil || !strings.Contains(err.Error(), "missed") {
		t.Errorf("AddSchedule with a bad policy = %v", err)
	}
	if err := r.AddSchedule(Schedule{Name: "Bad Name", Cron: "@daily", TimeZone: "UTC", Job: "report"}); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("AddSchedule with a bad name = %v", err)
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextRunsInTimeZones(t *testing.T) {
	tests := []struct {
		name, cron, zone, after string
		want                    []string
	}{
		{"Shanghai, no DST", "0 9 * * *", "Asia/Shanghai", "2026-03-07T00:00:00Z",
			[]string{"2026-03-07T01:00:00Z", "2026-03-08T01:00:00Z", "2026-03-09T01:00:00Z"}},
		{"L (last day) is not standard cron", "30 23 L * *", "Asia/Shanghai", "2026-01-01T00:00:00Z", nil},
		{"New York, clocks go forward", "0 9 * * *", "America/New_York", "2026-03-07T00:00:00Z",
			[]string{"2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z"}},
		{"New York, clocks go back: 01:30 fires once", "30 1 * * *", "America/New_York", "2026-10-31T00:00:00Z",
			[]string{"2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}},
		{"New York, a wall time that does not exist is skipped", "30 2 * * *", "America/New_York", "2026-03-07T00:00:00Z",
			[]string{"2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"}},
		{"every hour counts elapsed time across the change", "@every 1h", "America/New_York", "2026-11-01T04:30:00Z",
			[]string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NextRuns(tc.cron, tc.zone, utc(tc.after), 3)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("NextRuns(%q) = %v, want an error", tc.cron, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, g := range got {
				s = append(s, g.UTC().Format(time.RFC3339))
			}
			if fmt.Sprint(s) != fmt.Sprint(tc.want) {
				t.Errorf("NextRuns = %v, want %v", s, tc.want)
			}
		})
	}
}

// scheduleRuntime returns a runtime with job "report" recorded by log and
// the schedule s.
func scheduleRuntime(t *testing.T, st store.Store, clock store.Clock, owner string, log *taskLog, s Schedule) *Runtime {
	t.Helper()
	r := New(st, Options{Owner: owner, Clock: clock, Logger: quiet, Poll: time.Hour})
	if err := r.RegisterJob(Job{Name: "report", Handle: log.handle}); err != nil {
		t.Fatal(err)
	}
	s.Job = "report"
	if err := r.AddSchedule(s); err != nil {
		t.Fatal(err)
	}
	return r
}

func ticks(log *taskLog) []string {
	var s []string
	for _, tk := range log.list() {
		s = append(s, tk.Tick.UTC().Format(time.RFC3339))
	}
	return s
}

func TestScheduleFiresAcrossDSTChange(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		from  string
		ticks []string
	}{
		{"Asia/Shanghai", "2026-03-07T00:00:00Z", []string{"2026-03-07T01:00:00Z", "2026-03-08T01:00:00Z", "2026-03-09T01:00:00Z"}},
		{"America/New_York", "2026-03-07T00:00:00Z", []string{"2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z"}},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			clock := store.NewManualClock(utc(tc.from))
			st := openStore(t, clock)
			log := &taskLog{}
			r := scheduleRuntime(t, st, clock, "p1", log, Schedule{Name: "morning", Cron: "0 9 * * *", TimeZone: tc.zone, Payload: map[string]any{"report": "pipeline"}})
			start(t, r)
			pass(t, r, clock)
			for i, tick := range tc.ticks {
				clock.Set(utc(tick).Add(-time.Second))
				pass(t, r, clock)
				if n := log.count(); n != i {
					t.Fatalf("a second before %s: %d runs, want %d", tick, n, i)
				}
				clock.Set(utc(tick))
				pass(t, r, clock)
				waitFor(t, "the run at "+tick, func() bool { return log.count() == i+1 })
				drain(t, st, 0)
			}
			if got := ticks(log); fmt.Sprint(got) != fmt.Sprint(tc.ticks) {
				t.Errorf("ticks = %v, want %v", got, tc.ticks)
			}
			for _, tk := range log.list() {
				if tk.Late || tk.Schedule != "morning" || tk.Payload["report"] != "pipeline" {
					t.Errorf("task = %+v", tk)
				}
			}
		})
	}
}

func TestScheduleMissedRuns(t *testing.T) {
	for _, b := range backends() {
		for _, policy := range []Missed{MissedCatchUpOnce, MissedSkip} {
			t.Run(b.name+"/"+string(policy), func(t *testing.T) { testScheduleMissedRuns(t, b, policy) })
		}
	}
}

func testScheduleMissedRuns(t *testing.T, b backend, policy Missed) {
	clock := store.NewManualClock(utc("2026-03-07T00:30:00Z"))
	st := b.open(t, clock)
	sched := Schedule{Name: "hourly", Cron: "0 * * * *", TimeZone: "Asia/Shanghai", Missed: policy}
	log := &taskLog{}
	r := scheduleRuntime(t, st, clock, "p1", log, sched)
	stop := start(t, r)
	pass(t, r, clock)
	stop()
	// Down for ten hours: ten ticks missed.
	clock.Set(utc("2026-03-07T10:40:00Z"))
	r2 := scheduleRuntime(t, st, clock, "p2", log, sched)
	start(t, r2)
	pass(t, r2, clock)
	want := 0
	if policy == MissedCatchUpOnce {
		want = 1
		waitFor(t, "the catch-up run", func() bool { return log.count() == 1 })
		tk := log.list()[0]
		if !tk.Late || !tk.Tick.Equal(utc("2026-03-07T01:00:00Z")) {
			t.Errorf("catch-up task = %+v, want late, for the first missed tick", tk)
		}
	} else {
		waitFor(t, "the skip", func() bool { return r2.TimerStats().Skipped == 1 })
	}
	pass(t, r2, clock)
	drain(t, st, 0)
	if n := log.count(); n != want {
		t.Fatalf("%d runs after ten missed ticks, want %d", n, want)
	}
	// Then on time again, at the next hour.
	clock.Set(utc("2026-03-07T11:00:00Z"))
	pass(t, r2, clock)
	waitFor(t, "the next tick", func() bool { return log.count() == want+1 })
	if tk := log.list()[want]; tk.Late || !tk.Tick.Equal(utc("2026-03-07T11:00:00Z")) {
		t.Errorf("next task = %+v, want on time at 11:00Z", tk)
	}
}

func TestScheduleChangedExpressionReplans(t *testing.T) {
	clock := store.NewManualClock(utc("2026-03-07T00:30:00Z"))
	st := openStore(t, clock)
	log := &taskLog{}
	r := scheduleRuntime(t, st, clock, "p1", log, Schedule{Name: "digest", Cron: "0 9 * * *", TimeZone: "UTC"})
	stop := start(t, r)
	pass(t, r, clock)
	stop()
	r2 := scheduleRuntime(t, st, clock, "p2", log, Schedule{Name: "digest", Cron: "0 1 * * *", TimeZone: "UTC"})
	start(t, r2)
	pass(t, r2, clock)
	clock.Set(utc("2026-03-07T01:00:00Z"))
	pass(t, r2, clock)
	waitFor(t, "the run at the new time", func() bool { return log.count() == 1 })
	if got := ticks(log); fmt.Sprint(got) != "[2026-03-07T01:00:00Z]" {
		t.Errorf("ticks = %v", got)
	}
}

// TestTwoRuntimesNeverShareWork runs two runtimes on one store: every
// schedule tick fires once and no task runs in both at once.
func TestTwoRuntimesNeverShareWork(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			clock := store.NewManualClock(utc("2026-03-07T00:00:30Z"))
			st := b.open(t, clock)
			if !st.Capabilities().AtomicCAS {
				// Both runtimes share one store object, whose adapter orders
				// its conditional writes within the process, so the case runs;
				// across processes (separate connections) this server would
				// not keep the guarantee, see TestTwoProcessesNeedAtomicCAS.
				t.Log(b.name + " lacks atomic compare-and-set: claims are serialized within this process")
			}
			ctx := context.Background()
			var mu = make(chan struct{}, 1)
			held := map[string]string{}
			runs := map[string]int{}
			var overlap []string
			handler := func(owner string) JobHandler {
				return func(_ context.Context, tk Task) error {
					mu <- struct{}{}
					if h, ok := held[tk.ID]; ok {
						overlap = append(overlap, fmt.Sprintf("%s ran %s while %s held it", owner, tk.ID, h))
					}
					held[tk.ID] = owner
					runs[tk.ID]++
					<-mu
					mu <- struct{}{}
					delete(held, tk.ID)
					<-mu
					return nil
				}
			}
			count := func() int {
				mu <- struct{}{}
				defer func() { <-mu }()
				return len(runs)
			}
			var rs []*Runtime
			for _, owner := range []string{"p1", "p2"} {
				r := New(st, Options{Owner: owner, Clock: clock, Logger: quiet, Poll: time.Hour})
				if err := r.RegisterJob(Job{Name: "work", Handle: handler(owner)}); err != nil {
					t.Fatal(err)
				}
				if err := r.AddSchedule(Schedule{Name: "minutely", Cron: "* * * * *", TimeZone: "Asia/Shanghai", Job: "work"}); err != nil {
					t.Fatal(err)
				}
				rs = append(rs, r)
				start(t, r)
			}
			const jobs, minutes = 30, 8
			var dues []time.Time
			for i := range jobs {
				due := clock.Now().Add(time.Duration(i%minutes) * time.Minute)
				dues = append(dues, due)
				if _, err := rs[i%2].Plan(ctx, Timer{Job: "work", DueAt: due}); err != nil {
					t.Fatal(err)
				}
			}
			// The clock moves only when the due work is done, so no lease
			// expires under a running task (that would be a legitimate takeover).
			settle := func() {
				for _, r := range rs {
					pass(t, r, clock)
				}
				pending := 0
				for _, d := range dues {
					if d.After(clock.Now()) {
						pending++
					}
				}
				waitFor(t, "the due work to finish", func() bool { return depth(t, st) == int64(pending) })
			}
			settle()
			for m := 1; m <= minutes; m++ {
				clock.Set(utc("2026-03-07T00:00:00Z").Add(time.Duration(m) * time.Minute))
				settle()
			}
			waitFor(t, "every task and tick to run", func() bool { return count() == jobs+minutes })
			for _, r := range rs {
				pass(t, r, clock)
			}
			mu <- struct{}{}
			defer func() { <-mu }()
			for _, o := range overlap {
				t.Error(o)
			}
			ticked := 0
			for id, n := range runs {
				if n != 1 {
					t.Errorf("task %s ran %d times", id, n)
				}
				if strings.HasPrefix(id, "sched~") {
					ticked++
				}
			}
			if ticked != minutes {
				t.Errorf("%d schedule ticks ran, want %d (one per minute)", ticked, minutes)
			}
			fired := rs[0].TimerStats().Fired + rs[1].TimerStats().Fired
			if fired != minutes {
				t.Errorf("the runtimes fired %d ticks together, want %d", fired, minutes)
			}
		})
	}
}

// TestTwoProcessesNeedAtomicCAS records where two processes, each with its
// own connection, can share timers and schedules: only on a server with
// atomic compare-and-set (SQLite is one process by its file lock).
func TestTwoProcessesNeedAtomicCAS(t *testing.T) {
	b := backends()[1]
	st := b.open(t, store.NewManualClock(t0))
	if !st.Capabilities().AtomicCAS {
		t.Skip("FerretDB lacks atomic compare-and-set across connections: two processes could both claim one tick or queue item; " +
			"run two processes on MongoDB (a replica set), which has it")
	}
}
