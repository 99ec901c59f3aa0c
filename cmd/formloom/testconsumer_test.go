package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestFailingConsumerOnlyWhenAskedAndRetryable(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()

	off := jobs.New(st, testJobOptions(jobs.Options{Logger: quiet}))
	if err := registerTestConsumers(off, quiet); err != nil || len(off.Stats()) != 0 {
		t.Fatalf("without %s: %v, %d consumers, want none", envTestFailingConsumer, err, len(off.Stats()))
	}

	t.Setenv(envTestFailingConsumer, "1")
	rt := jobs.New(st, testJobOptions(jobs.Options{Logger: quiet, Sleep: func(context.Context, time.Duration) error { return nil }}))
	if err := registerTestConsumers(rt, quiet); err != nil {
		t.Fatal(err)
	}
	for _, company := range []string{"fine", failMarker} {
		if _, err := st.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", Workspace: "w1", Collection: "records", DocID: company,
			Payload: map[string]any{"data": map[string]any{"company": company}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = rt.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	for s := rt.Stats()["test_failing"]; s.DeadLetters < 1 || s.Handled < 1; s = rt.Stats()["test_failing"] {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %+v", s)
		}
		time.Sleep(5 * time.Millisecond)
	}
	dls, err := rt.WorkspaceDeadLetters(ctx, "w1", 10)
	if err != nil || len(dls) != 1 || dls[0].Event.DocID != failMarker || dls[0].Attempts != failingAttempts {
		t.Fatalf("dead letters %+v, %v, want the marked record's after %d attempts", dls, err, failingAttempts)
	}
	if err := rt.RetryDeadLetter(ctx, dls[0].ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
}
