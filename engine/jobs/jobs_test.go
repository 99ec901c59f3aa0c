package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openStore(t testing.TB, clock store.Clock) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// emit commits one event about doc with payload n.
func emit(t *testing.T, s store.Store, typ, doc string, n int) {
	t.Helper()
	_, err := s.Commit(context.Background(), store.UnitOfWork{Events: []store.Event{{Type: typ, Collection: "deals", DocID: doc, Payload: map[string]any{"n": n}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor waits for cond with a deadline; it does not measure time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// start runs r until the test ends.
func start(t *testing.T, r *Runtime) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return func() { cancel(); <-done }
}

// recorder keeps what a handler saw.
type recorder struct {
	mu   sync.Mutex
	seen map[string][]int
	ids  map[string]int
	n    int
}

func newRecorder() *recorder { return &recorder{seen: map[string][]int{}, ids: map[string]int{}} }

func (rec *recorder) handle(_ context.Context, d Delivery) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	n, _ := d.Event.Payload["n"].(float64)
	rec.seen[d.Event.DocID] = append(rec.seen[d.Event.DocID], int(n))
	rec.ids[d.Event.ID]++
	rec.n++
	return nil
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.n
}

func TestConsumerOrderPerDocumentAndCheckpoint(t *testing.T) {
	s := openStore(t, nil)
	const docs, each = 5, 12
	for i := range each {
		for d := range docs {
			emit(t, s, "record.updated", fmt.Sprintf("d%d", d), i)
		}
	}
	emit(t, s, "form.published", "f1", 0) // another type: not delivered
	rec := newRecorder()
	r := New(s, Options{Logger: quiet, BatchSize: 16})
	if err := r.Register(Consumer{Name: "audit", Types: []string{"record.updated"}, Handle: rec.handle, Concurrency: 3}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(Consumer{Name: "audit", Handle: rec.handle}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("second Register of one name = %v, want ErrDuplicate", err)
	}
	stop := start(t, r)
	waitFor(t, "every event handled", func() bool { return rec.count() == docs*each })
	for d, got := range rec.seen {
		for i, n := range got {
			if n != i {
				t.Fatalf("document %s: events handled as %v, want 0..%d in order", d, got, each-1)
			}
		}
	}
	if _, ok := rec.seen["f1"]; ok {
		t.Error("an event of a type the consumer does not take was delivered")
	}
	stop()

	// A new process resumes from the durable checkpoint: only the new event.
	rec2 := newRecorder()
	r2 := New(s, Options{Logger: quiet})
	if err := r2.Register(Consumer{Name: "audit", Types: []string{"record.updated"}, Handle: rec2.handle}); err != nil {
		t.Fatal(err)
	}
	start(t, r2)
	emit(t, s, "record.updated", "d0", each)
	waitFor(t, "the new event", func() bool {
		if rec2.count() >= 1 {
			return true
		}
		return false
	})
	r2.Kick()
	waitFor(t, "the position to pass the new event", func() bool {
		evs, _ := s.ReadEvents(context.Background(), 0, 1000)
		return r2.Stats()["audit"].Position == evs[len(evs)-1].Seq
	})
	if rec2.count() != 1 || rec2.seen["d0"][0] != each {
		t.Errorf("after restart handled %v, want only the new event", rec2.seen)
	}
}

func TestRetriesBackoffAndDeadLetters(t *testing.T) {
	clock := store.NewManualClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	s := openStore(t, clock)
	var mu sync.Mutex
	var delays []time.Duration
	failing := true
	handled := map[string]int{}
	r := New(s, Options{Logger: quiet, Clock: clock, BackoffBase: time.Second, BackoffMax: time.Minute,
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			delays = append(delays, d)
			mu.Unlock()
			return nil
		}})
	err := r.Register(Consumer{Name: "hooks", MaxAttempts: 3, Concurrency: 1, Handle: func(_ context.Context, d Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		if d.Event.DocID == "bad" && failing {
			return fmt.Errorf("endpoint answered 500 on attempt %d", d.Attempt)
		}
		handled[d.Event.DocID]++
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	emit(t, s, "record.created", "bad", 1)
	emit(t, s, "record.created", "good", 1)
	emit(t, s, "record.updated", "bad", 2)
	start(t, r)
	ctx := context.Background()
	waitFor(t, "two dead letters", func() bool { return r.Stats()["hooks"].DeadLetters == 2 && r.Stats()["hooks"].Handled == 1 })
	mu.Lock()
	if len(delays) != 4 {
		t.Fatalf("retry delays = %v, want 2 per failing event", delays)
	}
	for i, d := range delays {
		n := i%2 + 1
		ceiling := time.Second << (n - 1)
		if d < ceiling/2 || d > ceiling {
			t.Errorf("delay before retry %d = %s, want between %s and %s", n, d, ceiling/2, ceiling)
		}
	}
	mu.Unlock()
	dls, err := r.DeadLetters(ctx, "hooks", 10)
	if err != nil || len(dls) != 2 {
		t.Fatalf("DeadLetters = %+v, %v, want 2", dls, err)
	}
	for _, dl := range dls {
		if dl.Attempts != 3 || dl.Event.DocID != "bad" || dl.LastError != "endpoint answered 500 on attempt 3" {
			t.Errorf("dead letter %+v, want 3 attempts on bad with the last error", dl)
		}
	}
	// Still failing: the retry keeps it with one more attempt.
	if err := r.RetryDeadLetter(ctx, dls[0].ID); err == nil {
		t.Error("RetryDeadLetter while the handler fails = nil, want the error")
	}
	again, _ := r.DeadLetters(ctx, "hooks", 10)
	if len(again) != 2 {
		t.Fatalf("after a failed retry %d dead letters, want 2", len(again))
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	if err := r.RetryDeadLetter(ctx, dls[0].ID); err != nil {
		t.Fatalf("RetryDeadLetter: %v", err)
	}
	if err := r.DiscardDeadLetter(ctx, dls[1].ID); err != nil {
		t.Fatalf("DiscardDeadLetter: %v", err)
	}
	left, _ := r.DeadLetters(ctx, "", 10)
	if len(left) != 0 {
		t.Errorf("dead letters left = %+v, want none", left)
	}
	mu.Lock()
	if handled["bad"] != 1 || handled["good"] != 1 {
		t.Errorf("handled = %v, want bad once (by the retry) and good once", handled)
	}
	mu.Unlock()
	if err := r.RetryDeadLetter(ctx, "hooks.missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RetryDeadLetter of a missing id = %v, want ErrNotFound", err)
	}
}

func TestPanicIsRecoveredAndRetried(t *testing.T) {
	s := openStore(t, nil)
	var mu sync.Mutex
	calls := 0
	r := New(s, Options{Logger: quiet, Sleep: func(context.Context, time.Duration) error { return nil }})
	_ = r.Register(Consumer{Name: "flaky", Handle: func(_ context.Context, d Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if d.Attempt == 1 {
			var m map[string]int
			m["boom"] = 1 // a nil-map write panics
		}
		return nil
	}})
	emit(t, s, "record.created", "a", 1)
	start(t, r)
	waitFor(t, "the retried event", func() bool { return r.Stats()["flaky"].Handled == 1 })
	st := r.Stats()["flaky"]
	if st.Panics != 1 || st.Failures != 1 {
		t.Errorf("stats = %+v, want one panic counted as one failure", st)
	}
}

// TestTwoRuntimesNeverRunOneConsumerAtOnce: the lease on the checkpoint
// lets one process at a time run a consumer; the other takes over only
// after the lease has ended, and the old holder then cannot move the checkpoint.
func TestTwoRuntimesNeverRunOneConsumerAtOnce(t *testing.T) {
	clock := store.NewManualClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	s := openStore(t, clock)
	ctx := context.Background()
	a := New(s, Options{Owner: "proc-a", Logger: quiet, Clock: clock, Lease: 30 * time.Second})
	b := New(s, Options{Owner: "proc-b", Logger: quiet, Clock: clock, Lease: 30 * time.Second})
	for _, r := range []*Runtime{a, b} {
		_ = r.Register(Consumer{Name: "hooks", Handle: func(context.Context, Delivery) error { return nil }})
	}
	la, err := a.acquire(ctx, "hooks")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.acquire(ctx, "hooks"); !errors.Is(err, errNotOwner) {
		t.Fatalf("b.acquire while a holds the lease = %v, want errNotOwner", err)
	}
	clock.Advance(20 * time.Second)
	if err := a.renew(ctx, la); err != nil {
		t.Fatalf("a.renew: %v", err)
	}
	clock.Advance(20 * time.Second)
	if _, err := b.acquire(ctx, "hooks"); !errors.Is(err, errNotOwner) {
		t.Fatalf("b.acquire within the renewed lease = %v, want errNotOwner", err)
	}
	clock.Advance(11 * time.Second)
	lb, err := b.acquire(ctx, "hooks")
	if err != nil {
		t.Fatalf("b.acquire after the lease ended: %v", err)
	}
	if err := a.save(ctx, la, 99); !errors.Is(err, errNotOwner) {
		t.Errorf("a.save after the takeover = %v, want errNotOwner", err)
	}
	if err := b.save(ctx, lb, 5); err != nil {
		t.Errorf("b.save: %v", err)
	}
	// A graceful stop releases the lease at once.
	b.release(ctx, "hooks")
	if _, err := a.acquire(ctx, "hooks"); err != nil {
		t.Errorf("a.acquire after b released = %v", err)
	}
}

func TestTrimKeepsWhatAConsumerHasNotPassed(t *testing.T) {
	clock := store.NewManualClock(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	s := openStore(t, clock)
	ctx := context.Background()
	for i := range 10 {
		emit(t, s, "record.created", "a", i)
	}
	r := New(s, Options{Logger: quiet, Clock: clock})
	_ = r.Register(Consumer{Name: "one", Handle: func(context.Context, Delivery) error { return nil }})
	_ = r.Register(Consumer{Name: "two", Handle: func(context.Context, Delivery) error { return nil }})
	if n, err := r.Trim(ctx); err != nil || n != 0 {
		t.Fatalf("Trim before any consumer ran = %d, %v, want 0", n, err)
	}
	evs, _ := s.ReadEvents(ctx, 0, 100)
	l1, _ := r.acquire(ctx, "one")
	l2, _ := r.acquire(ctx, "two")
	_ = r.save(ctx, l1, evs[9].Seq)
	_ = r.save(ctx, l2, evs[3].Seq)
	if n, _ := r.Trim(ctx); n != 0 {
		t.Errorf("Trim within the retention deleted %d, want 0", n)
	}
	clock.Advance(7*24*time.Hour + time.Minute)
	n, err := r.Trim(ctx)
	if err != nil || n != 4 {
		t.Errorf("Trim after the retention = %d, %v, want the 4 events both consumers passed", n, err)
	}
}

// TestLazyPayloadDecodesOnlyWhenAsked: a LazyPayload consumer gets no
// decoded payload until it calls Payload; an eager one gets it decoded;
// both see the same values.
func TestLazyPayloadDecodesOnlyWhenAsked(t *testing.T) {
	for _, b := range backends() { // SQLite reads raw events; FerretDB falls back to ReadEvents
		t.Run(b.name, func(t *testing.T) { testLazyPayload(t, b.open(t, store.NewManualClock(t0))) })
	}
}

func testLazyPayload(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", DocID: "a", Payload: map[string]any{"n": 7.0}}}}); err != nil {
		t.Fatal(err)
	}
	r := New(s, Options{Logger: quiet, Clock: store.NewManualClock(t0)})
	got := make(chan string, 2)
	for _, lazy := range []bool{true, false} {
		name := "eager"
		if lazy {
			name = "lazy"
		}
		if err := r.Register(Consumer{Name: name, LazyPayload: lazy, Handle: func(_ context.Context, d Delivery) error {
			before := d.Event.Payload != nil
			p, err := d.Payload()
			got <- fmt.Sprintf("%s decoded before=%v n=%v err=%v", name, before, p["n"], err)
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
	}
	start(t, r)
	seen := map[string]bool{<-got: true, <-got: true}
	for _, want := range []string{"lazy decoded before=false n=7 err=<nil>", "eager decoded before=true n=7 err=<nil>"} {
		if !seen[want] {
			t.Errorf("deliveries %v, want %q", seen, want)
		}
	}
}
