package sqlitestore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// indexNames lists the SQLite indexes of coll's table.
func indexNames(t *testing.T, s *Store, coll string) []string {
	t.Helper()
	rows, err := s.rdb.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? ORDER BY name`, "c_"+coll)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// TestSystemIndexesOnDemand: a new collection writes one index entry per
// document (its id) besides the declared indexes; default-order pages, with
// and without a filter, run the rowid plan and make no index; a sort or a
// filter on _created_at or _updated_at off that plan gets its index built
// by the writer, and every answer is the same before and after.
func TestSystemIndexesOnDemand(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "h", []store.Index{{Name: "n", Fields: []store.SortKey{{Field: "n"}, {Field: store.FieldCreatedAt}}}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []store.Document
	for u := 0; u < 30; u++ {
		at = at.Add(time.Second)
		unit := store.UnitOfWork{Actor: "t", At: at}
		for i := 0; i < 5; i++ {
			unit.Writes = append(unit.Writes, store.Write{Op: store.OpInsert, Collection: "h", Doc: store.Document{
				ID: fmt.Sprintf("d%03d", ((u*5+i)*37)%150), Data: map[string]any{"n": u*5 + i}}})
		}
		res, err := s.Commit(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, res.Docs...)
	}
	if got := indexNames(t, s, "h"); !slices.Equal(got, []string{"c_h__ix_n", "c_h__sys_deleted", "sqlite_autoindex_c_h_1"}) {
		t.Fatalf("indexes of a new collection: %v", got)
	}
	order := func(desc bool) []string {
		d := slices.Clone(want)
		slices.SortFunc(d, func(a, b store.Document) int {
			if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
				if desc {
					return -c
				}
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		out := make([]string, len(d))
		for i, x := range d {
			out[i] = x.ID
		}
		return out
	}
	// all pages through q, by cursor.
	all := func(q store.Query) []string {
		var out []string
		for {
			p, err := s.Find(ctx, "h", q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ids(p)...)
			if p.NextCursor == "" {
				return out
			}
			q.After = p.NextCursor
		}
	}
	for _, desc := range []bool{true, false} {
		q := store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: desc}}, Limit: 7, Filter: ptrF(store.Where("m", store.OpExists, false))}
		if got := all(q); !slices.Equal(got, order(desc)) {
			t.Fatalf("default order (desc %v) with a filter:\n got %v\nwant %v", desc, got, order(desc))
		}
	}
	// A filter a declared index serves: that index finds the rows.
	p, err := s.Find(ctx, "h", store.Query{Filter: ptrF(store.Where("n", store.OpEq, 7.0)), Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}})
	if err != nil || len(p.Docs) != 1 {
		t.Fatal(ids(p), err)
	}
	syncWriter(t, s)
	if got := indexNames(t, s, "h"); len(got) != 3 {
		t.Fatalf("pages that need no system index made some: %v", got)
	}
	// Without a filter the rowid plan answers, and asks for the index
	// the next pages use.
	for _, desc := range []bool{true, false} {
		q := store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: desc}}, Limit: 7}
		if got := all(q); !slices.Equal(got, order(desc)) {
			t.Fatalf("default order (desc %v) without a filter:\n got %v\nwant %v", desc, got, order(desc))
		}
		syncWriter(t, s)
		if got := all(q); !slices.Equal(got, order(desc)) {
			t.Fatalf("default order (desc %v) without a filter, by the index: %v", desc, got)
		}
	}
	if got := indexNames(t, s, "h"); !slices.Contains(got, "c_h__sys_created_rev") || !slices.Contains(got, "c_h__sys_created") {
		t.Fatalf("lists without a filter made no index: %v", got)
	}
	// Off the rowid plan: a deep offset, a sort by _updated_at, a filter on _created_at.
	deep := store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Offset: ridMaxOffset + 1, Limit: 5}
	byUpdated := store.Query{Sort: []store.SortKey{{Field: store.FieldUpdatedAt, Desc: true}}, Limit: 7}
	since := store.Query{Filter: ptrF(store.Where(store.FieldCreatedAt, store.OpGt, store.FormatTime(at.Add(-10*time.Second))))}
	run := func() (int, []string, int64) {
		p, err := s.Find(ctx, "h", deep)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Count(ctx, "h", since)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Docs), all(byUpdated), n
	}
	n1, u1, c1 := run()
	syncWriter(t, s)
	got := indexNames(t, s, "h")
	for _, ix := range []string{"c_h__sys_created", "c_h__sys_created_rev", "c_h__sys_updated"} {
		if !slices.Contains(got, ix) {
			t.Fatalf("%s not made: %v", ix, got)
		}
	}
	n2, u2, c2 := run()
	if n1 != 0 || n2 != 0 || c1 != 50 || c2 != 50 || !slices.Equal(u1, order(true)) || !slices.Equal(u2, u1) {
		t.Fatalf("answers before and after the indexes: %d %d, %d %d, %v %v", n1, n2, c1, c2, u1, u2)
	}
	// A reopened store knows them.
	dir := s.dir
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if !s2.reg.sysServes("h", store.FieldCreatedAt, true) || !s2.reg.sysServes("h", store.FieldUpdatedAt, false) {
		t.Fatal("reopened store does not know its system indexes")
	}
}
