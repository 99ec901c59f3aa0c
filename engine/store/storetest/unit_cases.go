package storetest

import (
	"github.com/formloom/formloom/engine/store"
)

func unitCases() []testCase {
	return []testCase{
		{name: "AllItemsCommitted", run: testUnitAllCommitted},
		{name: "FailingSecondWriteLeavesNothing", run: testUnitFailingWrite},
		{name: "ConflictRollsBack", run: testUnitConflict},
		{name: "DuplicateRollsBack", run: testUnitDuplicate},
		{name: "UniqueViolationInsideUnit", run: testUnitUniqueInside},
	}
}

// assertNoTrace checks that a failed unit left no document, event or queue item.
func (f *fixture) assertNoTrace(coll, id, queue string) {
	f.t.Helper()
	_, err := f.s.Get(f.ctx, coll, id)
	f.wantErr("Get of the failed unit's first insert", err, store.ErrNotFound)
	evs, err := f.s.ReadEvents(f.ctx, 0, 100)
	f.noErr("ReadEvents", err)
	if len(evs) != 0 {
		f.t.Errorf("failed unit left %d events: %+v", len(evs), evs)
	}
	n, err := f.s.Depth(f.ctx, queue)
	f.noErr("Depth", err)
	if n != 0 {
		f.t.Errorf("failed unit left %d queue items", n)
	}
}

func failingUnit(second store.Write) store.UnitOfWork {
	return store.UnitOfWork{At: t0, Actor: actor,
		Writes:  []store.Write{write(store.OpInsert, "orders", "first", map[string]any{"n": 1}, 0), second},
		Events:  []store.Event{{Type: "record.created", Collection: "orders", DocID: "first"}},
		Enqueue: []store.QueueItem{{ID: "job-1", Queue: "hooks"}},
	}
}

func testUnitAllCommitted(f *fixture) {
	res := f.commitMulti(store.UnitOfWork{At: t0, Actor: actor,
		Writes: []store.Write{
			write(store.OpInsert, "orders", "o1", map[string]any{"total": 10}, 0),
			write(store.OpInsert, "order_lines", "l1", map[string]any{"order": "o1"}, 0),
		},
		Events: []store.Event{
			{Type: "record.created", Collection: "orders", DocID: "o1"},
			{Type: "record.created", Collection: "order_lines", DocID: "l1"},
		},
		Enqueue: []store.QueueItem{{ID: "job-1", Queue: "hooks", DueAt: t0}},
	})
	if len(res.Docs) != 2 || len(res.Events) != 2 {
		f.t.Fatalf("CommitResult has %d docs and %d events, want 2 and 2", len(res.Docs), len(res.Events))
	}
	// Seq is known at commit (and then increasing in unit order) or 0 until read.
	if s0, s1 := res.Events[0].Seq, res.Events[1].Seq; (s0 == 0) != (s1 == 0) || (s0 != 0 && (s0 < 0 || s1 <= s0)) {
		f.t.Errorf("event Seq = %d, %d, want 0 and 0, or positive and increasing in unit order", s0, s1)
	}
	f.get("orders", "o1")
	f.get("order_lines", "l1")
	evs, err := f.s.ReadEvents(f.ctx, 0, 10)
	f.noErr("ReadEvents", err)
	if len(evs) != 2 || evs[0].DocID != "o1" || evs[1].DocID != "l1" {
		f.t.Errorf("ReadEvents = %+v, want the two events in unit order", evs)
	}
	n, err := f.s.Depth(f.ctx, "hooks")
	f.noErr("Depth", err)
	if n != 1 {
		f.t.Errorf("Depth = %d, want 1", n)
	}
}

func testUnitFailingWrite(f *fixture) {
	f.needTransactions()
	_, err := f.s.Commit(f.ctx, failingUnit(write(store.OpUpdate, "orders", "missing", map[string]any{"n": 2}, 0)))
	f.wantErr("unit whose second write updates a missing document", err, store.ErrNotFound)
	f.assertNoTrace("orders", "first", "hooks")
}

func testUnitConflict(f *fixture) {
	f.needTransactions()
	f.one(write(store.OpInsert, "orders", "x", map[string]any{"n": 1}, 0))
	_, err := f.s.Commit(f.ctx, failingUnit(write(store.OpUpdate, "orders", "x", map[string]any{"n": 2}, 7)))
	f.wantErr("unit whose second write has a stale version", err, store.ErrConflict)
	f.assertNoTrace("orders", "first", "hooks")
	got := f.get("orders", "x")
	if got.Version != 1 {
		f.t.Errorf("x version = %d, want 1", got.Version)
	}
}

func testUnitDuplicate(f *fixture) {
	f.needTransactions()
	f.one(write(store.OpInsert, "orders", "x", map[string]any{"n": 1}, 0))
	_, err := f.s.Commit(f.ctx, failingUnit(write(store.OpInsert, "orders", "x", map[string]any{"n": 2}, 0)))
	f.wantErr("unit whose second write inserts an existing id", err, store.ErrDuplicate)
	f.assertNoTrace("orders", "first", "hooks")
	f.sameData("x after the failed unit", f.get("orders", "x").Data, map[string]any{"n": 1})
}

func testUnitUniqueInside(f *fixture) {
	f.needTransactions()
	f.noErr("EnsureIndexes", f.s.EnsureIndexes(f.ctx, "orders", []store.Index{
		{Name: "orders_n", Fields: []store.SortKey{{Field: "n"}}, Unique: true},
	}))
	_, err := f.s.Commit(f.ctx, failingUnit(write(store.OpInsert, "orders", "second", map[string]any{"n": 1}, 0)))
	f.wantErr("unit whose two inserts share a unique value", err, store.ErrDuplicate)
	f.assertNoTrace("orders", "first", "hooks")
	_, err = f.s.Get(f.ctx, "orders", "second")
	f.wantErr("Get of the second insert", err, store.ErrNotFound)
}
