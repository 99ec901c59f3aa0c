package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Names of the timer queue and of the documents behind it.
const (
	// QueueTimers holds every one-off job, timer and schedule tick.
	QueueTimers         = "jobs_timers"
	collTimers          = "jobs_timers"
	collTaskDeadLetters = "jobs_task_dead_letters"
)

// Task is one run of a job handed to its handler.
type Task struct {
	// ID is the queue item's id; it is the idempotency key of the run.
	ID string
	// Job names the handler.
	Job string
	// Workspace is the workspace the work belongs to ("" for instance-wide
	// work); its admins see the task's dead letter.
	Workspace string
	// Key is the ordering key the task was planned with.
	Key string
	// Timer is the timer's id, empty for a one-off job or a schedule tick.
	Timer string
	// Schedule and Tick name the schedule and the due time of its tick.
	Schedule string
	Tick     time.Time
	// Late says a schedule tick fired after its grace (a catch-up after downtime).
	Late bool
	// DueAt is when the run was due; Attempt counts from 1 across processes.
	DueAt   time.Time
	Attempt int
	// Payload is what the job was planned with.
	Payload map[string]any
}

// JobHandler runs one task; an error (or a panic) means retry. The context
// ends when the runtime stops or the task's lease is lost.
type JobHandler func(ctx context.Context, t Task) error

// Job is a named handler of delayed work, registered in code at start-up.
type Job struct {
	// Name is a valid store key (for example "approval_due").
	Name string
	// Handle runs each task at least once.
	Handle JobHandler
	// MaxAttempts before a task becomes a dead letter; 0 means 8.
	MaxAttempts int
}

// Timer is delayed work that can be re-planned or cancelled by its ID.
type Timer struct {
	// ID names the timer (for example "approval.<record id>"); planning an
	// existing ID re-plans it. Empty makes a one-off job that cannot be re-planned.
	ID string
	// Job is the registered job that runs it.
	Job string
	// DueAt is when it runs; zero means now.
	DueAt time.Time
	// Key orders work: tasks of one key never run at once and run in due order.
	Key string
	// Workspace names the workspace the work belongs to; empty means
	// instance-wide work, whose dead letters no workspace admin sees.
	Workspace string
	// Payload is handed to the handler.
	Payload map[string]any
}

// TimerStats are the counters of delayed work since start.
type TimerStats struct {
	// Ran, Failures, DeadLetters and Panics count handler runs.
	Ran, Failures, DeadLetters, Panics int64
	// Stale counts queue items of re-planned or cancelled timers, dropped unrun.
	Stale int64
	// Renewals counts lease renewals of running tasks.
	Renewals int64
	// Fired and Skipped count schedule ticks this process claimed.
	Fired, Skipped int64
}

// timerState is the runtime's delayed-work part.
type timerState struct {
	jobs      map[string]*Job
	schedules map[string]*schedule
	// wsSchedules run once per workspace; instances are their per-workspace
	// schedules by name, zones the last list of workspaces (schedule_workspace.go).
	wsSchedules map[string]*schedule
	instances   map[string]*schedule
	zones       map[string]*time.Location
	zonesAt     time.Time
	stats       TimerStats
	// passedAt is the clock reading at the start of the last finished
	// pass: every item due by then was claimed unless the task pool was
	// full, and every schedule tick due by then was (tests wait on it).
	passedAt time.Time
}

func (r *Runtime) tstat(f func(*TimerStats)) {
	r.mu.Lock()
	f(&r.timers.stats)
	r.mu.Unlock()
}

// TimerStats returns a copy of the delayed-work counters.
func (r *Runtime) TimerStats() TimerStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.timers.stats
}

// TimerPass returns the clock reading at the start of the last finished
// pass of the timer loop: every task and schedule tick due by then has been
// claimed (unless the task pool was full). Tests wait on it after moving a
// manual clock.
func (r *Runtime) TimerPass() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.timers.passedAt
}

// RegisterJob adds a job handler; call it before Run.
func (r *Runtime) RegisterJob(j Job) error {
	if err := store.ValidateCollection(j.Name); err != nil {
		return fmt.Errorf("jobs: job name: %w", err)
	}
	if j.Handle == nil {
		return fmt.Errorf("%w: jobs: job %s has no handler", store.ErrInvalidInput, j.Name)
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 8
	}
	r.mu.Lock()
	if r.timers.jobs == nil {
		r.timers.jobs = map[string]*Job{}
	}
	if _, ok := r.timers.jobs[j.Name]; ok {
		r.mu.Unlock()
		return fmt.Errorf("%w: jobs: job %s registered twice", store.ErrDuplicate, j.Name)
	}
	r.timers.jobs[j.Name] = &j
	r.mu.Unlock()
	r.WatchQueue(QueueTimers) // its depth shows on the admin screen and in the metrics
	return nil
}

func (r *Runtime) job(name string) *Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.timers.jobs[name]
}

