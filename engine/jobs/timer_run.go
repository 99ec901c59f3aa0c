package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// timerConcurrency bounds the tasks one process runs at once.
const timerConcurrency = 4

// hasTimerWork says whether Run needs the timer loop.
func (r *Runtime) hasTimerWork() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.timers.jobs) > 0 || len(r.timers.schedules) > 0 || len(r.timers.wsSchedules) > 0
}

// runTimers claims due tasks and schedule ticks until ctx ends, then waits
// for the tasks in flight (which see ctx end and are released for retry).
func (r *Runtime) runTimers(ctx context.Context, wake <-chan struct{}) {
	sem := make(chan struct{}, timerConcurrency)
	freed := make(chan struct{}, 1) // a task finished: there is room again
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		passStart := r.clock.Now()
		next := r.tickSchedules(ctx)
		for ctx.Err() == nil {
			// Never block on a full pool: schedules keep ticking while
			// long tasks run, and a finished task wakes the loop.
			room := false
			select {
			case sem <- struct{}{}:
				room = true
			default:
			}
			if !room {
				break
			}
			it, err := r.st.Claim(ctx, QueueTimers, r.opts.Owner, r.opts.Lease)
			if err != nil {
				<-sem
				if !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil {
					r.log.Warn("could not claim a timer", "error", err)
				}
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					<-sem
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
				r.runTask(ctx, it)
			}()
		}
		// Wake on a signal (Plan, Kick, the poll), when a task finishes,
		// or at the earliest due time this process knows of; a known due
		// time still ahead is kept for the passes until it is reached.
		r.mu.Lock()
		if !r.nextDue.IsZero() && (next.IsZero() || r.nextDue.Before(next)) {
			next = r.nextDue
		}
		if !r.nextDue.After(passStart) {
			r.nextDue = time.Time{}
		}
		r.timers.passedAt = passStart
		r.mu.Unlock()
		var due <-chan time.Time
		var tm *time.Timer
		if !next.IsZero() {
			tm = time.NewTimer(max(next.Sub(r.clock.Now()), time.Millisecond))
			due = tm.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-freed:
		case <-due:
		}
		if tm != nil {
			tm.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// runTask runs one claimed queue item: it drops a stale timer, runs the
// handler while renewing the lease, then acks, retries with backoff, or
// stores a dead letter.
func (r *Runtime) runTask(ctx context.Context, it store.QueueItem) {
	bg := context.WithoutCancel(ctx)
	t := Task{ID: it.ID, DueAt: it.DueAt, Attempt: it.Attempts}
	t.Job, _ = it.Payload["job"].(string)
	t.Workspace, _ = it.Payload["workspace"].(string)
	t.Key = it.Key
	t.Timer, _ = it.Payload["timer"].(string)
	t.Schedule, _ = it.Payload["schedule"].(string)
	if s, _ := it.Payload["tick"].(string); s != "" {
		t.Tick, _ = store.ParseTime(s)
	}
	t.Late, _ = it.Payload["late"].(bool)
	t.Payload, _ = it.Payload["data"].(map[string]any)
	log := r.log.With("job", t.Job, "task", t.ID, "attempt", t.Attempt, "workspace", t.Workspace)
	var timerDoc store.Document
	if t.Timer != "" {
		d, err := r.st.Get(ctx, collTimers, t.Timer)
		token, _ := it.Payload["token"].(string)
		if errors.Is(err, store.ErrNotFound) || (err == nil && d.Data["token"] != token) {
			r.tstat(func(s *TimerStats) { s.Stale++ })
			log.Debug("timer was re-planned or cancelled; dropped")
			r.ackTask(bg, it, log)
			return
		}
		if err != nil {
			r.releaseTask(bg, it, r.clock.Now(), log)
			return
		}
		timerDoc = d
	}
	j := r.job(t.Job)
	var herr error
	if j == nil {
		herr = fmt.Errorf("jobs: job %q is not registered in this process", t.Job)
	} else {
		herr = r.callRenewing(ctx, j, t, it)
	}
	if herr == nil {
		r.tstat(func(s *TimerStats) { s.Ran++ })
		log.Debug("task ran")
		r.finishTimer(bg, timerDoc, log)
		r.ackTask(bg, it, log)
		return
	}
	if ctx.Err() != nil {
		// Stopping: release the task so another process runs it now.
		r.releaseTask(bg, it, r.clock.Now(), log)
		return
	}
	// Failures is counted once the task is released or dead, so a
	// reader that sees the count sees the task's new due time too.
	defer r.tstat(func(s *TimerStats) { s.Failures++ })
	max := 8
	if j != nil {
		max = j.MaxAttempts
	}
	if t.Attempt >= max {
		log.Error("task failed for the last time: dead letter", "error", herr)
		if err := r.taskDeadLetter(bg, t, herr); err != nil {
			log.Error("could not store the dead letter; the task is retried", "error", err)
			r.releaseTask(bg, it, r.clock.Now().Add(r.backoff(t.Attempt)), log)
			return
		}
		r.finishTimer(bg, timerDoc, log)
		r.ackTask(bg, it, log)
		// Counted once the item is gone, so whoever waits on the count sees
		// the task finished (moving the clock then cannot hand it out again).
		r.tstat(func(s *TimerStats) { s.DeadLetters++ })
		return
	}
	delay := r.backoff(t.Attempt)
	log.Warn("task failed; retrying", "error", herr, "retry_in", delay)
	r.releaseTask(bg, it, r.clock.Now().Add(delay), log)
}

// callRenewing runs the handler and renews the task's lease while it runs;
// a lost lease ends the handler's context.
func (r *Runtime) callRenewing(ctx context.Context, j *Job, t Task, it store.QueueItem) (err error) {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	every := r.opts.Renew
	if every <= 0 {
		every = r.opts.Lease / 3
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				err := r.st.Extend(hctx, it.Queue, it.ID, r.opts.Owner, r.opts.Lease)
				if errors.Is(err, store.ErrConflict) {
					r.log.Warn("lost the lease of a running task; stopping it", "job", t.Job, "task", t.ID)
					cancel()
					return
				}
				if err == nil {
					r.tstat(func(s *TimerStats) { s.Renewals++ })
				}
			}
		}
	}()
	defer func() { close(done); wg.Wait() }()
	// Declared before the recover, so it runs after it and sees a panic's error.
	start := time.Now()
	defer func() { r.observed("job:"+t.Job, time.Since(start), err) }()
	defer func() {
		if p := recover(); p != nil {
			r.tstat(func(s *TimerStats) { s.Panics++ })
			r.log.Error("job handler panicked", "job", t.Job, "task", t.ID, "attempt", t.Attempt,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler panicked: %v", p)
		}
	}()
	return j.Handle(hctx, t)
}

// finishTimer deletes a timer that ran, unless it was re-planned meanwhile.
func (r *Runtime) finishTimer(ctx context.Context, d store.Document, log interface{ Warn(string, ...any) }) {
	if d.ID == "" {
		return
	}
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: collTimers, ExpectVersion: d.Version, Doc: store.Document{ID: d.ID},
	}}})
	if err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		log.Warn("could not delete a finished timer", "error", err)
	}
}

func (r *Runtime) ackTask(ctx context.Context, it store.QueueItem, log interface{ Warn(string, ...any) }) {
	if err := r.st.Ack(ctx, it.Queue, it.ID, r.opts.Owner); err != nil {
		log.Warn("could not ack a task; it runs again when its lease ends", "error", err)
	}
}

func (r *Runtime) releaseTask(ctx context.Context, it store.QueueItem, due time.Time, log interface{ Warn(string, ...any) }) {
	if err := r.st.Retry(ctx, it.Queue, it.ID, r.opts.Owner, due); err != nil {
		log.Warn("could not release a task; it is taken over when its lease ends", "error", err)
		return
	}
	r.noteDue(due)
}
