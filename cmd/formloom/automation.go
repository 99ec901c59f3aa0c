package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/jobs"
)

// wireAutomations builds the automation service on the background-work
// runtime: its outbox consumer (record-triggered automations and alert
// auto-resolve), the date-relative and cron timers (schedules and their
// silence scans), alert escalation and the daily cleanup of old runs all
// register on work, so they run wherever work runs. Capabilities wired
// before or after (approvals' and webhooks' actions) are found on the
// engine's action registry when a design is compiled.
func wireAutomations(ctx context.Context, e *engine.Engine, work *jobs.Runtime, log *slog.Logger) (*automation.Service, error) {
	svc, err := automation.New(ctx, e, work, automation.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("automations: %w", err)
	}
	return svc, nil
}
