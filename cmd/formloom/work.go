package main

import (
	"log/slog"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// newWork builds serve's background-work runtime: over the raw store
// (whose commit notifications wake the consumers), on clock (nil: the
// system clock), with the engine's workspaces and their time zones for
// schedules that run on each workspace's calendar. The product's
// consumers, jobs and schedules register here; so do the test-only ones
// the environment asks for.
func newWork(raw store.Store, e *engine.Engine, log *slog.Logger, clock store.Clock) (*jobs.Runtime, error) {
	work := jobs.New(raw, testJobOptions(jobs.Options{Logger: log, Clock: clock, Workspaces: e.WorkspaceZones}))
	if err := registerTestConsumers(work, log); err != nil {
		return nil, err
	}
	if err := registerTestSchedules(work, log); err != nil {
		return nil, err
	}
	return work, nil
}
