package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/workflow"
)

// wireApprovals builds the approval-flow service and wires it: the
// RecordWriting hook (per-node field permissions), the "workflow.start"
// automation action, a consumer that starts start-on-create flows from
// record.created events, and the job that runs due times on work's
// timers.
func wireApprovals(ctx context.Context, e *engine.Engine, work *jobs.Runtime, log *slog.Logger) (*workflow.Approvals, error) {
	svc, err := workflow.NewApprovals(ctx, e, workflow.ApprovalOptions{Timers: jobTimers{work}, Logger: log})
	if err != nil {
		return nil, err
	}
	svc.Bind()
	if err := e.Actions().Register(svc.StartAction()); err != nil {
		return nil, err
	}
	if err := work.Register(jobs.Consumer{Name: "approvals_start", Types: []string{string(engine.EventRecordCreated)},
		Handle: func(ctx context.Context, d jobs.Delivery) error {
			return svc.OnRecordCreated(ctx, d.Event.Workspace, d.Event.ID, d.Event.At, d.Event.Payload)
		}}); err != nil {
		return nil, fmt.Errorf("approvals consumer: %w", err)
	}
	if err := work.RegisterJob(jobs.Job{Name: workflow.DueJob, Handle: func(ctx context.Context, t jobs.Task) error {
		return svc.HandleDue(ctx, t.Payload)
	}}); err != nil {
		return nil, fmt.Errorf("approvals due job: %w", err)
	}
	return svc, nil
}

// jobTimers plans approval due times as engine/jobs timers.
type jobTimers struct{ r *jobs.Runtime }

// Plan plans (or re-plans) the due-time timer id.
func (j jobTimers) Plan(ctx context.Context, id string, due time.Time, ws string, payload map[string]any) error {
	_, err := j.r.Plan(ctx, jobs.Timer{ID: id, Job: workflow.DueJob, DueAt: due, Key: id, Workspace: ws, Payload: payload})
	return err
}

// Cancel cancels the due-time timer id.
func (j jobTimers) Cancel(ctx context.Context, id string) error { return j.r.Cancel(ctx, id) }
