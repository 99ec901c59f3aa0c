package storetest

import (
	"context"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func lifecycleCases() []testCase {
	return []testCase{
		{name: "PingAndCapabilities", run: testPing},
		{name: "DropCollection", run: testDropCollection},
		{name: "CanceledContext", run: testCanceledContext},
		{name: "Closed", run: testClosed},
	}
}

func testPing(f *fixture) {
	f.noErr("Ping", f.s.Ping(f.ctx))
	switch f.caps.Backend {
	case "sqlite", "mongodb", "ferretdb":
	default:
		f.t.Errorf("Capabilities().Backend = %q, want sqlite, mongodb or ferretdb", f.caps.Backend)
	}
}

func testDropCollection(f *fixture) {
	f.ensure("contacts", emailUnique)
	f.seed("contacts", []doc{{"c1", map[string]any{"email": "a@b.c"}}, {"c2", map[string]any{"email": "d@e.f"}}})
	f.one(write(store.OpInsert, "keep", "k1", nil, 0))
	f.noErr("DropCollection", f.s.DropCollection(f.ctx, "contacts"))
	_, err := f.s.Get(f.ctx, "contacts", "c1")
	f.wantErr("Get after DropCollection", err, store.ErrNotFound)
	if n, err := f.s.Count(f.ctx, "contacts", store.Query{}); err != nil || n != 0 {
		f.t.Errorf("Count after DropCollection = %d, %v, want 0", n, err)
	}
	f.get("keep", "k1")
	f.noErr("DropCollection of a missing collection", f.s.DropCollection(f.ctx, "never_was"))
	// The indexes went with it.
	f.one(write(store.OpInsert, "contacts", "c3", map[string]any{"email": "a@b.c"}, 0))
	f.one(write(store.OpInsert, "contacts", "c4", map[string]any{"email": "a@b.c"}, 0))
	f.wantErr("DropCollection with a bad name", f.s.DropCollection(f.ctx, "Bad Name"), store.ErrInvalidInput)
}

func testCanceledContext(f *fixture) {
	f.one(write(store.OpInsert, "notes", "n1", nil, 0))
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	calls := map[string]func() error{
		"Get":   func() error { _, err := f.s.Get(ctx, "notes", "n1"); return err },
		"Find":  func() error { _, err := f.s.Find(ctx, "notes", store.Query{}); return err },
		"Count": func() error { _, err := f.s.Count(ctx, "notes", store.Query{}); return err },
		"Aggregate": func() error {
			_, err := f.s.Aggregate(ctx, "notes", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggCount}}})
			return err
		},
		"Commit": func() error {
			_, err := f.s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "n2", nil, 0)}})
			return err
		},
		"Increment":  func() error { _, err := f.s.Increment(ctx, "c", 1); return err },
		"ReadEvents": func() error { _, err := f.s.ReadEvents(ctx, 0, 10); return err },
		"Enqueue":    func() error { return f.s.Enqueue(ctx, store.QueueItem{ID: "j", Queue: "hooks"}) },
		"Claim":      func() error { _, err := f.s.Claim(ctx, "hooks", "w", time.Minute); return err },
	}
	for name, call := range calls {
		if err := safely(call); err == nil {
			f.t.Errorf("%s with a canceled context returned no error", name)
		}
	}
	_, err := f.s.Get(f.ctx, "notes", "n2")
	f.wantErr("Get of the canceled insert", err, store.ErrNotFound)
	f.depth("hooks", 0)
}

func testClosed(f *fixture) {
	f.one(write(store.OpInsert, "notes", "n1", nil, 0))
	f.noErr("Close", f.s.Close())
	calls := map[string]func() error{
		"Ping": func() error { return f.s.Ping(f.ctx) },
		"Get":  func() error { _, err := f.s.Get(f.ctx, "notes", "n1"); return err },
		"Find": func() error { _, err := f.s.Find(f.ctx, "notes", store.Query{}); return err },
		"Count": func() error {
			_, err := f.s.Count(f.ctx, "notes", store.Query{})
			return err
		},
		"Distinct": func() error { _, err := f.s.Distinct(f.ctx, "notes", "a", store.Query{}, 10); return err },
		"Aggregate": func() error {
			_, err := f.s.Aggregate(f.ctx, "notes", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggCount}}})
			return err
		},
		"Commit": func() error {
			_, err := f.s.Commit(f.ctx, store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "n2", nil, 0)}})
			return err
		},
		"EnsureIndexes":  func() error { return f.s.EnsureIndexes(f.ctx, "notes", nil) },
		"DropCollection": func() error { return f.s.DropCollection(f.ctx, "notes") },
		"ReadEvents":     func() error { _, err := f.s.ReadEvents(f.ctx, 0, 10); return err },
		"Increment":      func() error { _, err := f.s.Increment(f.ctx, "c", 1); return err },
		"Enqueue":        func() error { return f.s.Enqueue(f.ctx, store.QueueItem{ID: "j", Queue: "hooks"}) },
		"Claim":          func() error { _, err := f.s.Claim(f.ctx, "hooks", "w", time.Minute); return err },
		"Extend":         func() error { return f.s.Extend(f.ctx, "hooks", "j", "w", time.Minute) },
		"Ack":            func() error { return f.s.Ack(f.ctx, "hooks", "j", "w") },
		"Retry":          func() error { return f.s.Retry(f.ctx, "hooks", "j", "w", time.Now()) },
		"Depth":          func() error { _, err := f.s.Depth(f.ctx, "hooks"); return err },
	}
	for name, call := range calls {
		f.wantErr(name+" after Close", safely(call), store.ErrClosed)
	}
}
