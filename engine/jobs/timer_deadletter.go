package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// TaskDeadLetter is a task that failed MaxAttempts times. It is kept until
// an admin retries or discards it.
type TaskDeadLetter struct {
	ID        string
	Task      Task
	LastError string
	FailedAt  string
}

func (r *Runtime) taskDeadLetter(ctx context.Context, t Task, cause error) error {
	data := map[string]any{
		"job": t.Job, "timer": t.Timer, "schedule": t.Schedule, "payload": t.Payload, "attempts": t.Attempt,
		"workspace": t.Workspace, "key": t.Key,
		"due": store.FormatTime(t.DueAt), "last_error": cause.Error(), "failed_at": store.FormatTime(r.clock.Now().UTC()),
	}
	if !t.Tick.IsZero() {
		data["tick"] = store.FormatTime(t.Tick)
	}
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpInsert, Collection: collTaskDeadLetters, Doc: store.Document{ID: t.ID, Data: data},
	}}})
	if err != nil && !errors.Is(err, store.ErrDuplicate) { // a rerun after a crash finds it stored
		return fmt.Errorf("jobs: store task dead letter: %w", err)
	}
	return nil
}

func decodeTaskDeadLetter(d store.Document) TaskDeadLetter {
	s := func(k string) string { v, _ := d.Data[k].(string); return v }
	n, _ := d.Data["attempts"].(float64)
	payload, _ := d.Data["payload"].(map[string]any)
	t := Task{ID: d.ID, Job: s("job"), Workspace: s("workspace"), Key: s("key"), Timer: s("timer"), Schedule: s("schedule"), Attempt: int(n), Payload: payload}
	t.DueAt, _ = store.ParseTime(s("due"))
	if v := s("tick"); v != "" {
		t.Tick, _ = store.ParseTime(v)
	}
	return TaskDeadLetter{ID: d.ID, Task: t, LastError: s("last_error"), FailedAt: s("failed_at")}
}

// TaskDeadLetters lists up to limit dead tasks, of one job or of all ("").
func (r *Runtime) TaskDeadLetters(ctx context.Context, job string, limit int) ([]TaskDeadLetter, error) {
	q := store.Query{Limit: limit}
	if job != "" {
		q.Filter = &store.Filter{Field: "job", Op: store.OpEq, Value: job}
	}
	p, err := r.st.Find(ctx, collTaskDeadLetters, q)
	if err != nil {
		return nil, fmt.Errorf("jobs: list task dead letters: %w", err)
	}
	out := make([]TaskDeadLetter, len(p.Docs))
	for i, d := range p.Docs {
		out[i] = decodeTaskDeadLetter(d)
	}
	return out, nil
}

// TaskDeadLetter returns one dead task; store.ErrNotFound if there is none.
func (r *Runtime) TaskDeadLetter(ctx context.Context, id string) (TaskDeadLetter, error) {
	d, err := r.st.Get(ctx, collTaskDeadLetters, id)
	if err != nil {
		return TaskDeadLetter{}, fmt.Errorf("jobs: task dead letter %s: %w", id, err)
	}
	return decodeTaskDeadLetter(d), nil
}

// WorkspaceTaskDeadLetters lists up to limit dead tasks of one workspace,
// newest failure first. Instance-wide tasks (no workspace) are in no list.
func (r *Runtime) WorkspaceTaskDeadLetters(ctx context.Context, workspace string, limit int) ([]TaskDeadLetter, error) {
	p, err := r.st.Find(ctx, collTaskDeadLetters, store.Query{Limit: limit,
		Filter: &store.Filter{Field: "workspace", Op: store.OpEq, Value: workspace},
		Sort:   []store.SortKey{{Field: "failed_at", Desc: true}}})
	if err != nil {
		return nil, fmt.Errorf("jobs: list task dead letters: %w", err)
	}
	out := make([]TaskDeadLetter, len(p.Docs))
	for i, d := range p.Docs {
		out[i] = decodeTaskDeadLetter(d)
	}
	return out, nil
}

// RetryTaskDeadLetter enqueues the dead task again as a one-off job due now
// (with fresh attempts) and deletes the dead letter, in one unit where the
// store has transactions.
func (r *Runtime) RetryTaskDeadLetter(ctx context.Context, id string) error {
	d, err := r.st.Get(ctx, collTaskDeadLetters, id)
	if err != nil {
		return fmt.Errorf("jobs: task dead letter %s: %w", id, err)
	}
	dl := decodeTaskDeadLetter(d)
	payload := map[string]any{"job": dl.Task.Job, "data": dl.Task.Payload}
	if dl.Task.Workspace != "" {
		payload["workspace"] = dl.Task.Workspace
	}
	if dl.Task.Schedule != "" {
		payload["schedule"] = dl.Task.Schedule
		payload["tick"] = store.FormatTime(dl.Task.Tick)
	}
	item := store.QueueItem{Queue: QueueTimers, ID: "retry~" + store.NewID(), Key: dl.Task.Key, DueAt: r.clock.Now(), Payload: payload}
	w := store.Write{Op: store.OpHardDelete, Collection: collTaskDeadLetters, ExpectVersion: d.Version, Doc: store.Document{ID: id}}
	var err2 error
	if r.st.Capabilities().Transactions {
		_, err2 = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}, Enqueue: []store.QueueItem{item}})
	} else if err2 = r.st.Enqueue(ctx, item); err2 == nil {
		// The item first: a crash between the two keeps the dead letter
		// (a second retry may run the task twice, never zero times).
		_, err2 = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{w}})
	}
	if err2 != nil {
		return fmt.Errorf("jobs: retry task dead letter %s: %w", id, err2)
	}
	r.noteDue(item.DueAt)
	return nil
}

// DiscardTaskDeadLetter deletes a dead task for good.
func (r *Runtime) DiscardTaskDeadLetter(ctx context.Context, id string) error {
	_, err := r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpHardDelete, Collection: collTaskDeadLetters, Doc: store.Document{ID: id},
	}}})
	if err != nil {
		return fmt.Errorf("jobs: discard task dead letter %s: %w", id, err)
	}
	return nil
}
