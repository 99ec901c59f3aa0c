package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/formloom/formloom/engine/jobs"
)

// Test-only background work for the e2e suite's dead-letter journey.
const (
	// envTestFailingConsumer, set to 1, registers failingConsumer and
	// shortens the runtime's retry backoff. Never set it in production.
	envTestFailingConsumer = "FORMLOOM_TEST_FAILING_CONSUMER"
	// failMarker is the field value that makes failingConsumer fail.
	failMarker = "FAIL-ME"
	// failingAttempts is failingConsumer's MaxAttempts.
	failingAttempts = 3
)

// testJobOptions shortens the backoff when the test consumer is on, so a
// failing event becomes a dead letter at once.
func testJobOptions(opts jobs.Options) jobs.Options {
	if os.Getenv(envTestFailingConsumer) == "1" {
		opts.BackoffBase, opts.BackoffMax = 5*time.Millisecond, 20*time.Millisecond
	}
	return opts
}

// registerTestConsumers registers failingConsumer when the test-only
// environment variable asks for it. The consumer fails every one of its
// failingAttempts deliveries of a record.created or record.updated event
// whose record holds a field equal to failMarker, so the event becomes a
// dead letter; an admin's retry (attempt failingAttempts+1) succeeds.
func registerTestConsumers(rt *jobs.Runtime, log *slog.Logger) error {
	if os.Getenv(envTestFailingConsumer) != "1" {
		return nil
	}
	log.Warn("test-only failing consumer registered; unset " + envTestFailingConsumer + " outside tests")
	return rt.Register(jobs.Consumer{Name: "test_failing", Types: []string{"record.created", "record.updated"},
		MaxAttempts: failingAttempts, Concurrency: 1,
		Handle: func(_ context.Context, d jobs.Delivery) error {
			data, _ := d.Event.Payload["data"].(map[string]any)
			for _, v := range data {
				if v == failMarker && d.Attempt <= failingAttempts {
					return errors.New("test consumer: the record holds " + failMarker)
				}
			}
			return nil
		}})
}

// envTestSchedule, set to a cron expression, registers a workspace
// schedule "test_schedule" with that expression, evaluated in each
// workspace's time zone, whose job logs each run. Never set it in production.
const envTestSchedule = "FORMLOOM_TEST_SCHEDULE"

// registerTestSchedules registers the test-only workspace schedule when
// the environment asks for it.
func registerTestSchedules(rt *jobs.Runtime, log *slog.Logger) error {
	expr := os.Getenv(envTestSchedule)
	if expr == "" {
		return nil
	}
	log.Warn("test-only schedule registered; unset "+envTestSchedule+" outside tests", "cron", expr)
	if err := rt.RegisterJob(jobs.Job{Name: "test_schedule", Handle: func(_ context.Context, t jobs.Task) error {
		log.Info("test schedule ran", "workspace", t.Workspace, "tick", t.Tick.UTC().Format(time.RFC3339), "late", t.Late)
		return nil
	}}); err != nil {
		return err
	}
	return rt.AddWorkspaceSchedule(jobs.Schedule{Name: "test_schedule", Cron: expr, Job: "test_schedule"})
}
