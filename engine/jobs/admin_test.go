package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestAdminReadsConsumersQueuesAndDeadLettersByWorkspace(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	clock := store.NewManualClock(t0)
	s := openStore(t, clock)
	ctx := context.Background()
	r := New(s, Options{Logger: quiet, Clock: clock, Owner: "here", Sleep: func(context.Context, time.Duration) error { return nil }})
	var mu sync.Mutex
	calls := map[string]int{}
	r.ObserveHandlers(func(consumer string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if d < 0 {
			t.Errorf("negative duration %s", d)
		}
		if err != nil {
			calls[consumer+" failed"]++
		} else {
			calls[consumer+" ok"]++
		}
	})
	if err := r.Register(Consumer{Name: "hooks", MaxAttempts: 2, Concurrency: 1, Handle: func(_ context.Context, d Delivery) error {
		if d.Event.DocID == "bad" && d.Attempt <= 2 {
			return errors.New("endpoint answered 500")
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []store.Event{
		{Type: "record.created", Workspace: "w1", Collection: "deals", DocID: "bad"},
		{Type: "record.created", Workspace: "w2", Collection: "deals", DocID: "good"},
	} {
		if _, err := s.Commit(ctx, store.UnitOfWork{Events: []store.Event{e}}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(90 * time.Second)

	// Before the runtime starts: no checkpoint, both events waiting.
	cs, err := r.Consumers(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Consumers = %+v, %v", cs, err)
	}
	if c := cs[0]; c.Name != "hooks" || c.State != StateIdle || c.Position != 0 || c.LagEvents != 2 || c.LagCapped || c.LagSeconds != 90 {
		t.Errorf("before start %+v, want idle at 0 with 2 events lagging 90 s", c)
	}

	r.WatchQueue("timers", "timers")
	if err := s.Enqueue(ctx, store.QueueItem{ID: "t1", Queue: "timers", DueAt: t0}, store.QueueItem{ID: "t2", Queue: "timers", DueAt: t0}); err != nil {
		t.Fatal(err)
	}
	qs, err := r.Queues(ctx)
	if err != nil || len(qs) != 1 || qs[0] != (QueueInfo{Name: "timers", Depth: 2}) {
		t.Errorf("Queues = %+v, %v, want timers with depth 2", qs, err)
	}

	start(t, r)
	waitFor(t, "a dead letter and a handled event", func() bool {
		st := r.Stats()["hooks"]
		return st.DeadLetters == 1 && st.Handled == 1 && st.Position == 2
	})
	cs, err = r.Consumers(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("Consumers = %+v, %v", cs, err)
	}
	if c := cs[0]; c.State != StateRunning || c.Owner != "here" || c.Position != 2 || c.LagEvents != 0 || c.LagSeconds != 0 ||
		c.DeadLetters != 1 || c.Handled != 1 || c.Failures != 2 {
		t.Errorf("caught up %+v, want running here at 2, no lag, 1 dead letter, 1 handled, 2 failures", c)
	}
	mu.Lock()
	if calls["hooks ok"] != 1 || calls["hooks failed"] != 2 {
		t.Errorf("observed %v, want 1 ok and 2 failed calls", calls)
	}
	mu.Unlock()

	mine, err := r.WorkspaceDeadLetters(ctx, "w1", 10)
	if err != nil || len(mine) != 1 || mine[0].Event.Workspace != "w1" || mine[0].LastError != "endpoint answered 500" {
		t.Fatalf("WorkspaceDeadLetters(w1) = %+v, %v", mine, err)
	}
	if other, err := r.WorkspaceDeadLetters(ctx, "w2", 10); err != nil || len(other) != 0 {
		t.Errorf("WorkspaceDeadLetters(w2) = %+v, %v, want none", other, err)
	}
	dl, err := r.DeadLetter(ctx, mine[0].ID)
	if err != nil || dl.Event.DocID != "bad" || dl.Attempts != 2 {
		t.Errorf("DeadLetter = %+v, %v", dl, err)
	}
	if _, err := r.DeadLetter(ctx, "hooks.nothing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeadLetter of a missing id = %v, want ErrNotFound", err)
	}
	// The retry is attempt 3, which the handler accepts.
	if err := r.RetryDeadLetter(ctx, dl.ID); err != nil {
		t.Fatalf("RetryDeadLetter: %v", err)
	}
	cs, _ = r.Consumers(ctx)
	if cs[0].DeadLetters != 0 {
		t.Errorf("after the retry %d dead letters, want 0", cs[0].DeadLetters)
	}
}
