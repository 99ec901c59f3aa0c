package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// tickSchedules fires every schedule that is due and returns the earliest
// next due time (zero if there is no schedule).
func (r *Runtime) tickSchedules(ctx context.Context) time.Time {
	r.mu.Lock()
	ss := make([]*schedule, 0, len(r.timers.schedules))
	for _, s := range r.timers.schedules {
		ss = append(ss, s)
	}
	r.mu.Unlock()
	ss = append(ss, r.workspaceInstances(ctx)...)
	var earliest time.Time
	for _, s := range ss {
		next, err := r.tickSchedule(ctx, s)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("schedule tick failed", "schedule", s.Name, "error", err)
			}
			continue
		}
		if earliest.IsZero() || next.Before(earliest) {
			earliest = next
		}
	}
	return earliest
}

// spec identifies the expression and zone a schedule document was planned
// with, so that a changed schedule is re-planned from now.
func (s *schedule) spec() string { return s.Cron + " @ " + s.TimeZone }

// tickSchedule claims the schedule's due tick, if any, with a compare-and-set
// on its document, and enqueues the tick's task with it. The new next time
// is the first tick after now, so ticks missed during downtime collapse into
// one (fired late under MissedCatchUpOnce, dropped under MissedSkip).
func (r *Runtime) tickSchedule(ctx context.Context, s *schedule) (time.Time, error) {
	for range 3 {
		now := r.clock.Now().UTC()
		d, err := r.st.Get(ctx, collSchedules, s.Name)
		if errors.Is(err, store.ErrNotFound) {
			next := s.next(now)
			_, err = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
				Op: store.OpInsert, Collection: collSchedules,
				Doc: store.Document{ID: s.Name, Data: map[string]any{"spec": s.spec(), "next": store.FormatTime(next), "last": ""}},
			}}})
			if errors.Is(err, store.ErrDuplicate) {
				continue
			}
			if err != nil {
				return time.Time{}, fmt.Errorf("jobs: create schedule %s: %w", s.Name, err)
			}
			return next, nil
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("jobs: read schedule %s: %w", s.Name, err)
		}
		nextS, _ := d.Data["next"].(string)
		due, perr := store.ParseTime(nextS)
		w := store.Write{Op: store.OpUpdate, Collection: collSchedules, ExpectVersion: d.Version,
			Doc: store.Document{ID: s.Name, Data: map[string]any{"spec": s.spec(), "next": store.FormatTime(s.next(now)), "last": d.Data["last"]}}}
		if d.Data["spec"] != s.spec() || perr != nil {
			// Planned with another expression or zone: plan again from now.
			_, err = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return time.Time{}, fmt.Errorf("jobs: re-plan schedule %s: %w", s.Name, err)
			}
			return s.next(now), nil
		}
		if now.Before(due) {
			return due, nil
		}
		late := now.Sub(due) > s.Grace
		fire := !late || s.Missed == MissedCatchUpOnce
		w.Doc.Data["last"] = store.FormatTime(due)
		if fire {
			err = r.claimTick(ctx, s, w, due, late, now)
		} else {
			_, err = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}})
		}
		if errors.Is(err, store.ErrConflict) {
			continue // another process claimed this tick
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("jobs: claim tick of %s: %w", s.Name, err)
		}
		log := r.log.With("schedule", s.Name, "tick", store.FormatTime(due))
		if fire {
			r.tstat(func(st *TimerStats) { st.Fired++ })
			log.Info("schedule fired", "late", late)
		} else {
			r.tstat(func(st *TimerStats) { st.Skipped++ })
			log.Info("missed schedule run skipped")
		}
		return s.next(now), nil
	}
	return time.Time{}, fmt.Errorf("%w: jobs: schedule %s changes concurrently", store.ErrConflict, s.Name)
}

// claimTick moves the schedule on (w, a compare-and-set) and enqueues the
// tick's task. With transactions both commit as one unit; without, the
// compare-and-set goes first, so a tick never runs twice (a crash between
// the two loses that one tick).
func (r *Runtime) claimTick(ctx context.Context, s *schedule, w store.Write, tick time.Time, late bool, now time.Time) error {
	item := store.QueueItem{Queue: QueueTimers, ID: "sched~" + s.Name + "~" + strconv.FormatInt(tick.Unix(), 10), DueAt: now,
		Payload: map[string]any{"job": s.Job, "schedule": s.Name, "tick": store.FormatTime(tick), "late": late, "data": s.Payload}}
	if s.Workspace != "" {
		item.Payload["workspace"] = s.Workspace
	}
	if r.st.Capabilities().Transactions {
		_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}, Enqueue: []store.QueueItem{item}})
		return err
	}
	if _, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}}); err != nil {
		return err
	}
	if err := r.st.Enqueue(ctx, item); err != nil && !errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("jobs: enqueue tick of %s (the tick is lost): %w", s.Name, err)
	}
	return nil
}
