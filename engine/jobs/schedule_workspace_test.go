package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// zoneList is a WorkspaceZones that tests change.
type zoneList struct {
	mu    sync.Mutex
	zones map[string]string
}

func (z *zoneList) list(context.Context) (map[string]*time.Location, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	out := map[string]*time.Location{}
	for ws, name := range z.zones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil, err
		}
		out[ws] = loc
	}
	return out, nil
}

func (z *zoneList) set(ws, zone string) {
	z.mu.Lock()
	z.zones[ws] = zone
	z.mu.Unlock()
}

// forgetZones makes the next pass read the workspaces again.
func forgetZones(r *Runtime) {
	r.mu.Lock()
	r.timers.zonesAt = time.Time{}
	r.mu.Unlock()
}

func TestWorkspaceScheduleRunsInEachWorkspacesZone(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { testWorkspaceSchedule(t, b) })
	}
}

func testWorkspaceSchedule(t *testing.T, b backend) {
	clock := store.NewManualClock(utc("2026-03-07T00:30:00Z"))
	s := b.open(t, clock)
	zones := &zoneList{zones: map[string]string{"sh": "Asia/Shanghai", "ny": "America/New_York"}}
	log := &taskLog{}
	r := New(s, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour, Lease: 2 * time.Hour, Workspaces: zones.list})
	if err := r.RegisterJob(Job{Name: "digest", Handle: log.handle}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "0 9 * * *", Job: "digest", Payload: map[string]any{"kind": "daily"}}); err != nil {
		t.Fatal(err)
	}
	start(t, r)
	pass(t, r, clock)
	// 09:00 in Shanghai is 01:00 UTC: Shanghai's tick only.
	clock.Set(utc("2026-03-07T01:00:00Z"))
	pass(t, r, clock)
	waitFor(t, "Shanghai's run", func() bool { return log.count() == 1 })
	got := log.list()[0]
	if got.Workspace != "sh" || got.Schedule != "digest.sh" || !got.Tick.Equal(utc("2026-03-07T01:00:00Z")) || got.Payload["kind"] != "daily" || got.Late {
		t.Errorf("task = %+v, want Shanghai's 09:00 tick", got)
	}
	clock.Set(utc("2026-03-07T13:59:00Z"))
	pass(t, r, clock)
	if n := log.count(); n != 1 {
		t.Fatalf("%d runs before 09:00 in New York, want 1", n)
	}
	// 09:00 in New York (EST, before the clocks go forward) is 14:00 UTC.
	clock.Set(utc("2026-03-07T14:00:00Z"))
	pass(t, r, clock)
	waitFor(t, "New York's run", func() bool { return log.count() == 2 })
	if got := log.list()[1]; got.Workspace != "ny" || !got.Tick.Equal(utc("2026-03-07T14:00:00Z")) {
		t.Errorf("task = %+v, want New York's 09:00 tick", got)
	}
	if st := r.TimerStats(); st.Fired != 2 {
		t.Errorf("Fired = %d, want one tick per workspace", st.Fired)
	}

	// A new workspace and a changed zone are picked up on the next read.
	zones.set("tk", "Asia/Tokyo")
	zones.set("sh", "UTC")
	forgetZones(r)
	clock.Set(utc("2026-03-07T14:00:01Z")) // a new pass, not the one at 14:00
	pass(t, r, clock)                      // re-plans Shanghai-now-UTC from here and plans Tokyo
	clock.Set(utc("2026-03-08T00:00:00Z")) // 09:00 in Tokyo
	pass(t, r, clock)
	waitFor(t, "Tokyo's run", func() bool { return log.count() == 3 })
	if got := log.list()[2]; got.Workspace != "tk" {
		t.Errorf("task = %+v, want Tokyo's", got)
	}
	clock.Set(utc("2026-03-08T01:00:00Z")) // 09:00 in Shanghai, but "sh" is on UTC now
	pass(t, r, clock)
	if n := log.count(); n != 3 {
		t.Fatalf("%d runs: the old zone still fired", n)
	}
	clock.Set(utc("2026-03-08T09:00:00Z"))
	pass(t, r, clock)
	waitFor(t, "the UTC run", func() bool { return log.count() == 4 })
	if got := log.list()[3]; got.Workspace != "sh" || !got.Tick.Equal(utc("2026-03-08T09:00:00Z")) {
		t.Errorf("task = %+v, want sh's 09:00 UTC tick", got)
	}
}

func TestAddWorkspaceScheduleChecks(t *testing.T) {
	noop := func(context.Context, Task) error { return nil }
	r := New(nil, Options{Logger: quiet})
	_ = r.RegisterJob(Job{Name: "digest", Handle: noop})
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "@daily", Job: "digest"}); !errors.Is(err, store.ErrInvalidInput) {
		t.Errorf("without Options.Workspaces = %v, want ErrInvalidInput", err)
	}
	r = New(nil, Options{Logger: quiet, Workspaces: (&zoneList{}).list})
	_ = r.RegisterJob(Job{Name: "digest", Handle: noop})
	var se *ScheduleError
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "@daily", TimeZone: "UTC", Job: "digest"}); !errors.As(err, &se) || se.Field != "time_zone" {
		t.Errorf("with a time zone = %v, want a time_zone error", err)
	}
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "61 * * * *", Job: "digest"}); !errors.As(err, &se) || se.Field != "cron" {
		t.Errorf("bad cron = %v, want a cron error", err)
	}
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "@daily", Job: "nope"}); !errors.As(err, &se) || se.Field != "job" {
		t.Errorf("unknown job = %v, want a job error", err)
	}
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "@daily", Job: "digest"}); err != nil {
		t.Fatal(err)
	}
	if err := r.AddWorkspaceSchedule(Schedule{Name: "digest", Cron: "@daily", Job: "digest"}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("added twice = %v, want ErrDuplicate", err)
	}
}
