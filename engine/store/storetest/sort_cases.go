package storetest

import (
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func sortCases() []testCase {
	return []testCase{
		{name: "Keys", run: testSortKeys},
		{name: "SystemFields", run: testSortSystemFields},
	}
}

func sortDocs() []doc {
	return []doc{
		{"s01", map[string]any{"grp": "b", "score": 2, "meta": map[string]any{"rank": 3}}},
		{"s02", map[string]any{"grp": "a", "score": 2, "meta": map[string]any{"rank": 1}}},
		{"s03", map[string]any{"grp": nil, "score": 1}},
		{"s04", map[string]any{"score": 3}},
		{"s05", map[string]any{"grp": "a", "score": nil}},
		{"s06", map[string]any{"grp": "b", "meta": map[string]any{"rank": 2}}},
		{"s07", map[string]any{"grp": "a", "score": 10}},
		{"s08", map[string]any{"grp": "c", "score": 2.5}},
		{"s09", map[string]any{"grp": "b", "score": 2}},
		{"s10", map[string]any{"grp": "B", "score": -1}},
	}
}

func testSortKeys(f *fixture) {
	docs := sortDocs()
	f.seed("sortable", docs)
	scenarios := []struct {
		name string
		keys []store.SortKey
		want []string // written out by hand where given; else the reference order
	}{
		{"none is by id", nil, ids("s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09", "s10")},
		{"asc nulls first", []store.SortKey{{Field: "score"}}, ids("s05", "s06", "s10", "s03", "s01", "s02", "s09", "s08", "s04", "s07")},
		{"desc nulls last", []store.SortKey{{Field: "score", Desc: true}}, ids("s07", "s04", "s08", "s01", "s02", "s09", "s03", "s10", "s05", "s06")},
		{"two keys asc desc", []store.SortKey{{Field: "grp"}, {Field: "score", Desc: true}}, ids("s04", "s03", "s10", "s07", "s02", "s05", "s01", "s09", "s06", "s08")},
		{"two keys desc asc", []store.SortKey{{Field: "grp", Desc: true}, {Field: "score"}}, nil},
		{"nested", []store.SortKey{{Field: "meta.rank"}}, ids("s03", "s04", "s05", "s07", "s08", "s09", "s10", "s02", "s06", "s01")},
		{"nested desc then id", []store.SortKey{{Field: "meta.rank", Desc: true}, {Field: store.FieldID, Desc: true}}, ids("s01", "s06", "s02", "s10", "s09", "s08", "s07", "s05", "s04", "s03")},
	}
	for _, sc := range scenarios {
		want := sc.want
		if want == nil {
			want = refOrder(docs, sc.keys)
		} else if ref := refOrder(docs, sc.keys); fmt.Sprint(ref) != fmt.Sprint(want) && sc.keys != nil {
			f.t.Fatalf("suite bug: reference order for %s is %v, hand-written %v", sc.name, ref, want)
		}
		f.sameIDs(sc.name, f.ids("sortable", store.Query{Sort: sc.keys}), want)
	}
}

func testSortSystemFields(f *fixture) {
	order := []string{"c", "a", "d", "b"}
	for i, id := range order {
		f.oneAt(t0.Add(time.Duration(i)*time.Minute), write(store.OpInsert, "timeline", id, map[string]any{"i": i}, 0))
	}
	f.sameIDs("created asc", f.ids("timeline", store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt}}}), order)
	f.sameIDs("created desc", f.ids("timeline", store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}}), ids("b", "d", "a", "c"))
	f.oneAt(t0.Add(time.Hour), write(store.OpUpdate, "timeline", "a", map[string]any{"i": 9}, 0))
	f.sameIDs("updated desc", f.ids("timeline", store.Query{Sort: []store.SortKey{{Field: store.FieldUpdatedAt, Desc: true}}}), ids("a", "b", "d", "c"))
	f.sameIDs("version desc then id", f.ids("timeline", store.Query{Sort: []store.SortKey{{Field: store.FieldVersion, Desc: true}}}), ids("a", "b", "c", "d"))
	f.sameIDs("id desc", f.ids("timeline", store.Query{Sort: []store.SortKey{{Field: store.FieldID, Desc: true}}}), ids("d", "c", "b", "a"))
}
