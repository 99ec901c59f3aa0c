package storetest

import (
	"reflect"

	"github.com/formloom/formloom/engine/store"
)

func selectCases() []testCase {
	return []testCase{
		{name: "RecycleBin", run: testRecycleBin},
		{name: "Count", run: testCount},
		{name: "Distinct", run: testDistinct},
	}
}

func testRecycleBin(f *fixture) {
	f.seed("bin", []doc{
		{"x1", map[string]any{"k": "a"}}, {"x2", map[string]any{"k": "a"}},
		{"x3", map[string]any{"k": "b"}}, {"x4", map[string]any{"k": "b"}},
	})
	f.softDelete("bin", "x2")
	f.softDelete("bin", "x4")
	f.one(write(store.OpRestore, "bin", "x4", nil, 0))
	f.softDelete("bin", "x3")
	scenarios := []struct {
		name string
		sel  store.Deleted
		flt  *store.Filter
		want []string
	}{
		{"exclude", store.ExcludeDeleted, nil, ids("x1", "x4")},
		{"only", store.OnlyDeleted, nil, ids("x2", "x3")},
		{"include", store.IncludeDeleted, nil, ids("x1", "x2", "x3", "x4")},
		{"exclude with filter", store.ExcludeDeleted, ptr(w("k", store.OpEq, "a")), ids("x1")},
		{"only with filter", store.OnlyDeleted, ptr(w("k", store.OpEq, "a")), ids("x2")},
		{"include with filter", store.IncludeDeleted, ptr(w("k", store.OpEq, "b")), ids("x3", "x4")},
	}
	for _, sc := range scenarios {
		q := store.Query{Filter: sc.flt, Deleted: sc.sel}
		f.sameIDs(sc.name, f.ids("bin", q), sc.want)
		n, err := f.s.Count(f.ctx, "bin", q)
		if err != nil || n != int64(len(sc.want)) {
			f.t.Errorf("%s: Count = %d, %v, want %d", sc.name, n, err, len(sc.want))
		}
	}
	p, err := f.s.Find(f.ctx, "bin", store.Query{Deleted: store.OnlyDeleted})
	f.noErr("Find only deleted", err)
	for _, d := range p.Docs {
		if d.DeletedAt == nil {
			f.t.Errorf("%s is listed as deleted without DeletedAt", d.ID)
		}
	}
}

func testCount(f *fixture) {
	f.seed("counted", pageDocs(57))
	f.softDelete("counted", "p00")
	scenarios := []struct {
		name string
		q    store.Query
		want int64
	}{
		{"all live", store.Query{}, 56},
		{"paging is ignored", store.Query{Limit: 5, Offset: 50, Sort: []store.SortKey{{Field: "score"}}}, 56},
		{"filter", store.Query{Filter: ptr(w("grp", store.OpEq, "a"))}, 16},
		{"filter null or missing", store.Query{Filter: ptr(w("grp", store.OpEq, nil))}, 16},
		{"include deleted", store.Query{Deleted: store.IncludeDeleted}, 57},
		{"only deleted", store.Query{Deleted: store.OnlyDeleted}, 1},
		{"nothing", store.Query{Filter: ptr(w("grp", store.OpEq, "zzz"))}, 0},
	}
	for _, sc := range scenarios {
		n, err := f.s.Count(f.ctx, "counted", sc.q)
		if err != nil || n != sc.want {
			f.t.Errorf("%s: Count = %d, %v, want %d", sc.name, n, err, sc.want)
		}
	}
}

func testDistinct(f *fixture) {
	f.seed("tagged", []doc{
		{"t1", map[string]any{"tags": []any{"red", "blue"}, "city": "Lyon", "n": 3, "lines": []any{map[string]any{"sku": "b"}, map[string]any{"sku": "a"}}}},
		{"t2", map[string]any{"tags": []any{"blue", "green"}, "city": "Paris", "n": 1, "lines": []any{map[string]any{"sku": "a"}}}},
		{"t3", map[string]any{"tags": []any{}, "city": "Lyon", "n": 2}},
		{"t4", map[string]any{"n": 10}},
		{"t5", map[string]any{"tags": []any{"zebra"}, "city": "Zurich", "n": 99}},
	})
	f.softDelete("tagged", "t5")
	scenarios := []struct {
		name  string
		field string
		q     store.Query
		limit int
		want  []any
	}{
		{"array elements flattened and sorted", "tags", store.Query{}, 100, []any{"blue", "green", "red"}},
		{"limit", "tags", store.Query{}, 2, []any{"blue", "green"}},
		{"strings", "city", store.Query{}, 100, []any{"Lyon", "Paris"}},
		{"numbers sorted by value", "n", store.Query{}, 100, []any{1.0, 2.0, 3.0, 10.0}},
		{"include deleted", "tags", store.Query{Deleted: store.IncludeDeleted}, 100, []any{"blue", "green", "red", "zebra"}},
		{"only deleted", "city", store.Query{Deleted: store.OnlyDeleted}, 100, []any{"Zurich"}},
		{"filtered", "tags", store.Query{Filter: ptr(w("city", store.OpEq, "Lyon"))}, 100, []any{"blue", "red"}},
		{"through subform rows", "lines.sku", store.Query{}, 100, []any{"a", "b"}},
		{"nothing", "city", store.Query{Filter: ptr(w("n", store.OpGt, 1000))}, 100, []any{}},
	}
	for _, sc := range scenarios {
		got, err := f.s.Distinct(f.ctx, "tagged", sc.field, sc.q, sc.limit)
		if err != nil {
			f.t.Errorf("%s: Distinct: %v", sc.name, err)
			continue
		}
		if got == nil {
			got = []any{}
		}
		if !reflect.DeepEqual(got, sc.want) {
			f.t.Errorf("%s: Distinct = %s, want %s", sc.name, show(got), show(sc.want))
		}
	}
}
