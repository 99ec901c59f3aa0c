package sqlitestore

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestCompactLayout: a new table stores _updated_at and _updated_by only
// once a document changes; reads, sorts and filters on them answer as
// before, for created, updated, deleted and restored documents.
func TestCompactLayout(t *testing.T) {
	clock := store.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	s, err := Open(t.TempDir(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	commit := func(u store.UnitOfWork) store.Document {
		t.Helper()
		res, err := s.Commit(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return res.Docs[0]
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		commit(store.UnitOfWork{Actor: "alice", Writes: []store.Write{{Op: store.OpInsert, Collection: "x", Doc: store.Document{ID: id, Data: map[string]any{"n": 1.0}}}}})
		clock.Advance(time.Second)
	}
	commit(store.UnitOfWork{Actor: "bob", Writes: []store.Write{{Op: store.OpUpdate, Collection: "x", Doc: store.Document{ID: "a", Data: map[string]any{"n": 2.0}}}}})
	clock.Advance(time.Second)
	commit(store.UnitOfWork{Actor: "carol", Writes: []store.Write{{Op: store.OpSoftDelete, Collection: "x", Doc: store.Document{ID: "b"}}}})
	clock.Advance(time.Second)
	commit(store.UnitOfWork{Actor: "dave", Writes: []store.Write{{Op: store.OpRestore, Collection: "x", Doc: store.Document{ID: "b"}}}})

	raw := map[string][2]sql.NullString{}
	rows, err := s.rdb.Query(`SELECT id, upd_at, upd_by FROM "c_x"`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var at, by sql.NullString
		if err := rows.Scan(&id, &at, &by); err != nil {
			t.Fatal(err)
		}
		raw[id] = [2]sql.NullString{at, by}
	}
	rows.Close()
	if raw["c"][0].Valid || raw["c"][1].Valid || raw["d"][0].Valid || !raw["a"][0].Valid || raw["a"][1].String != "bob" || raw["b"][1].String != "dave" {
		t.Fatalf("stored update columns: %v", raw)
	}
	want := map[string][2]string{"a": {"bob", "2026-03-01T08:00:04Z"}, "b": {"dave", "2026-03-01T08:00:06Z"},
		"c": {"alice", "2026-03-01T08:00:02Z"}, "d": {"alice", "2026-03-01T08:00:03Z"}}
	for id, w := range want {
		d, err := s.Get(ctx, "x", id)
		if err != nil {
			t.Fatal(err)
		}
		if d.UpdatedBy != w[0] || !d.UpdatedAt.Equal(mustTime(t, w[1])) || d.CreatedBy != "alice" {
			t.Fatalf("%s: updated %s by %s, created by %s", id, d.UpdatedAt, d.UpdatedBy, d.CreatedBy)
		}
	}
	p, err := s.Find(ctx, "x", store.Query{Sort: []store.SortKey{{Field: store.FieldUpdatedAt, Desc: true}}})
	if err != nil || !equalIDs(ids(p), []string{"b", "a", "d", "c"}) {
		t.Fatalf("by _updated_at: %v, %v", ids(p), err)
	}
	n, err := s.Count(ctx, "x", store.Query{Filter: ptrF(store.Where(store.FieldUpdatedBy, store.OpEq, "alice"))})
	if err != nil || n != 2 {
		t.Fatalf("_updated_by = alice: %d, %v", n, err)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
