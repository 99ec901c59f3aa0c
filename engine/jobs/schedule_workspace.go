package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// WorkspaceZones lists every workspace of the instance with its time zone
// (cmd passes the engine's); Options.Workspaces takes one.
type WorkspaceZones func(ctx context.Context) (map[string]*time.Location, error)

// zonesTTL bounds how long a pass trusts the last list of workspaces: a
// new workspace, or a changed time zone, is ticked within it.
const zonesTTL = 5 * time.Second

// AddWorkspaceSchedule registers a schedule that runs once per workspace,
// on each workspace's own calendar: its cron expression is evaluated in the
// workspace's time zone (from Options.Workspaces, read again every few
// seconds), and each tick's task carries the workspace. Every workspace's
// next due time is its own document, claimed like any schedule's, so a tick
// fires once per workspace across all processes; a changed time zone
// re-plans that workspace's next run from now. Schedule.TimeZone and
// Schedule.Workspace must be empty. Call it before Run, after RegisterJob.
func (r *Runtime) AddWorkspaceSchedule(s Schedule) error {
	if r.opts.Workspaces == nil {
		return fmt.Errorf("%w: jobs: workspace schedule %s needs Options.Workspaces", store.ErrInvalidInput, s.Name)
	}
	if s.TimeZone != "" || s.Workspace != "" {
		return &ScheduleError{Field: "time_zone", Code: CodeScheduleTimeZone, Detail: "a workspace schedule runs in each workspace's own time zone; leave it empty"}
	}
	// Checked as an ordinary schedule in UTC; the zone is the workspace's at run time.
	s.TimeZone = "UTC"
	sc, err := r.compileSchedule(s)
	if err != nil {
		return err
	}
	sc.TimeZone = ""
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timers.wsSchedules == nil {
		r.timers.wsSchedules = map[string]*schedule{}
	}
	if _, ok := r.timers.wsSchedules[s.Name]; ok {
		return fmt.Errorf("%w: jobs: workspace schedule %s added twice", store.ErrDuplicate, s.Name)
	}
	r.timers.wsSchedules[s.Name] = sc
	return nil
}

// workspaceInstances returns one schedule per (workspace schedule,
// workspace): named "<schedule>.<workspace>", in the workspace's zone.
func (r *Runtime) workspaceInstances(ctx context.Context) []*schedule {
	r.mu.Lock()
	n := len(r.timers.wsSchedules)
	r.mu.Unlock()
	if n == 0 {
		return nil
	}
	zones, err := r.zones(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("could not list the workspaces for their schedules", "error", err)
		}
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.timers.instances == nil {
		r.timers.instances = map[string]*schedule{}
	}
	out := make([]*schedule, 0, n*len(zones))
	for _, ws := range r.timers.wsSchedules {
		for id, loc := range zones {
			name := ws.Name + "." + id
			inst := r.timers.instances[name]
			if inst == nil || inst.loc.String() != loc.String() {
				cp := ws.Schedule
				cp.Name, cp.TimeZone, cp.Workspace = name, loc.String(), id
				inst = &schedule{Schedule: cp, cron: ws.cron, loc: loc}
				r.timers.instances[name] = inst
			}
			out = append(out, inst)
		}
	}
	return out
}

// zones returns the workspaces' time zones, read at most every zonesTTL
// (by the wall clock: it bounds reads, not due times).
func (r *Runtime) zones(ctx context.Context) (map[string]*time.Location, error) {
	r.mu.Lock()
	z, at := r.timers.zones, r.timers.zonesAt
	r.mu.Unlock()
	if z != nil && time.Since(at) < zonesTTL {
		return z, nil
	}
	z, err := r.opts.Workspaces(ctx)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.timers.zones, r.timers.zonesAt = z, time.Now()
	r.mu.Unlock()
	return z, nil
}
