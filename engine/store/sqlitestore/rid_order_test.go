package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestRidOrderPlan checks with EXPLAIN QUERY PLAN that a default-order page
// with a filter no index serves scans the table backwards in rowid order
// without sorting, and that the other pages keep their plans.
func TestRidOrderPlan(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "stage_created", Fields: []store.SortKey{{Field: "stage"}, {Field: store.FieldCreatedAt}}}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{"a": {"stage": "won", "amount": 60000, "region": "华南"}})
	unindexed := ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000)))
	byCreated := func(desc bool) []store.SortKey { return []store.SortKey{{Field: store.FieldCreatedAt, Desc: desc}} }
	for _, tt := range []struct {
		name string
		q    store.Query
		rid  bool
	}{
		{"default order, unindexed filter", store.Query{Filter: unindexed, Sort: byCreated(true), Limit: 20}, true},
		{"oldest first, unindexed filter", store.Query{Filter: unindexed, Sort: byCreated(false), Limit: 20}, true},
		{"indexed filter keeps its index", store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won")), Sort: byCreated(true), Limit: 20}, false},
		{"no filter keeps the created index", store.Query{Sort: byCreated(true), Limit: 20}, false},
		{"another sort", store.Query{Filter: unindexed, Sort: []store.SortKey{{Field: "amount"}}, Limit: 20}, false},
		{"recycle bin", store.Query{Filter: unindexed, Sort: byCreated(true), Deleted: store.OnlyDeleted, Limit: 20}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ridPlanFits(q, s.reg.declared("deals")); got != tt.rid {
				t.Fatalf("ridPlanFits = %v, want %v", got, tt.rid)
			}
			if !tt.rid {
				return
			}
			c := newCompiler(s.reg.kindTester("deals", false))
			sql, err := buildRidFind(c, "deals", q, &store.Cursor{Values: []any{store.FormatTime(time.Now())}, ID: "x"}, &ridPhase{})
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, s, sql, c.args)
			if !strings.Contains(plan+"\n", "SCAN c_deals\n") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("plan is not a table scan in rowid order:\n%s\n%s", sql, plan)
			}
		})
	}
}

// TestRidOrderPagesMatchIndexPlan is a differential test: on a seeded
// random data set inserted in units of several documents (ties of
// _created_at, random ids), every page of the rowid-order plan, followed
// by cursor or by offset, in both directions, equals the index plan's.
// Then a unit dated earlier than the newest document breaks the order: the
// store notices, persists it across a reopen, and pages stay right.
func TestRidOrderPagesMatchIndexPlan(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	regions := []string{"华南", "华北", "华东"}
	insertUnit := func(at time.Time, n int) {
		t.Helper()
		u := store.UnitOfWork{Actor: "t", At: at}
		for range n {
			id := fmt.Sprintf("%c%06d", 'a'+rune(r.IntN(26)), r.IntN(1_000_000))
			u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "r", Doc: store.Document{ID: id, Data: map[string]any{
				"region": regions[r.IntN(3)], "amount": r.IntN(100), "tags": []any{regions[r.IntN(3)]}}}})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	filters := []*store.Filter{
		ptrF(store.Where("region", store.OpEq, "华南")),
		ptrF(store.And(store.Where("region", store.OpNe, "华北"), store.Where("amount", store.OpGt, 30))),
		ptrF(store.Where("tags", store.OpEq, "华东")),
		ptrF(store.Where("missing", store.OpExists, false)),
	}
	compare := func(label string) {
		t.Helper()
		for fi, f := range filters {
			for _, desc := range []bool{true, false} {
				for _, limit := range []int{1, 3, 7, 50} {
					q := store.Query{Filter: f, Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: desc}}, Limit: limit}
					want := allPages(t, s, q, false)
					got := allPages(t, s, q, true)
					if !slices.Equal(got, want) {
						t.Fatalf("%s: filter %d desc=%v limit=%d:\nrid   %v\nindex %v", label, fi, desc, limit, got, want)
					}
					for _, off := range []int{0, 2, 9} {
						q.Offset = off
						if g, w := onePage(t, s, q, true), onePage(t, s, q, false); !slices.Equal(g, w) {
							t.Fatalf("%s: offset %d: rid %v, index %v", label, off, g, w)
						}
					}
				}
			}
		}
	}
	for i := range 60 {
		at = at.Add(time.Duration(1+r.IntN(3)) * time.Millisecond)
		// After the first 30 units, concurrent writers' units arrive a
		// few milliseconds out of order.
		jitter := time.Duration(0)
		if i >= 30 {
			jitter = -time.Duration(r.IntN(5)) * time.Millisecond
		}
		insertUnit(at.Add(jitter), 1+r.IntN(6))
		if i == 29 {
			if ok, slack := s.reg.ridOrdered("r"); !ok || slack != 0 {
				t.Fatalf("in-order inserts: ordered %v, slack %v", ok, slack)
			}
			compare("in order, no slack")
		}
	}
	// A soft-deleted document.
	p, err := s.Find(ctx, "r", store.Query{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "t", Writes: []store.Write{{Op: store.OpSoftDelete, Collection: "r", Doc: p.Docs[0]}}}); err != nil {
		t.Fatal(err)
	}
	ok, slack := s.reg.ridOrdered("r")
	if !ok || slack <= 0 || slack > 5*time.Millisecond {
		t.Fatalf("after out-of-order units: ordered %v, slack %v (want up to 5ms)", ok, slack)
	}
	compare("ordered with slack")
	// Huge tie groups go back to the index plan.
	old := ridMaxExtra
	ridMaxExtra = 2
	compare("tie groups over the limit")
	ridMaxExtra = old
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if ok, got := s.reg.ridOrdered("r"); !ok || got != slack {
		t.Fatalf("after a reopen: ordered %v, slack %v; want true, %v", ok, got, slack)
	}
	compare("reopened")
	insertUnit(at.Add(-time.Hour), 3)
	if ok, _ := s.reg.ridOrdered("r"); ok {
		t.Fatal("a unit dated before the newest document left the table marked ordered")
	}
	compare("unordered")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, _ := s.reg.ridOrdered("r"); ok {
		t.Fatal("the broken order did not survive a reopen")
	}
}

// withRid runs fn with the rowid-order plan allowed or not for coll.
func withRid(s *Store, coll string, on bool, fn func()) {
	s.reg.mu.Lock()
	ci := s.reg.colls[coll]
	saved := ci.ridOrder
	if !on {
		ci.ridOrder = ridUnordered
	}
	s.reg.mu.Unlock()
	defer func() {
		s.reg.mu.Lock()
		ci.ridOrder = saved
		s.reg.mu.Unlock()
	}()
	fn()
}

func allPages(t *testing.T, s *Store, q store.Query, rid bool) []string {
	t.Helper()
	var out []string
	withRid(s, "r", rid, func() {
		for {
			p, err := s.Find(context.Background(), "r", q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ids(p)...)
			if p.NextCursor == "" {
				return
			}
			out = append(out, "|")
			q.After = p.NextCursor
		}
	})
	return out
}

func onePage(t *testing.T, s *Store, q store.Query, rid bool) []string {
	t.Helper()
	var out []string
	withRid(s, "r", rid, func() {
		p, err := s.Find(context.Background(), "r", q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(ids(p), p.NextCursor)
	})
	return out
}
