package storetest

import (
	"fmt"
	"slices"

	"github.com/formloom/formloom/engine/store"
)

func pageCases() []testCase {
	return []testCase{
		{name: "KeysetWalk", run: testKeysetWalk},
		{name: "Offset", run: testOffset},
		{name: "DefaultLimit", run: testDefaultLimit},
		{name: "CursorSurvivesInserts", run: testCursorSurvivesInserts},
	}
}

// pageDocs makes n documents whose sort keys have many ties, nulls and
// missing values; ids are not in insertion order.
func pageDocs(n int) []doc {
	grps := []any{"a", "b", nil, "c", "missing", "a", "b"}
	scores := []any{1, 2, 2, nil, 3, "missing", 2.5, 2, 1, 0.5, -1}
	out := make([]doc, n)
	for i := range n {
		data := map[string]any{"i": i}
		if g := grps[i%len(grps)]; g != "missing" {
			data["grp"] = g
		}
		if s := scores[i%len(scores)]; s != "missing" {
			data["score"] = s
		}
		if i%4 == 0 {
			data["meta"] = map[string]any{"rank": i % 3}
		}
		out[i] = doc{fmt.Sprintf("p%02d", (i*37)%n), data}
	}
	return out
}

var walkSorts = [][]store.SortKey{
	nil,
	{{Field: "grp"}},
	{{Field: "score", Desc: true}},
	{{Field: "grp"}, {Field: "score", Desc: true}},
	{{Field: "grp", Desc: true}, {Field: "score"}, {Field: "meta.rank", Desc: true}},
	{{Field: "meta.rank"}, {Field: store.FieldID, Desc: true}},
}

// walk pages through q with the cursor and returns the ids in order, checking
// that every page but the last is full and the last has no cursor.
func (f *fixture) walk(coll string, q store.Query) []string {
	f.t.Helper()
	var out []string
	for pages := 0; ; pages++ {
		if pages > 200 {
			f.t.Fatalf("walk %v: more than 200 pages, the cursor does not advance", q.Sort)
		}
		p, err := f.s.Find(f.ctx, coll, q)
		if err != nil {
			f.t.Fatalf("walk %v page %d: %v", q.Sort, pages, err)
		}
		if len(p.Docs) > q.Limit {
			f.t.Fatalf("walk %v page %d: %d docs, limit %d", q.Sort, pages, len(p.Docs), q.Limit)
		}
		out = append(out, docIDs(p.Docs)...)
		if p.NextCursor == "" {
			return out
		}
		if len(p.Docs) < q.Limit {
			f.t.Errorf("walk %v page %d: a page of %d docs under limit %d has a next cursor", q.Sort, pages, len(p.Docs), q.Limit)
		}
		q.After = p.NextCursor
	}
}

func testKeysetWalk(f *fixture) {
	docs := pageDocs(57)
	f.seed("paged", docs)
	deleted := []string{"p03", "p40"}
	for _, id := range deleted {
		f.softDelete("paged", id)
	}
	var live []doc
	for _, d := range docs {
		if !slices.Contains(deleted, d.id) {
			live = append(live, d)
		}
	}
	for _, keys := range walkSorts {
		want := refOrder(live, keys)
		for _, limit := range []int{1, 5, 7, 55, 100} {
			got := f.walk("paged", store.Query{Sort: keys, Limit: limit})
			f.sameIDs(fmt.Sprintf("walk %v limit %d", keys, limit), got, want)
		}
		all := f.walk("paged", store.Query{Sort: keys, Limit: 6, Deleted: store.IncludeDeleted})
		f.sameIDs(fmt.Sprintf("walk %v including deleted", keys), all, refOrder(docs, keys))
	}
	// With a filter: scores of at least 1.
	flt := store.Where("score", store.OpGte, 1)
	var some []doc
	for _, d := range live {
		if s, ok := d.data["score"].(int); ok && s >= 1 {
			some = append(some, d)
		} else if s, ok := d.data["score"].(float64); ok && s >= 1 {
			some = append(some, d)
		}
	}
	keys := []store.SortKey{{Field: "score", Desc: true}, {Field: "grp"}}
	f.sameIDs("walk with a filter", f.walk("paged", store.Query{Filter: &flt, Sort: keys, Limit: 4}), refOrder(some, keys))
}

func testOffset(f *fixture) {
	docs := pageDocs(57)
	f.seed("paged", docs)
	for _, keys := range walkSorts[:4] {
		want := refOrder(docs, keys)
		for _, off := range []int{0, 3, 50, 56, 57, 80} {
			p, err := f.s.Find(f.ctx, "paged", store.Query{Sort: keys, Limit: 5, Offset: off})
			f.noErr("Find with offset", err)
			end := min(off+5, len(want))
			exp := []string{}
			if off < len(want) {
				exp = want[off:end]
			}
			f.sameIDs(fmt.Sprintf("%v offset %d", keys, off), docIDs(p.Docs), exp)
		}
	}
}

func testDefaultLimit(f *fixture) {
	f.seed("paged", pageDocs(25))
	p, err := f.s.Find(f.ctx, "paged", store.Query{})
	f.noErr("Find", err)
	if len(p.Docs) != store.DefaultPageSize || p.NextCursor == "" {
		f.t.Errorf("default page has %d docs and cursor %q, want %d docs and a cursor", len(p.Docs), p.NextCursor, store.DefaultPageSize)
	}
	rest, err := f.s.Find(f.ctx, "paged", store.Query{After: p.NextCursor})
	f.noErr("Find second page", err)
	if len(rest.Docs) != 5 || rest.NextCursor != "" {
		f.t.Errorf("second page has %d docs and cursor %q, want 5 and none", len(rest.Docs), rest.NextCursor)
	}
}

// testCursorSurvivesInserts checks keyset semantics: documents inserted
// before the cursor's position do not shift the next page.
func testCursorSurvivesInserts(f *fixture) {
	var docs []doc
	for i := range 10 {
		docs = append(docs, doc{fmt.Sprintf("k%02d", i*2), map[string]any{"n": i * 2}})
	}
	f.seed("paged", docs)
	keys := []store.SortKey{{Field: "n"}}
	p, err := f.s.Find(f.ctx, "paged", store.Query{Sort: keys, Limit: 4})
	f.noErr("Find", err)
	f.sameIDs("first page", docIDs(p.Docs), ids("k00", "k02", "k04", "k06"))
	f.one(write(store.OpInsert, "paged", "k01", map[string]any{"n": 1}, 0))
	f.one(write(store.OpInsert, "paged", "k07", map[string]any{"n": 7}, 0))
	p, err = f.s.Find(f.ctx, "paged", store.Query{Sort: keys, Limit: 4, After: p.NextCursor})
	f.noErr("Find second page", err)
	f.sameIDs("second page after inserts", docIDs(p.Docs), ids("k07", "k08", "k10", "k12"))
}
