package storetest

import (
	"errors"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func queueCases() []testCase {
	return []testCase{
		{name: "ClaimOrderAndLeases", run: testQueueClaimOrder},
		{name: "DuplicateID", run: testQueueDuplicate},
		{name: "OwnerChecks", run: testQueueOwnerChecks},
		{name: "ExpiredLease", run: testQueueExpiredLease},
		{name: "EnqueueInUnit", run: testQueueInUnit},
	}
}

// claim claims the next item and fails the case on error.
func (f *fixture) claim(queue, owner string, lease time.Duration) store.QueueItem {
	f.t.Helper()
	it, err := f.s.Claim(f.ctx, queue, owner, lease)
	if err != nil {
		f.t.Fatalf("Claim(%s, %s): %v", queue, owner, err)
	}
	return it
}

func (f *fixture) depth(queue string, want int64) {
	f.t.Helper()
	n, err := f.s.Depth(f.ctx, queue)
	if err != nil || n != want {
		f.t.Errorf("Depth(%s) = %d, %v, want %d", queue, n, err, want)
	}
}

func testQueueClaimOrder(f *fixture) {
	now := time.Now()
	_, err := f.s.Claim(f.ctx, "hooks", "w1", time.Minute)
	f.wantErr("Claim on an empty queue", err, store.ErrNotFound)
	f.noErr("Enqueue", f.s.Enqueue(f.ctx,
		store.QueueItem{ID: "q1", Queue: "hooks", Key: "rec-1", DueAt: now.Add(-3 * time.Hour), Payload: map[string]any{"url": "https://example.com/a", "try": 1}},
		store.QueueItem{ID: "q2", Queue: "hooks", DueAt: now.Add(-1 * time.Hour)},
		store.QueueItem{ID: "q3", Queue: "hooks", DueAt: now.Add(-2 * time.Hour)},
		store.QueueItem{ID: "q4", Queue: "hooks", DueAt: now.Add(time.Hour)},
		store.QueueItem{ID: "z1", Queue: "timers", DueAt: now.Add(-5 * time.Hour)},
	))
	f.depth("hooks", 4)
	f.depth("timers", 1)
	first := f.claim("hooks", "w1", time.Minute)
	if first.ID != "q1" || first.Queue != "hooks" || first.Key != "rec-1" || first.Attempts != 1 || first.LeaseOwner != "w1" {
		f.t.Errorf("first claim = %+v, want q1 of hooks, key rec-1, attempt 1, owner w1", first)
	}
	f.sameData("claimed payload", first.Payload, map[string]any{"url": "https://example.com/a", "try": 1})
	f.sameTime("claimed DueAt", first.DueAt, now.Add(-3*time.Hour))
	if d := time.Until(first.LeaseUntil); d < 30*time.Second || d > 2*time.Minute {
		f.t.Errorf("LeaseUntil is %s from now, want about a minute", d)
	}
	if got := f.claim("hooks", "w2", time.Minute); got.ID != "q3" {
		f.t.Errorf("second claim = %s, want q3 (oldest due first)", got.ID)
	}
	if got := f.claim("hooks", "w1", time.Minute); got.ID != "q2" {
		f.t.Errorf("third claim = %s, want q2", got.ID)
	}
	_, err = f.s.Claim(f.ctx, "hooks", "w3", time.Minute)
	f.wantErr("Claim with the rest leased or not yet due", err, store.ErrNotFound)
	f.depth("hooks", 4)
	if got := f.claim("timers", "w1", time.Minute); got.ID != "z1" {
		f.t.Errorf("claim on timers = %s, want z1", got.ID)
	}
}

func testQueueDuplicate(f *fixture) {
	f.noErr("Enqueue", f.s.Enqueue(f.ctx, store.QueueItem{ID: "once", Queue: "hooks", DueAt: time.Now().Add(-time.Minute), Payload: map[string]any{"v": 1}}))
	err := f.s.Enqueue(f.ctx, store.QueueItem{ID: "once", Queue: "hooks", Payload: map[string]any{"v": 2}})
	f.wantErr("Enqueue of an existing id", err, store.ErrDuplicate)
	f.depth("hooks", 1)
	it := f.claim("hooks", "w1", time.Minute)
	f.sameData("payload of the first enqueue", it.Payload, map[string]any{"v": 1})
	err = f.s.Enqueue(f.ctx, store.QueueItem{ID: "once", Queue: "hooks"})
	f.wantErr("Enqueue of a leased id", err, store.ErrDuplicate)
	// Ids are unique within a queue.
	f.noErr("Enqueue the same id elsewhere", f.s.Enqueue(f.ctx, store.QueueItem{ID: "once", Queue: "timers"}))
	err = f.s.Enqueue(f.ctx, store.QueueItem{ID: "bad id", Queue: "hooks"})
	f.wantErr("Enqueue with a bad id", err, store.ErrInvalidInput)
	err = f.s.Enqueue(f.ctx, store.QueueItem{Queue: "Bad Queue"})
	f.wantErr("Enqueue to a bad queue name", err, store.ErrInvalidInput)
}

func testQueueOwnerChecks(f *fixture) {
	past := time.Now().Add(-time.Hour)
	f.noErr("Enqueue", f.s.Enqueue(f.ctx,
		store.QueueItem{ID: "a", Queue: "hooks", DueAt: past},
		store.QueueItem{ID: "b", Queue: "hooks", DueAt: past.Add(time.Minute)},
	))
	a := f.claim("hooks", "w1", time.Minute)
	b := f.claim("hooks", "w1", time.Minute)
	if a.ID != "a" || b.ID != "b" {
		f.t.Fatalf("claimed %s, %s, want a, b", a.ID, b.ID)
	}
	f.wantErr("Ack by another owner", f.s.Ack(f.ctx, "hooks", "a", "w2"), store.ErrConflict)
	f.wantErr("Extend by another owner", f.s.Extend(f.ctx, "hooks", "a", "w2", time.Hour), store.ErrConflict)
	f.wantErr("Retry by another owner", f.s.Retry(f.ctx, "hooks", "a", "w2", past), store.ErrConflict)
	f.depth("hooks", 2)

	f.noErr("Extend by the owner", f.s.Extend(f.ctx, "hooks", "a", "w1", time.Hour))
	f.noErr("Ack by the owner", f.s.Ack(f.ctx, "hooks", "a", "w1"))
	f.depth("hooks", 1)

	f.noErr("Retry later", f.s.Retry(f.ctx, "hooks", "b", "w1", time.Now().Add(time.Hour)))
	_, err := f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim of an item retried for later", err, store.ErrNotFound)
	f.depth("hooks", 1)
	// The lease is gone, so the old owner cannot act on it any more.
	f.wantErr("Ack after Retry", f.s.Ack(f.ctx, "hooks", "b", "w1"), store.ErrConflict)
}

func testQueueExpiredLease(f *fixture) {
	f.noErr("Enqueue", f.s.Enqueue(f.ctx, store.QueueItem{ID: "x", Queue: "hooks", DueAt: time.Now().Add(-time.Minute)}))
	it := f.claim("hooks", "w1", 50*time.Millisecond)
	if it.Attempts != 1 {
		f.t.Errorf("Attempts = %d, want 1", it.Attempts)
	}
	_, err := f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim while leased", err, store.ErrNotFound)
	time.Sleep(150 * time.Millisecond)
	again := f.claim("hooks", "w2", time.Minute)
	if again.ID != "x" || again.Attempts != 2 || again.LeaseOwner != "w2" {
		f.t.Errorf("reclaim = %+v, want x, attempt 2, owner w2", again)
	}
	f.wantErr("Ack by the expired owner", f.s.Ack(f.ctx, "hooks", "x", "w1"), store.ErrConflict)
	f.wantErr("Extend by the expired owner", f.s.Extend(f.ctx, "hooks", "x", "w1", time.Minute), store.ErrConflict)
	f.depth("hooks", 1)

	// Retry makes it due again at once, with its attempts kept.
	f.noErr("Retry now", f.s.Retry(f.ctx, "hooks", "x", "w2", time.Now().Add(-time.Second)))
	third := f.claim("hooks", "w3", time.Minute)
	if third.Attempts != 3 {
		f.t.Errorf("Attempts after Retry = %d, want 3", third.Attempts)
	}
	f.noErr("Ack", f.s.Ack(f.ctx, "hooks", "x", "w3"))
	f.depth("hooks", 0)
	_, err = f.s.Claim(f.ctx, "hooks", "w1", time.Minute)
	f.wantErr("Claim after Ack", err, store.ErrNotFound)
}

func testQueueInUnit(f *fixture) {
	res := f.commitMulti(store.UnitOfWork{At: time.Now().Add(-time.Minute), Actor: actor,
		Writes:  []store.Write{write(store.OpInsert, "deals", "d1", map[string]any{"amount": 1}, 0)},
		Enqueue: []store.QueueItem{{ID: "deliver-1", Queue: "hooks", Key: "d1", Payload: map[string]any{"doc": "d1"}}},
	})
	if len(res.Docs) != 1 {
		f.t.Fatalf("CommitResult has %d docs", len(res.Docs))
	}
	f.depth("hooks", 1)
	it := f.claim("hooks", "w1", time.Minute)
	if it.ID != "deliver-1" || it.Key != "d1" {
		f.t.Errorf("claimed %+v, want deliver-1 keyed d1 (due at the unit's At)", it)
	}
	_, err := f.s.Commit(f.ctx, store.UnitOfWork{Enqueue: []store.QueueItem{{ID: "deliver-1", Queue: "hooks"}}})
	if !errors.Is(err, store.ErrDuplicate) {
		f.t.Errorf("unit enqueueing an existing id: got %v, want ErrDuplicate", err)
	}
}
