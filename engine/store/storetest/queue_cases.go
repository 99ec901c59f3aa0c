package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
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
		{name: "KeyOrder", run: testQueueKeyOrder},
		{name: "KeyLeaseExpiry", run: testQueueKeyExpiry},
		{name: "ConcurrentClaimers", run: testQueueConcurrentClaimers},
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
	now := f.clock.Now()
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
	f.sameTime("LeaseUntil", first.LeaseUntil, now.Add(time.Minute))
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
	f.noErr("Enqueue", f.s.Enqueue(f.ctx, store.QueueItem{ID: "once", Queue: "hooks", DueAt: f.clock.Now().Add(-time.Minute), Payload: map[string]any{"v": 1}}))
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
	past := f.clock.Now().Add(-time.Hour)
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

	f.noErr("Retry later", f.s.Retry(f.ctx, "hooks", "b", "w1", f.clock.Now().Add(time.Hour)))
	_, err := f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim of an item retried for later", err, store.ErrNotFound)
	f.depth("hooks", 1)
	// The lease is gone, so the old owner cannot act on it any more.
	f.wantErr("Ack after Retry", f.s.Ack(f.ctx, "hooks", "b", "w1"), store.ErrConflict)
}

func testQueueExpiredLease(f *fixture) {
	f.noErr("Enqueue", f.s.Enqueue(f.ctx, store.QueueItem{ID: "x", Queue: "hooks", DueAt: f.clock.Now().Add(-time.Minute)}))
	it := f.claim("hooks", "w1", 30*time.Second)
	if it.Attempts != 1 {
		f.t.Errorf("Attempts = %d, want 1", it.Attempts)
	}
	_, err := f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim while leased", err, store.ErrNotFound)
	f.clock.Advance(29 * time.Second)
	_, err = f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim a second before the lease ends", err, store.ErrNotFound)
	f.noErr("Extend by the owner just in time", f.s.Extend(f.ctx, "hooks", "x", "w1", 30*time.Second))
	f.clock.Advance(29 * time.Second)
	_, err = f.s.Claim(f.ctx, "hooks", "w2", time.Minute)
	f.wantErr("Claim while the extended lease holds", err, store.ErrNotFound)
	f.clock.Advance(2 * time.Second)
	again := f.claim("hooks", "w2", time.Minute)
	if again.ID != "x" || again.Attempts != 2 || again.LeaseOwner != "w2" {
		f.t.Errorf("reclaim = %+v, want x, attempt 2, owner w2", again)
	}
	f.wantErr("Ack by the expired owner", f.s.Ack(f.ctx, "hooks", "x", "w1"), store.ErrConflict)
	f.wantErr("Extend by the expired owner", f.s.Extend(f.ctx, "hooks", "x", "w1", time.Minute), store.ErrConflict)
	f.depth("hooks", 1)

	// Retry makes it due again at once, with its attempts kept.
	f.noErr("Retry now", f.s.Retry(f.ctx, "hooks", "x", "w2", f.clock.Now().Add(-time.Second)))
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
	res := f.commitMulti(store.UnitOfWork{At: f.clock.Now().Add(-time.Minute), Actor: actor,
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

// claimIDs claims until the queue has nothing due and returns the ids.
func (f *fixture) claimIDs(queue, owner string) []string {
	f.t.Helper()
	var ids []string
	for range 100 {
		it, err := f.s.Claim(f.ctx, queue, owner, time.Minute)
		if errors.Is(err, store.ErrNotFound) {
			return ids
		}
		f.noErr("Claim", err)
		ids = append(ids, it.ID)
	}
	f.t.Fatalf("Claim never ran dry")
	return nil
}

func testQueueKeyOrder(f *fixture) {
	now := f.clock.Now()
	f.noErr("Enqueue", f.s.Enqueue(f.ctx,
		store.QueueItem{ID: "r1-b", Queue: "work", Key: "rec1", DueAt: now.Add(-time.Hour)},
		store.QueueItem{ID: "r1-a", Queue: "work", Key: "rec1", DueAt: now.Add(-2 * time.Hour)},
		store.QueueItem{ID: "r1-c", Queue: "work", Key: "rec1", DueAt: now.Add(-time.Hour)},
		store.QueueItem{ID: "r2-a", Queue: "work", Key: "rec2", DueAt: now.Add(-30 * time.Minute)},
		store.QueueItem{ID: "free", Queue: "work", DueAt: now.Add(-10 * time.Minute)},
	))
	// One item per key at a time: rec1's head (earliest due), rec2's, the keyless one.
	if got := f.claimIDs("work", "w1"); fmt.Sprint(got) != "[r1-a r2-a free]" {
		f.t.Fatalf("claimed %v with nothing acked, want [r1-a r2-a free]", got)
	}
	f.noErr("Ack r1-a", f.s.Ack(f.ctx, "work", "r1-a", "w1"))
	f.noErr("Ack r2-a", f.s.Ack(f.ctx, "work", "r2-a", "w1"))
	f.noErr("Ack free", f.s.Ack(f.ctx, "work", "free", "w1"))
	// Same due time: enqueue order decides.
	if got := f.claimIDs("work", "w2"); fmt.Sprint(got) != "[r1-b]" {
		f.t.Fatalf("claimed %v after acking r1-a, want [r1-b]", got)
	}
	// A retry for later keeps its place: r1-c waits behind it.
	f.noErr("Retry r1-b later", f.s.Retry(f.ctx, "work", "r1-b", "w2", now.Add(time.Hour)))
	if got := f.claimIDs("work", "w2"); len(got) != 0 {
		f.t.Fatalf("claimed %v while rec1's head waits for its retry, want nothing", got)
	}
	f.clock.Advance(time.Hour)
	if got := f.claimIDs("work", "w2"); fmt.Sprint(got) != "[r1-b]" {
		f.t.Fatalf("claimed %v when the retry fell due, want [r1-b]", got)
	}
	f.noErr("Ack r1-b", f.s.Ack(f.ctx, "work", "r1-b", "w2"))
	if got := f.claimIDs("work", "w2"); fmt.Sprint(got) != "[r1-c]" {
		f.t.Fatalf("claimed %v after acking r1-b, want [r1-c]", got)
	}
	f.depth("work", 1)
}

func testQueueKeyExpiry(f *fixture) {
	now := f.clock.Now()
	f.noErr("Enqueue", f.s.Enqueue(f.ctx,
		store.QueueItem{ID: "k1", Queue: "work", Key: "rec", DueAt: now.Add(-time.Minute)},
		store.QueueItem{ID: "k2", Queue: "work", Key: "rec", DueAt: now.Add(-time.Minute)},
	))
	first := f.claim("work", "w1", 30*time.Second)
	if first.ID != "k1" {
		f.t.Fatalf("first claim = %s, want k1", first.ID)
	}
	f.clock.Advance(31 * time.Second)
	// The crashed owner's item is taken over, and its successor still waits.
	again := f.claim("work", "w2", 30*time.Second)
	if again.ID != "k1" || again.Attempts != 2 {
		f.t.Fatalf("takeover = %+v, want k1 at attempt 2", again)
	}
	if got := f.claimIDs("work", "w3"); len(got) != 0 {
		f.t.Fatalf("claimed %v while k1 is leased again, want nothing", got)
	}
	f.wantErr("Ack by the expired owner", f.s.Ack(f.ctx, "work", "k1", "w1"), store.ErrConflict)
	f.noErr("Ack by the new owner", f.s.Ack(f.ctx, "work", "k1", "w2"))
	if got := f.claimIDs("work", "w3"); fmt.Sprint(got) != "[k2]" {
		f.t.Fatalf("claimed %v after k1, want [k2]", got)
	}
}

// testQueueConcurrentClaimers runs several claimers on one store: no item
// is ever held by two at once, no two items of one key are held at once,
// and every item is acked exactly once, in order per key.
func testQueueConcurrentClaimers(f *fixture) {
	if !f.caps.AtomicCAS {
		// Within one process the adapter serializes its conditional writes,
		// which is what this case exercises, so it still runs; a note only.
		f.t.Log("AtomicCAS is false: claims are serialized within this process")
	}
	const keys, perKey, workers = 6, 8, 4
	now := f.clock.Now()
	var items []store.QueueItem
	for i := range perKey {
		for k := range keys {
			items = append(items, store.QueueItem{ID: fmt.Sprintf("k%d-%02d", k, i), Queue: "work", Key: fmt.Sprintf("key%d", k), DueAt: now.Add(-time.Minute)})
		}
	}
	for i := range 6 {
		items = append(items, store.QueueItem{ID: fmt.Sprintf("free-%d", i), Queue: "work", DueAt: now.Add(-time.Minute)})
	}
	f.noErr("Enqueue", f.s.Enqueue(f.ctx, items...))
	var mu sync.Mutex
	heldItems := map[string]string{}
	heldKeys := map[string]string{}
	acked := map[string]int{}
	var order = map[string][]string{}
	errs := parallel(workers, func(wk int) error {
		owner := fmt.Sprintf("w%d", wk)
		for idle := 0; idle < 200; {
			it, err := f.s.Claim(f.ctx, "work", owner, time.Minute)
			if errors.Is(err, store.ErrNotFound) {
				mu.Lock()
				done := len(acked) == len(items)
				mu.Unlock()
				if done {
					return nil
				}
				idle++
				continue
			}
			if err != nil {
				return err
			}
			mu.Lock()
			if h, ok := heldItems[it.ID]; ok {
				mu.Unlock()
				return fmt.Errorf("%s claimed %s while %s holds it", owner, it.ID, h)
			}
			if it.Key != "" {
				if h, ok := heldKeys[it.Key]; ok {
					mu.Unlock()
					return fmt.Errorf("%s claimed %s of key %s while %s holds an item of it", owner, it.ID, it.Key, h)
				}
				heldKeys[it.Key] = owner
				order[it.Key] = append(order[it.Key], it.ID)
			}
			heldItems[it.ID] = owner
			mu.Unlock()
			// The ack and the bookkeeping happen under the lock, so a claim
			// that follows the ack is recorded only after it.
			mu.Lock()
			err = f.s.Ack(f.ctx, "work", it.ID, owner)
			delete(heldItems, it.ID)
			if it.Key != "" {
				delete(heldKeys, it.Key)
			}
			acked[it.ID]++
			mu.Unlock()
			if err != nil {
				return fmt.Errorf("ack %s: %w", it.ID, err)
			}
		}
		return nil
	})
	for _, err := range errs {
		f.t.Error(err)
	}
	if len(acked) != len(items) {
		f.t.Errorf("acked %d distinct items, want %d", len(acked), len(items))
	}
	for id, n := range acked {
		if n != 1 {
			f.t.Errorf("item %s handled %d times", id, n)
		}
	}
	for k, ids := range order {
		if !slices.IsSorted(ids) {
			f.t.Errorf("key %s handed out as %v, want enqueue order", k, ids)
		}
	}
	f.depth("work", 0)
}
