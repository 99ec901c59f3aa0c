package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// eachClockedBackend runs fn with a fixture whose engine reads clock, on
// SQLite and on the Mongo adapter against the in-process FerretDB.
func eachClockedBackend(t *testing.T, fn func(t *testing.T, f *fixture, clock *testClock)) {
	open := map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		"mongo": func(t *testing.T) store.Store {
			st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true})
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
	}
	for _, name := range []string{"sqlite", "mongo"} {
		t.Run(name, func(t *testing.T) {
			st := open[name](t)
			t.Cleanup(func() { st.Close() })
			clock := &testClock{now: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
			e, err := engine.New(t.Context(), st, engine.Options{Clock: clock.Now, Authorizer: access.New()})
			if err != nil {
				t.Fatal(err)
			}
			f := &fixture{e: e, b: builder.New(e), ctx: t.Context()}
			f.admin, f.member = f.newWorkspace(t, "示例公司")
			fn(t, f, clock)
		})
	}
}

// recordCount counts the live records of a form.
func recordCount(t *testing.T, f *fixture, formID string) int {
	t.Helper()
	page, err := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Limit: 500, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	return int(*page.Total)
}

func TestCreateRecordOnce(t *testing.T) {
	eachClockedBackend(t, func(t *testing.T, f *fixture, clock *testClock) {
		formID := f.publish(t, f.admin, opportunityForm())
		input := map[string]any{"company": "甲公司", "amount": 100}
		first, replayed, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-1", input, engine.WriteOptions{})
		if err != nil || replayed {
			t.Fatalf("first create: replayed %v, %v", replayed, describe(err))
		}
		// The same key and body: the first answer, field for field, and no second record.
		clock.Add(time.Hour)
		again, replayed, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-1", map[string]any{"amount": 100, "company": "甲公司"}, engine.WriteOptions{})
		if err != nil || !replayed {
			t.Fatalf("repeat: replayed %v, %v", replayed, describe(err))
		}
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(again)
		if string(a) != string(b) {
			t.Fatalf("replayed answer differs:\nfirst  %s\nreplay %s", a, b)
		}
		if n := recordCount(t, f, formID); n != 1 {
			t.Fatalf("%d records after a replay", n)
		}
		// The same key with another body is refused and writes nothing.
		if _, _, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-1", map[string]any{"company": "乙公司"}, engine.WriteOptions{}); !errors.Is(err, engine.ErrIdempotencyReused) {
			t.Fatalf("another body: %v", err)
		}
		// Keys are per caller: the admin's "order-1" is another key.
		if _, replayed, err := f.e.CreateRecordOnce(f.ctx, f.admin, formID, "order-1", map[string]any{"company": "乙公司"}, engine.WriteOptions{}); err != nil || replayed {
			t.Fatalf("another caller's key: replayed %v, %v", replayed, describe(err))
		}
		// After IdempotencyTTL the key is free again.
		clock.Add(engine.IdempotencyTTL)
		later, replayed, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-1", map[string]any{"company": "丙公司"}, engine.WriteOptions{})
		if err != nil || replayed || later.ID == first.ID {
			t.Fatalf("after the TTL: replayed %v, same id %v, %v", replayed, later.ID == first.ID, describe(err))
		}
		if n := recordCount(t, f, formID); n != 3 {
			t.Fatalf("%d records, want 3", n)
		}
		// The purge removes the expired keys only: the admin's, made before
		// the TTL passed; the member's new one stays and still replays.
		if n, err := f.e.PurgeIdempotencyKeys(f.ctx); err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		if _, replayed, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-1", map[string]any{"company": "丙公司"}, engine.WriteOptions{}); err != nil || !replayed {
			t.Fatalf("after the purge: replayed %v, %v", replayed, describe(err))
		}
		// A failed create reserves nothing: the key works once the input is fixed.
		if _, _, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-2", map[string]any{"amount": -1}, engine.WriteOptions{}); fieldErrors(t, err)["company"] != engine.CodeRequired {
			t.Fatalf("bad input: %v", describe(err))
		}
		if _, replayed, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "order-2", map[string]any{"company": "丁公司"}, engine.WriteOptions{}); err != nil || replayed {
			t.Fatalf("after a failed create: replayed %v, %v", replayed, describe(err))
		}
		for _, bad := range []string{"", "tab\there", string(make([]byte, engine.MaxIdempotencyKey+1))} {
			if _, _, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, bad, input, engine.WriteOptions{}); fieldErrors(t, err)["Idempotency-Key"] != engine.CodeIdempotencyKey {
				t.Errorf("key %q: %v", bad, describe(err))
			}
		}
	})
}

// TestCreateRecordOnceConcurrent sends one key from many goroutines at
// once: one record, every caller gets its answer.
func TestCreateRecordOnceConcurrent(t *testing.T) {
	eachClockedBackend(t, func(t *testing.T, f *fixture, _ *testClock) {
		formID := f.publish(t, f.admin, opportunityForm())
		const n = 8
		var wg sync.WaitGroup
		ids := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				r, _, err := f.e.CreateRecordOnce(f.ctx, f.member, formID, "same-key", map[string]any{"company": "并发"}, engine.WriteOptions{})
				ids[i], errs[i] = r.ID, err
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, describe(errs[i]))
			}
			if ids[i] != ids[0] {
				t.Fatalf("callers got records %s and %s", ids[0], ids[i])
			}
		}
		if c := recordCount(t, f, formID); c != 1 {
			t.Fatalf("%d records for one key", c)
		}
	})
}
