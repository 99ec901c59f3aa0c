package main

import (
	"context"
	"log/slog"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
)

// wireIdempotency schedules the daily purge of expired Idempotency-Keys
// (record creates, docs/api.md) on the runtime.
func wireIdempotency(e *engine.Engine, work *jobs.Runtime, log *slog.Logger) error {
	err := work.RegisterJob(jobs.Job{Name: "api_idempotency_purge", Handle: func(ctx context.Context, _ jobs.Task) error {
		n, err := e.PurgeIdempotencyKeys(ctx)
		if n > 0 {
			log.Info("expired idempotency keys purged", "removed", n)
		}
		return err
	}})
	if err != nil {
		return err
	}
	return work.AddSchedule(jobs.Schedule{Name: "api_idempotency_purge", Cron: "41 3 * * *", TimeZone: "UTC", Job: "api_idempotency_purge"})
}
