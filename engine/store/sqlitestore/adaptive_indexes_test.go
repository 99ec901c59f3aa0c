package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// smallAdaptive lets adaptive indexes be made on the small tables of a
// test, with a window of w rows, until the test ends.
func smallAdaptive(t *testing.T, w, maxIndexes int) {
	t.Helper()
	rows, window, n := axMinRows, axWindow, axMaxIndexes
	axMinRows, axWindow, axMaxIndexes = 0, w, maxIndexes
	t.Cleanup(func() { axMinRows, axWindow, axMaxIndexes = rows, window, n })
}

// withoutAdaptive runs fn with adaptive indexes ignored by every query.
func withoutAdaptive(fn func()) {
	axTestHook = func(string) bool { return false }
	defer func() { axTestHook = nil }()
	fn()
}

func seedDeals(t *testing.T, s *Store, n int) {
	t.Helper()
	regions := []string{"华东", "华南", "华北"}
	u := store.UnitOfWork{Actor: "t"}
	for i := range n {
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{ID: fmt.Sprintf("d%03d", i),
			Data: map[string]any{"f": map[string]any{"region": regions[i%3], "amount": float64(i * 7 % 100), "source": "web", "tags": []any{"x"}}}}})
	}
	if _, err := s.Commit(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// TestAdaptiveIndexPlans checks with EXPLAIN QUERY PLAN that, once a query
// asked for it, an adaptive index on value columns serves the unindexed
// count (a search), the sorted page (search and order), the grouping (no
// temporary B-tree) and the default-order page (the rowid list from the
// index, then the rows by rowid); that the recycle bin and array paths
// keep their scans; and that the answers do not move. (SQLite reports
// "USING INDEX", not "COVERING", because deleted_at is not in the index,
// but the partial index implies its only condition and the row is never
// read: a count of 5,000 entries costs 0.4 ms, 80 ns an entry.)
func TestAdaptiveIndexPlans(t *testing.T) {
	smallAdaptive(t, 4, 4)
	s := openTest(t)
	ctx := context.Background()
	seedDeals(t, s, 60)
	filter := ptrF(store.And(store.Where("f.region", store.OpEq, "华南"), store.Where("f.amount", store.OpGt, 20)))
	byAmount := []store.SortKey{{Field: "f.amount", Desc: true}}
	newest := []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}
	agg := store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "f.region"}}, Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "f.amount"}}}
	run := func() (any, error) {
		var out []any
		n, err := s.Count(ctx, "deals", store.Query{Filter: filter})
		out = append(out, n)
		for _, sort := range [][]store.SortKey{byAmount, newest} {
			p, err2 := s.Find(ctx, "deals", store.Query{Filter: filter, Sort: sort, Limit: 5})
			out = append(out, ids(p))
			err = errorsJoin(err, err2)
		}
		g, err2 := s.Aggregate(ctx, "deals", agg)
		out = append(out, fmt.Sprint(g))
		return fmt.Sprint(out), errorsJoin(err, err2)
	}
	before, err := run()
	if err != nil {
		t.Fatal(err)
	}
	syncWriter(t, s)
	have, _ := s.reg.axIndexes("deals")
	if len(have) != 1 || len(have[0].cols) != 2 {
		t.Fatalf("adaptive indexes = %+v, want one on (region, amount)", have)
	}
	ax := have[0].sqlName("deals")
	compile := func(f *store.Filter, sort []store.SortKey) *compiler {
		c := newCompiler(s.reg.kindTester("deals", false))
		c.column, _ = s.reg.columnTester("deals", false, f, sort)
		return c
	}
	t.Run("count searches the covering index", func(t *testing.T) {
		q, _ := store.NormalizeQuery(store.Query{Filter: filter})
		c := compile(q.Filter, nil)
		c.indexedBy = s.axPick(c, "deals", pageShape(q, nil), q.Deleted)
		sql, err := buildCount(c, "deals", q, true)
		if err != nil {
			t.Fatal(err)
		}
		if plan := explain(t, s, sql, c.args); !strings.Contains(plan, "USING INDEX "+ax) {
			t.Errorf("plan:\n%s\n%s", sql, plan)
		}
	})
	t.Run("sorted page searches and orders by the index", func(t *testing.T) {
		q, _ := store.NormalizeQuery(store.Query{Filter: filter, Sort: byAmount, Limit: 5})
		c := compile(q.Filter, q.Sort)
		c.indexedBy = s.axPick(c, "deals", pageShape(q, plainOrder(q.Sort)), q.Deleted)
		sql, err := buildFind(c, "deals", q, nil)
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, s, sql, c.args)
		if !strings.Contains(plan, "USING INDEX "+ax) || strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("plan:\n%s\n%s", sql, plan)
		}
	})
	t.Run("grouping reads the index in order", func(t *testing.T) {
		q, _ := store.NormalizeAggregate(agg)
		c := compile(nil, nil)
		c.indexedBy = s.axPick(c, "deals", aggregateShape(q), q.Deleted)
		sql, err := buildAggregate(c, "deals", q, newAggAcc(q), true, "")
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, s, sql, c.args)
		if !strings.Contains(plan, "USING INDEX "+ax) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan:\n%s\n%s", sql, plan)
		}
	})
	t.Run("default order lists rowids from the index, then reads rows by rowid", func(t *testing.T) {
		q, _ := store.NormalizeQuery(store.Query{Filter: filter, Sort: newest, Limit: 5})
		c := compile(q.Filter, q.Sort)
		ph := ridPhase{searching: true}
		ph.ax = s.axPick(c, "deals", pageShape(q, nil), q.Deleted)
		list, err := buildRidFind(c, "deals", q, nil, &ph)
		if err != nil {
			t.Fatal(err)
		}
		if plan := explain(t, s, list, c.args); !strings.Contains(plan, "USING INDEX "+ax) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("list plan:\n%s\n%s", list, plan)
		}
		plan := explain(t, s, ph.fetch, append(c.args, "[1,2]"))
		if !strings.Contains(plan, "INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("fetch plan:\n%s\n%s", ph.fetch, plan)
		}
	})
	t.Run("recycle bin and array paths keep their plans", func(t *testing.T) {
		for _, q := range []store.Query{{Filter: filter, Deleted: store.IncludeDeleted},
			{Filter: ptrF(store.And(store.Where("f.region", store.OpEq, "华南"), store.Where("f.tags", store.OpEq, "x")))}} {
			q, _ = store.NormalizeQuery(q)
			c := compile(q.Filter, nil)
			if got := s.axPick(c, "deals", pageShape(q, nil), q.Deleted); got != "" {
				t.Errorf("%+v picked %s", q, got)
			}
		}
	})
	after, err := run()
	if err != nil || after != before {
		t.Fatalf("answers moved: %v\nbefore %v\nafter  %v", err, before, after)
	}
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// TestAdaptiveIndexesMatchScans is a differential test of adaptive indexes
// against the scans they replace, on a seeded random data set with mixed
// type brackets (numbers and strings on one path), nulls, missing fields,
// nested objects, booleans, arrays and subform rows, across inserts,
// updates and soft deletes after the indexes exist, a path that gains an
// array after its index was made, and a reopen: every page (all of them,
// through cursors, in both directions of _created_at and by fields), count
// and aggregate answers the same with and without the indexes.
func TestAdaptiveIndexesMatchScans(t *testing.T) {
	smallAdaptive(t, 20, 40)
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, 17))
	strs := []string{"", "a", "b", "华南", "华北", "10", "[x]"}
	scalar := func() any {
		switch r.IntN(6) {
		case 0:
			return float64(r.IntN(5))
		case 1:
			return float64(r.IntN(100)) / 4
		case 2:
			return nil
		default:
			return strs[r.IntN(len(strs))]
		}
	}
	doc := func(i int) map[string]any {
		f := map[string]any{"m": scalar(), "n": float64(r.IntN(50)), "s": strs[r.IntN(len(strs))], "g": strs[1+r.IntN(3)],
			"o": map[string]any{"x": scalar()}, "arr": []any{scalar(), scalar()},
			"rows": []any{map[string]any{"q": float64(r.IntN(9))}, map[string]any{"q": scalar()}}}
		if i%3 == 0 {
			f["b"] = i%2 == 0
		}
		for _, k := range []string{"m", "n", "s", "o", "g"} {
			if r.IntN(6) == 0 {
				delete(f, k)
			}
		}
		return map[string]any{"f": f, "v": float64(i % 4)}
	}
	n := 0
	insert := func(k int, extra func(map[string]any)) {
		// Units of varying size: equal _created_at groups, as imports make.
		for k > 0 {
			u := store.UnitOfWork{Actor: "t"}
			for range min(k, 1+r.IntN(12)) {
				n++
				k--
				d := doc(n)
				if extra != nil {
					extra(d)
				}
				u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "d", Doc: store.Document{ID: fmt.Sprintf("d%04d", n), Data: d}})
			}
			if _, err := s.Commit(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert(400, nil)
	eqPaths := []string{"f.m", "f.n", "f.s", "f.g", "f.o.x", "v", "f.b", "f.arr"}
	otherPaths := []string{"f.m", "f.n", "f.s", "f.o.x", "f.b", "f.arr", "f.rows.q", "f.missing", "v"}
	ops := []store.Op{store.OpEq, store.OpNe, store.OpGt, store.OpGte, store.OpLt, store.OpLte, store.OpIn, store.OpNin,
		store.OpExists, store.OpEmpty, store.OpContains, store.OpStartsWith, store.OpBetween}
	leaf := func(path string, op store.Op) store.Filter {
		switch op {
		case store.OpIn, store.OpNin:
			return store.Where(path, op, []any{scalar(), scalar()})
		case store.OpExists, store.OpEmpty:
			return store.Where(path, op, r.IntN(2) == 0)
		case store.OpContains, store.OpStartsWith:
			return store.Where(path, op, strs[1+r.IntN(len(strs)-1)])
		case store.OpBetween:
			if r.IntN(2) == 0 {
				return store.Where(path, op, []any{float64(r.IntN(10)), float64(10 + r.IntN(40))})
			}
			return store.Where(path, op, []any{"a", "华"})
		case store.OpGt, store.OpGte, store.OpLt, store.OpLte:
			if r.IntN(2) == 0 {
				return store.Where(path, op, strs[r.IntN(len(strs))])
			}
			return store.Where(path, op, float64(r.IntN(40)))
		}
		v := scalar()
		if r.IntN(8) == 0 {
			v = r.IntN(2) == 0
		}
		return store.Where(path, op, v)
	}
	// Filters with a top-level equality (what adaptive indexes search),
	// and some without.
	filter := func() *store.Filter {
		var parts []store.Filter
		if r.IntN(5) != 0 {
			op := store.OpEq
			if r.IntN(4) == 0 {
				op = store.OpIn
			}
			parts = append(parts, leaf(eqPaths[r.IntN(len(eqPaths))], op))
		}
		for range r.IntN(3) {
			l := leaf(otherPaths[r.IntN(len(otherPaths))], ops[r.IntN(len(ops))])
			switch r.IntN(5) {
			case 0:
				l = store.Or(l, leaf(otherPaths[r.IntN(len(otherPaths))], ops[r.IntN(len(ops))]))
			case 1:
				l = store.Not(l)
			}
			parts = append(parts, l)
		}
		if len(parts) == 0 {
			parts = append(parts, leaf("f.g", store.OpEq))
		}
		f := store.And(parts...)
		return &f
	}
	sorts := []string{"f.m", "f.n", "f.s", "f.o.x", "f.arr", store.FieldCreatedAt, store.FieldCreatedAt}
	type check struct {
		q   store.Query
		agg store.AggregateQuery
	}
	var checks []check
	for range 80 {
		q := store.Query{Filter: filter(), Limit: 1 + r.IntN(15), Sort: []store.SortKey{{Field: sorts[r.IntN(len(sorts))], Desc: r.IntN(3) != 0}}}
		if r.IntN(8) == 0 {
			q.Deleted = store.IncludeDeleted
		}
		if r.IntN(6) == 0 {
			q.Offset = r.IntN(30)
		}
		a := store.AggregateQuery{GroupBy: []store.GroupKey{{Field: []string{"f.g", "f.s", "f.m", "v"}[r.IntN(4)]}},
			Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "f.n"}, {Op: store.AggMin, Field: "f.m"}, {Op: store.AggAvg, Field: "f.o.x"}}}
		if r.IntN(2) == 0 {
			a.Filter = q.Filter
		}
		checks = append(checks, check{q, a})
	}
	answer := func(c check) string {
		var b strings.Builder
		q := c.q
		for {
			p, err := s.Find(ctx, "d", q)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(&b, ids(p))
			if p.NextCursor == "" || q.Offset > 0 {
				break
			}
			q.After = p.NextCursor
		}
		cnt, err := s.Count(ctx, "d", c.q)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Aggregate(ctx, "d", c.agg)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(&b, " count ", cnt, " groups ", g)
		return b.String()
	}
	picked := 0
	compare := func(stage string) {
		t.Helper()
		for i, c := range checks {
			var want string
			withoutAdaptive(func() { want = answer(c) })
			axTestHook = func(name string) bool {
				if name != "" {
					picked++
				}
				return true
			}
			got := answer(c)
			axTestHook = nil
			if got != want {
				t.Fatalf("%s, check %d, filter %+v sort %v offset %d:\nindexes %s\nscans   %s", stage, i, c.q.Filter, c.q.Sort, c.q.Offset, got, want)
			}
		}
	}
	// The first pass asks for columns and indexes.
	for _, c := range checks {
		answer(c)
	}
	syncWriter(t, s)
	for _, c := range checks {
		answer(c)
	}
	syncWriter(t, s)
	have, _ := s.reg.axIndexes("d")
	if len(have) < 5 {
		t.Fatalf("only %d adaptive indexes made: %+v", len(have), have)
	}
	compare("after the indexes")
	if picked < 200 {
		t.Fatalf("adaptive indexes picked only %d times", picked)
	}
	// Writes after the indexes exist: inserts, updates (values move
	// between brackets), soft deletes, and a path that gains an array.
	insert(150, nil)
	p, err := s.Find(ctx, "d", store.Query{Limit: 80, Sort: []store.SortKey{{Field: "f.n"}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range p.Docs {
		w := store.Write{Op: store.OpUpdate, Collection: "d", Doc: store.Document{ID: d.ID, Data: doc(5000 + i)}}
		if i%4 == 0 {
			w = store.Write{Op: store.OpSoftDelete, Collection: "d", Doc: d}
		}
		if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "t", Writes: []store.Write{w}}); err != nil {
			t.Fatal(err)
		}
	}
	compare("after writes")
	insert(30, func(d map[string]any) { d["f"].(map[string]any)["g"] = []any{"a", "b"} })
	compare("after f.g held an array")
	syncWriter(t, s)
	have, _ = s.reg.axIndexes("d")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.reg.axIndexes("d"); len(again) != len(have) {
		t.Fatalf("after a reopen: %d adaptive indexes, want %d", len(again), len(have))
	}
	picked = 0
	compare("after a reopen")
	if picked == 0 {
		t.Fatal("no adaptive index picked after a reopen")
	}
	if !slices.ContainsFunc(have, func(a axIndex) bool { return len(a.cols) > 1 }) {
		t.Errorf("no multi-column index: %+v", have)
	}
}
