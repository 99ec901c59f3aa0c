package storetest

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

func invalidCases() []testCase {
	return []testCase{
		{name: "Filters", run: testInvalidFilters},
		{name: "SortsAndCursors", run: testInvalidSortsAndCursors},
		{name: "Aggregates", run: testInvalidAggregates},
		{name: "Distinct", run: testInvalidDistinct},
	}
}

// deepFilter nests a condition depth levels deep.
func deepFilter(depth int) store.Filter {
	flt := w("a", store.OpEq, 1)
	for range depth {
		flt = store.Not(flt)
	}
	return flt
}

func wideFilter(n int) store.Filter {
	list := make([]store.Filter, n)
	for i := range list {
		list[i] = w("a", store.OpEq, i)
	}
	return store.Or(list...)
}

func badFilters() map[string]store.Filter {
	long := make([]any, store.MaxListValues+1)
	for i := range long {
		long[i] = i
	}
	return map[string]store.Filter{
		"unknown operator":           w("a", "regex", ".*"),
		"operator with dollar":       w("a", "$where", "1"),
		"missing operator":           w("a", "", 1),
		"empty field":                w("", store.OpEq, 1),
		"dollar in field":            w("a$b", store.OpEq, 1),
		"field starting with dollar": w("$where", store.OpEq, 1),
		"NUL in field":               w("a\x00b", store.OpEq, 1),
		"empty segment":              w("a..b", store.OpEq, 1),
		"upper case field":           w("Name", store.OpEq, 1),
		"unknown system field":       w("_secret", store.OpEq, 1),
		"path too deep":              w("a.b.c.d.e.f.g.h.i", store.OpEq, 1),
		"eq with a list":             w("a", store.OpEq, []any{1}),
		"eq with an object":          w("a", store.OpEq, map[string]any{"$gt": 1}),
		"gt with a boolean":          w("a", store.OpGt, true),
		"gt with null":               w("a", store.OpGt, nil),
		"in with a scalar":           w("a", store.OpIn, "x"),
		"in with an object item":     w("a", store.OpIn, []any{map[string]any{"$ne": 1}}),
		"in list too long":           w("a", store.OpIn, long),
		"exists with a string":       w("a", store.OpExists, "yes"),
		"empty with null":            w("a", store.OpEmpty, nil),
		"contains with a number":     w("a", store.OpContains, 5),
		"contains with NUL":          w("a", store.OpContains, "a\x00"),
		"contains invalid UTF-8":     w("a", store.OpContains, "\xff\xfe"),
		"string too long":            w("a", store.OpEq, strings.Repeat("x", store.MaxStringValue+1)),
		"containsAny empty":          w("a", store.OpContainsAny, []any{}),
		"between one value":          w("a", store.OpBetween, []any{1}),
		"between mixed types":        w("a", store.OpBetween, []any{1, "z"}),
		"NaN":                        w("a", store.OpEq, nan()),
		"two kinds in a node":        {Field: "a", Op: store.OpEq, Value: 1, And: []store.Filter{w("b", store.OpEq, 2)}},
		"empty node":                 store.And(store.Filter{}),
		"empty and":                  {And: []store.Filter{}},
		"empty or":                   {Or: []store.Filter{}},
		"too deep":                   deepFilter(store.MaxFilterDepth + 1),
		"too many nodes":             wideFilter(store.MaxFilterNodes),
		"bad node deep inside":       store.And(w("a", store.OpEq, 1), store.Or(w("b", store.OpEq, 1), w("c", "like", "%"))),
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

// wantInvalid fails unless err matches ErrInvalidFilter (a panic is an error too).
func (f *fixture) wantInvalid(what string, err error) {
	f.t.Helper()
	if !errors.Is(err, store.ErrInvalidFilter) {
		f.t.Errorf("%s: got %v, want ErrInvalidFilter", what, err)
	}
}

func testInvalidFilters(f *fixture) {
	f.seed("items", filterDocs())
	for name, flt := range badFilters() {
		q := store.Query{Filter: &flt}
		f.wantInvalid("Find "+name, safely(func() error { _, err := f.s.Find(f.ctx, "items", q); return err }))
		f.wantInvalid("Count "+name, safely(func() error { _, err := f.s.Count(f.ctx, "items", q); return err }))
		f.wantInvalid("Distinct "+name, safely(func() error { _, err := f.s.Distinct(f.ctx, "items", "name", q, 10); return err }))
		f.wantInvalid("Aggregate "+name, safely(func() error {
			_, err := f.s.Aggregate(f.ctx, "items", store.AggregateQuery{Filter: &flt, Metrics: []store.Metric{{Op: store.AggCount}}})
			return err
		}))
	}
	// The largest valid filters still work.
	for name, flt := range map[string]store.Filter{"deepest": deepFilter(store.MaxFilterDepth), "widest": wideFilter(store.MaxFilterNodes - 1)} {
		if err := safely(func() error { _, err := f.s.Find(f.ctx, "items", store.Query{Filter: &flt}); return err }); err != nil {
			f.t.Errorf("%s valid filter: %v", name, err)
		}
	}
}

func testInvalidSortsAndCursors(f *fixture) {
	f.seed("paged", pageDocs(12))
	sorted := []store.SortKey{{Field: "score"}}
	p, err := f.s.Find(f.ctx, "paged", store.Query{Sort: sorted, Limit: 3})
	f.noErr("Find", err)
	if p.NextCursor == "" {
		f.t.Fatal("first page of 12 documents by 3 has no cursor")
	}
	cur := p.NextCursor
	tooMany := make([]store.SortKey, store.MaxSortKeys+1)
	for i := range tooMany {
		tooMany[i] = store.SortKey{Field: "score"}
	}
	objectValue := store.EncodeCursor(sorted, store.Cursor{Values: []any{map[string]any{"$gt": 1}}, ID: "p01"})
	emptyID := store.EncodeCursor(sorted, store.Cursor{Values: []any{1}})
	scenarios := map[string]store.Query{
		"sort dollar field":     {Sort: []store.SortKey{{Field: "$natural"}}},
		"sort empty field":      {Sort: []store.SortKey{{Field: ""}}},
		"sort too many keys":    {Sort: tooMany},
		"negative limit":        {Limit: -1},
		"limit too large":       {Limit: store.MaxPageSize + 1},
		"negative offset":       {Offset: -1},
		"offset with cursor":    {Sort: sorted, Offset: 3, After: cur},
		"unknown deleted":       {Deleted: store.Deleted(7)},
		"garbage cursor":        {Sort: sorted, After: "!!not base64!!"},
		"cursor of empty JSON":  {Sort: sorted, After: base64.RawURLEncoding.EncodeToString([]byte("{}"))},
		"cursor of other sort":  {Sort: []store.SortKey{{Field: "score", Desc: true}}, After: cur},
		"cursor without sort":   {After: cur},
		"truncated cursor":      {Sort: sorted, After: cur[:len(cur)/2]},
		"tampered cursor":       {Sort: sorted, After: "x" + cur[1:]},
		"cursor with an object": {Sort: sorted, After: objectValue},
		"cursor without id":     {Sort: sorted, After: emptyID},
		"huge cursor":           {Sort: sorted, After: strings.Repeat("A", 20<<10)},
	}
	for name, q := range scenarios {
		f.wantInvalid("Find "+name, safely(func() error { _, err := f.s.Find(f.ctx, "paged", q); return err }))
	}
	for _, name := range []string{"unknown deleted"} {
		q := scenarios[name]
		f.wantInvalid("Count "+name, safely(func() error { _, err := f.s.Count(f.ctx, "paged", q); return err }))
	}
}

func testInvalidAggregates(f *fixture) {
	f.seed("deals", dealDocs())
	tooMany := make([]store.Metric, store.MaxMetrics+1)
	for i := range tooMany {
		tooMany[i] = store.Metric{Op: store.AggCount}
	}
	count := []store.Metric{{Op: store.AggCount}}
	five := make([]store.GroupKey, store.MaxGroupKeys+1)
	for i := range five {
		five[i] = store.GroupKey{Field: "stage"}
	}
	scenarios := map[string]store.AggregateQuery{
		"no metrics":          {},
		"too many metrics":    {Metrics: tooMany},
		"unknown aggregate":   {Metrics: []store.Metric{{Op: "median", Field: "amount"}}},
		"sum without field":   {Metrics: []store.Metric{{Op: store.AggSum}}},
		"metric bad field":    {Metrics: []store.Metric{{Op: store.AggMax, Field: "$amount"}}},
		"count bad field":     {Metrics: []store.Metric{{Op: store.AggCount, Field: "a b"}}},
		"group bad field":     {GroupBy: []store.GroupKey{{Field: "$stage"}}, Metrics: count},
		"too many group keys": {GroupBy: five, Metrics: count},
		"unknown bucket":      {GroupBy: []store.GroupKey{{Field: "at", Bucket: "hour"}}, Metrics: count},
		"unknown time zone":   {GroupBy: []store.GroupKey{{Field: "at", Bucket: store.BucketDay, TimeZone: "Mars/Olympus"}}, Metrics: count},
		"path as time zone":   {GroupBy: []store.GroupKey{{Field: "at", Bucket: store.BucketDay, TimeZone: "../../etc/passwd"}}, Metrics: count},
		"bad filter":          {Filter: ptr(w("stage", "matches", "x")), Metrics: count},
		"unknown deleted":     {Metrics: count, Deleted: store.Deleted(9)},
	}
	for name, q := range scenarios {
		f.wantInvalid("Aggregate "+name, safely(func() error { _, err := f.s.Aggregate(f.ctx, "deals", q); return err }))
	}
}

func testInvalidDistinct(f *fixture) {
	f.seed("deals", dealDocs())
	for _, field := range []string{"", "$stage", "stage.$", "a\x00", "Stage", "a..b"} {
		f.wantInvalid("Distinct of "+field, safely(func() error {
			_, err := f.s.Distinct(f.ctx, "deals", field, store.Query{}, 10)
			return err
		}))
	}
	f.wantInvalid("Distinct with a bad filter", safely(func() error {
		_, err := f.s.Distinct(f.ctx, "deals", "stage", store.Query{Filter: ptr(w("stage", "nope", 1))}, 10)
		return err
	}))
}
