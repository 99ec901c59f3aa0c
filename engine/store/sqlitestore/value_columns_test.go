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

// syncWriter waits until the writer has finished everything submitted so
// far, including the value columns it adds after a transaction.
func syncWriter(t testing.TB, s *Store) {
	t.Helper()
	if err := s.submit(context.Background(), &job{exclusive: true, apply: func(*wtx) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	// The exclusive job ran after the previous batch's columns; run one
	// more so the columns noted by that batch are in too.
	if err := s.submit(context.Background(), &job{exclusive: true, apply: func(*wtx) error { return nil }}); err != nil {
		t.Fatal(err)
	}
}

// withoutColumns runs fn with coll's value columns hidden from readers: the
// layout before value columns (json_extract on every row).
func withoutColumns(s *Store, coll string, fn func()) {
	s.reg.mu.Lock()
	ci := s.reg.colls[coll]
	saved := ci.cols
	ci.cols = nil
	s.reg.mu.Unlock()
	defer func() {
		s.reg.mu.Lock()
		ci.cols = saved
		s.reg.mu.Unlock()
	}()
	fn()
}

func TestColumnValue(t *testing.T) {
	d := map[string]any{"a": map[string]any{"b": "x", "n": 2.0, "t": true}}
	for path, want := range map[string]any{"a.b": "x", "a.n": 2.0, "a.t": nil, "a": nil, "a.b.c": nil, "z": nil} {
		if got := columnValue(d, path); got != want {
			t.Errorf("columnValue(%s) = %v, want %v", path, got, want)
		}
	}
}

// TestValueColumnPlans checks that filters and sorts on plain paths read
// the value column, that an indexed path keeps its index expression, and
// that a path that ever held an array keeps the JSON walk.
func TestValueColumnPlans(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "stage_amount", Fields: []store.SortKey{{Field: "f.stage"}, {Field: "f.amount"}}}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{
		"a": {"f": map[string]any{"stage": "won", "amount": 60000, "region": "华南", "tags": "x", "company": "c"}},
		"b": {"f": map[string]any{"stage": "new", "amount": 10, "region": "华北", "tags": []any{"y"}, "company": "d"}},
	})
	if vc := s.reg.columns("deals"); vc != nil {
		t.Fatalf("value columns before any query: %+v", vc)
	}
	// The first query reads JSON and asks for columns.
	for _, f := range []string{"f.region", "f.company", "f.tags", "f.stage"} {
		if _, err := s.Find(ctx, "deals", store.Query{Filter: ptrF(store.Where(f, store.OpEq, "x"))}); err != nil {
			t.Fatal(err)
		}
	}
	syncWriter(t, s)
	vc := s.reg.columns("deals")
	if vc == nil || vc.byPath["f.region"] == "" || vc.byPath["f.company"] == "" {
		t.Fatalf("value columns = %+v", vc)
	}
	if vc.byPath["f.tags"] != "" || vc.byPath["f.stage"] != "" {
		t.Errorf("a path that held an array or leads an index got a column: %+v", vc.byPath)
	}
	region := vc.byPath["f.region"]
	for _, tt := range []struct {
		name      string
		q         store.Query
		want, not string
	}{
		{"unindexed filter and sort read columns", store.Query{Filter: ptrF(store.Where("f.region", store.OpEq, "华南")), Sort: []store.SortKey{{Field: "f.company", Desc: true}}},
			region + " = ?", "json_extract(data,'$.f.region')"},
		{"indexed path keeps the index expression", store.Query{Filter: ptrF(store.Where("f.stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: "f.amount"}}},
			"ORDER BY json_extract(data,'$.f.amount')", "k1"},
		{"array path keeps the JSON walk", store.Query{Filter: ptrF(store.Where("f.tags", store.OpEq, "y"))},
			"json_each", "k"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			c := newCompiler(s.reg.kindTester("deals", false))
			c.column, _ = s.reg.columnTester("deals", false, q.Filter, q.Sort)
			sql, err := buildFind(c, "deals", q, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sql, tt.want) || strings.Contains(sql, tt.not) {
				t.Errorf("SQL does not contain %q or contains %q:\n%s", tt.want, tt.not, sql)
			}
			if strings.HasPrefix(tt.name, "indexed") {
				if plan := explain(t, s, sql, c.args); !strings.Contains(plan, "c_deals__ix_stage_amount") {
					t.Errorf("indexed page lost its index:\n%s", plan)
				}
			}
		})
	}
}

// TestValueColumnsMatchJSON is a differential test of the value columns
// against the layout without them: on a seeded random data set with mixed
// type brackets (numbers and strings on one path), nulls, missing fields,
// nested objects, booleans, arrays and subform rows, inserted, updated,
// soft-deleted and some documents written before their paths got columns,
// every random filter and sort returns the same documents in the same
// order, and counts agree.
func TestValueColumnsMatchJSON(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 5))
	strs := []string{"", "a", "b", "华南", "华北", "10", "[x]", "{"}
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
		f := map[string]any{"m": scalar(), "n": float64(r.IntN(50)), "s": strs[r.IntN(len(strs))],
			"o": map[string]any{"x": scalar()}, "arr": []any{scalar(), scalar()},
			"rows": []any{map[string]any{"q": float64(r.IntN(9))}, map[string]any{"q": scalar()}}}
		if i%3 == 0 {
			f["b"] = i%2 == 0
		} else {
			f["b"] = float64(i % 2)
		}
		for _, k := range []string{"m", "n", "s", "o"} {
			if r.IntN(5) == 0 {
				delete(f, k)
			}
		}
		return map[string]any{"f": f, "v": 1.0}
	}
	// A first batch before any column exists, then columns, then more.
	n := 0
	insert := func(k int) {
		u := store.UnitOfWork{Actor: "t"}
		for range k {
			n++
			u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "d", Doc: store.Document{ID: fmt.Sprintf("d%03d", n), Data: doc(n)}})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	insert(40)
	for _, path := range []string{"f.m", "f.n", "f.s", "f.o.x", "v"} {
		if _, err := s.Count(ctx, "d", store.Query{Filter: ptrF(store.Where(path, store.OpEq, "a"))}); err != nil {
			t.Fatal(err)
		}
	}
	syncWriter(t, s)
	insert(80)
	p, err := s.Find(ctx, "d", store.Query{Limit: 30})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range p.Docs {
		w := store.Write{Op: store.OpUpdate, Collection: "d", Doc: store.Document{ID: d.ID, Data: doc(1000 + i)}}
		if i%5 == 0 {
			w = store.Write{Op: store.OpSoftDelete, Collection: "d", Doc: d}
		}
		if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "t", Writes: []store.Write{w}}); err != nil {
			t.Fatal(err)
		}
	}
	syncWriter(t, s)
	vc := s.reg.columns("d")
	for _, path := range []string{"f.m", "f.n", "f.s", "f.o.x", "v"} {
		if vc == nil || vc.byPath[path] == "" {
			t.Fatalf("no usable value column for %s: %+v", path, vc)
		}
	}
	paths := []string{"f.m", "f.n", "f.s", "f.o.x", "f.b", "f.arr", "f.rows.q", "f.missing", "v"}
	ops := []store.Op{store.OpEq, store.OpNe, store.OpGt, store.OpGte, store.OpLt, store.OpLte, store.OpIn, store.OpNin,
		store.OpExists, store.OpEmpty, store.OpContains, store.OpStartsWith, store.OpBetween}
	leaf := func() store.Filter {
		path, op := paths[r.IntN(len(paths))], ops[r.IntN(len(ops))]
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
	sorts := []string{"f.m", "f.n", "f.s", "f.o.x", "f.arr", store.FieldCreatedAt}
	for i := range 150 {
		f := leaf()
		switch r.IntN(4) {
		case 0:
			f = store.And(f, leaf())
		case 1:
			f = store.Or(f, leaf())
		case 2:
			f = store.Not(f)
		}
		q := store.Query{Filter: &f, Limit: 25, Sort: []store.SortKey{{Field: sorts[r.IntN(len(sorts))], Desc: r.IntN(2) == 0}}}
		if r.IntN(4) == 0 {
			q.Deleted = store.IncludeDeleted
		}
		var want []string
		var wantN int64
		withoutColumns(s, "d", func() { want, wantN = allPagesOf(t, s, "d", q) })
		got, gotN := allPagesOf(t, s, "d", q)
		if !slices.Equal(got, want) || gotN != wantN {
			t.Fatalf("query %d %+v sort %v:\ncolumns %v (%d)\njson    %v (%d)", i, f, q.Sort, got, gotN, want, wantN)
		}
	}
}

func allPagesOf(t *testing.T, s *Store, coll string, q store.Query) ([]string, int64) {
	t.Helper()
	ctx := context.Background()
	var out []string
	for {
		p, err := s.Find(ctx, coll, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(p)...)
		if p.NextCursor == "" {
			break
		}
		q.After = p.NextCursor
	}
	n, err := s.Count(ctx, coll, q)
	if err != nil {
		t.Fatal(err)
	}
	return out, n
}
