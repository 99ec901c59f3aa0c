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