// itemID names the queue item of one plan of a timer: the timer's id and a
// fresh token, so a re-plan never collides with the item it replaces.
func itemID(timer, token string) string { return timer + "~" + token }

// Plan enqueues a one-off job (t.ID empty) or plans a timer: a new ID
// creates it, an existing one re-plans it (new due time and payload; the
// earlier plan is dropped unrun when it falls due). It returns the timer's
// or job's id.
func (r *Runtime) Plan(ctx context.Context, t Timer) (string, error) {
	if err := store.ValidateCollection(t.Job); err != nil {
		return "", fmt.Errorf("jobs: job name: %w", err)
	}
	if t.DueAt.IsZero() {
		t.DueAt = r.clock.Now()
	}
	t.DueAt = t.DueAt.UTC()
	payload := map[string]any{"job": t.Job, "data": t.Payload}
	if t.Workspace != "" {
		payload["workspace"] = t.Workspace
	}
	if t.ID == "" {
		item := store.QueueItem{Queue: QueueTimers, ID: store.NewID(), Key: t.Key, DueAt: t.DueAt, Payload: payload}
		if err := r.st.Enqueue(ctx, item); err != nil {
			return "", fmt.Errorf("jobs: enqueue %s: %w", t.Job, err)
		}
		r.noteDue(t.DueAt)
		return item.ID, nil
	}
	if err := store.ValidateID(itemID(t.ID, store.NewID())); err != nil {
		return "", fmt.Errorf("jobs: timer id: %w", err)
	}
	for range 5 {
		token := store.NewID()
		payload["timer"], payload["token"] = t.ID, token
		item := store.QueueItem{Queue: QueueTimers, ID: itemID(t.ID, token), Key: t.Key, DueAt: t.DueAt, Payload: payload}
		w := store.Write{Op: store.OpInsert, Collection: collTimers, Doc: store.Document{ID: t.ID, Data: map[string]any{
			"job": t.Job, "due": store.FormatTime(t.DueAt), "token": token, "key": t.Key,
		}}}
		d, err := r.st.Get(ctx, collTimers, t.ID)
		switch {
		case err == nil:
			w.Op, w.ExpectVersion = store.OpUpdate, d.Version
		case !errors.Is(err, store.ErrNotFound):
			return "", fmt.Errorf("jobs: read timer %s: %w", t.ID, err)
		}
		err = r.commitWithItem(ctx, w, item)
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrDuplicate) || errors.Is(err, store.ErrNotFound) {
			continue // planned, run or cancelled meanwhile: plan on top of that
		}
		if err != nil {
			return "", fmt.Errorf("jobs: plan timer %s: %w", t.ID, err)
		}
		r.noteDue(t.DueAt)
		return t.ID, nil
	}
	return "", fmt.Errorf("%w: jobs: timer %s is re-planned concurrently", store.ErrConflict, t.ID)
}

// commitWithItem writes w and enqueues item in one unit where the store has
// transactions. Otherwise the write goes first: an item is never claimed
// before the timer document that makes it current (it would be dropped as
// stale); a crash between the two leaves a timer without an item, which a
// new Plan of its id repairs.
func (r *Runtime) commitWithItem(ctx context.Context, w store.Write, item store.QueueItem) error {
	if r.st.Capabilities().Transactions {
		_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}, Enqueue: []store.QueueItem{item}})
		return err
	}
	if _, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}}); err != nil {
		return err
	}
	return r.st.Enqueue(ctx, item)
}

// Cancel cancels a timer; its queue item is dropped unrun when it falls due.
// Cancelling a timer that does not exist (any more) is not an error.
func (r *Runtime) Cancel(ctx context.Context, id string) error {
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: collTimers, Doc: store.Document{ID: id},
	}}})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("jobs: cancel timer %s: %w", id, err)
	}
	return nil
}

// PlannedTimer is a timer as stored.
type PlannedTimer struct {
	ID, Job, Key string
	DueAt        time.Time
}

// GetTimer returns a planned timer; ErrNotFound if it ran or was cancelled.
func (r *Runtime) GetTimer(ctx context.Context, id string) (PlannedTimer, error) {
	d, err := r.st.Get(ctx, collTimers, id)
	if err != nil {
		return PlannedTimer{}, fmt.Errorf("jobs: timer %s: %w", id, err)
	}
	s := func(k string) string { v, _ := d.Data[k].(string); return v }
	due, _ := store.ParseTime(s("due"))
	return PlannedTimer{ID: id, Job: s("job"), Key: s("key"), DueAt: due}, nil
}

// noteDue remembers the earliest due time planned by this process, so the
// timer loop wakes for it without polling.
func (r *Runtime) noteDue(t time.Time) {
	r.mu.Lock()
	if r.nextDue.IsZero() || t.Before(r.nextDue) {
		r.nextDue = t
	}
	r.mu.Unlock()
	r.Kick()
}
