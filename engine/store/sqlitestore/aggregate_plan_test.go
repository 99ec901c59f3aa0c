package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestAggregatePlans checks with EXPLAIN QUERY PLAN where an aggregate
// reads: a group key an index leads with and no filter keeps the index
// (grouped in its order) when the index holds every path the aggregate
// reads, and scans otherwise; an unindexed filter, or an unindexed key, scans
// the table in rowid order and reads value columns instead of json_extract;
// a filter an index serves keeps SQLite's choice.
func TestAggregatePlans(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	// Two indexes lead with the stage; only the second holds the amount.
	if err := s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "stage_created", Fields: []store.SortKey{{Field: "f.stage"}, {Field: store.FieldCreatedAt}}},
		{Name: "stage_amount", Fields: []store.SortKey{{Field: "f.stage"}, {Field: "f.amount"}}}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{
		"a": {"f": map[string]any{"stage": "won", "amount": 60000, "region": "华南", "source": "web", "price": 3}},
		"b": {"f": map[string]any{"stage": "new", "amount": 10, "region": "华北", "source": "ads", "price": 4}},
	})
	sum := []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "f.amount"}}
	unindexed := ptrF(store.Where("f.source", store.OpEq, "web"))
	cases := []struct {
		name      string
		q         store.AggregateQuery
		scan      bool
		want, not string
		planWant  string
	}{
		{"indexed key without a filter groups from its index", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "f.stage"}}, Metrics: sum},
			false, `INDEXED BY "c_deals__ix_stage_amount"`, "NOT INDEXED", "c_deals__ix_stage_amount"},
		{"an index that does not hold the summed field is not worth its row fetches", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "f.stage"}},
			Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "f.price"}}},
			true, "NOT INDEXED", "json_extract(data,'$.f.price')", "SCAN"},
		{"nor one that does not hold a weight", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "f.stage"}},
			Metrics: []store.Metric{{Op: store.AggSum, Field: "f.amount", Weight: "f.price"}}},
			true, "NOT INDEXED", "json_extract(data,'$.f.price')", "SCAN"},
		{"indexed key under an unindexed filter scans", store.AggregateQuery{Filter: unindexed, GroupBy: []store.GroupKey{{Field: "f.stage"}}, Metrics: sum},
			true, "NOT INDEXED", "json_extract(data,'$.f.source')", "SCAN"},
		{"unindexed key scans", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "f.region"}}, Metrics: sum},
			true, "NOT INDEXED", "json_extract(data,'$.f.region')", "SCAN"},
		{"a filter an index serves keeps the index", store.AggregateQuery{Filter: ptrF(store.Where("f.stage", store.OpEq, "won")), GroupBy: []store.GroupKey{{Field: "f.region"}}, Metrics: sum},
			false, "json_extract(data,'$.f.stage')", "NOT INDEXED", "c_deals__ix_stage_amount"},
	}
	// The first runs read JSON and ask for value columns; the writer adds them.
	for _, c := range cases {
		if _, err := s.Aggregate(ctx, "deals", c.q); err != nil {
			t.Fatal(err)
		}
	}
	syncWriter(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := store.NormalizeAggregate(c.q)
			if err != nil {
				t.Fatal(err)
			}
			scan := aggregateScanBetter(q, s.reg.declared("deals"))
			if scan != c.scan {
				t.Fatalf("scan = %v, want %v", scan, c.scan)
			}
			var order []store.SortKey
			if !scan {
				order = []store.SortKey{{Field: q.GroupBy[0].Field}}
			}
			comp := newCompiler(s.reg.kindTester("deals", false))
			comp.column, _ = s.reg.columnTester("deals", false, q.Filter, order)
			sql, err := buildAggregate(comp, "deals", q, newAggAcc(q), scan, aggregateIndex(q, s.reg.declared("deals")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sql, c.want) || strings.Contains(sql, c.not) {
				t.Errorf("SQL does not contain %q or contains %q:\n%s", c.want, c.not, sql)
			}
			if plan := explain(t, s, sql, comp.args); !strings.Contains(plan, c.planWant) {
				t.Errorf("plan lacks %q:\n%s\n%s", c.planWant, plan, sql)
			}
		})
	}
}

// TestAggregateColumnsMatchJSON is a differential test: on a seeded random
// data set with mixed type brackets (numbers and strings on one path),
// nulls, missing fields, booleans and arrays, every aggregate answers the
// same groups and values read from the JSON documents (before value
// columns exist) and read from the value columns (after).
func TestAggregateColumnsMatchJSON(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "d", []store.Index{{Name: "k", Fields: []store.SortKey{{Field: "f.k"}}}}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	strs := []string{"", "a", "b", "华南", "10"}
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
	u := store.UnitOfWork{Actor: "t"}
	for i := range 300 {
		f := map[string]any{"m": scalar(), "n": float64(r.IntN(50)), "s": strs[r.IntN(len(strs))], "k": strs[r.IntN(3)], "arr": []any{scalar()}}
		if i%3 == 0 {
			f["b"] = i%2 == 0
		} else {
			f["b"] = scalar()
		}
		for _, k := range []string{"m", "n", "s"} {
			if r.IntN(6) == 0 {
				delete(f, k)
			}
		}
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "d", Doc: store.Document{ID: fmt.Sprintf("d%03d", i), Data: map[string]any{"f": f}}})
	}
	if _, err := s.Commit(ctx, u); err != nil {
		t.Fatal(err)
	}
	var queries []store.AggregateQuery
	filters := []*store.Filter{nil, ptrF(store.Where("f.s", store.OpNe, "a")), ptrF(store.Where("f.n", store.OpGt, 20.0)), ptrF(store.Where("f.k", store.OpEq, "a"))}
	for _, key := range []string{"f.m", "f.n", "f.s", "f.k", "f.b", "f.missing"} {
		for _, f := range filters {
			queries = append(queries, store.AggregateQuery{Filter: f, GroupBy: []store.GroupKey{{Field: key}}, Metrics: []store.Metric{
				{Op: store.AggCount}, {Op: store.AggCount, Field: "f.m"}, {Op: store.AggSum, Field: "f.n"}, {Op: store.AggAvg, Field: "f.m"},
				{Op: store.AggMin, Field: "f.m"}, {Op: store.AggMax, Field: "f.s"}}})
		}
	}
	queries = append(queries, store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggSum, Field: "f.m"}, {Op: store.AggMax, Field: "f.n"}}})
	answer := func() []string {
		var out []string
		for _, q := range queries {
			g, err := s.Aggregate(ctx, "d", q)
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, x := range g {
				b, _ := json.Marshal(x)
				rows = append(rows, string(b))
			}
			slices.Sort(rows)
			out = append(out, strings.Join(rows, "\n"))
		}
		return out
	}
	before := answer()
	syncWriter(t, s)
	vc := s.reg.columns("d")
	for _, p := range []string{"f.m", "f.n", "f.s"} {
		if vc == nil || vc.byPath[p] == "" {
			t.Fatalf("no value column for %s: %+v", p, vc)
		}
	}
	after := answer()
	for i := range queries {
		if before[i] != after[i] {
			t.Errorf("query %d %+v:\nJSON:    %s\ncolumns: %s", i, queries[i], before[i], after[i])
		}
	}
}

// TestDateBucketColumnsMatchJSON checks date-bucket aggregates and
// weighted sums read from value columns (dates grouped by their value and
// bucketed once per distinct date) against the same aggregates over JSON
// (fl_bucket per row): dates across year ends and leap days, strings of a
// date's length that are not dates, times around the 2026 DST changes of
// New York, numbers of ten digits, nulls and missing values, in UTC and in
// a DST zone.
func TestDateBucketColumnsMatchJSON(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 5))
	odd := []any{"2026-02-30", "2026-13-01", "2026-1-011", "２０２６-01-01", "abcdefghij", "2026-03-08T06:30:00Z",
		"2026-03-08T07:30:00Z", "2026-11-01T05:30:00.5Z", "2026-11-01T06:30:00Z", "2026-03-08T01:30:00-05:00", "", 1234567890.0, 7.0, nil}
	value := func() any {
		if r.IntN(4) == 0 {
			return odd[r.IntN(len(odd))]
		}
		return time.Date(2024, 12, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(800)).Format("2006-01-02")
	}
	u := store.UnitOfWork{Actor: "t"}
	for i := range 400 {
		f := map[string]any{"d": value(), "n": float64(r.IntN(50)), "w": float64(r.IntN(11) * 10)}
		if i%7 == 0 {
			delete(f, "d")
		}
		if i%5 == 0 {
			f["w"] = "high"
		}
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "dates", Doc: store.Document{ID: fmt.Sprintf("d%03d", i), Data: map[string]any{"f": f}}})
	}
	if _, err := s.Commit(ctx, u); err != nil {
		t.Fatal(err)
	}
	var queries []store.AggregateQuery
	for _, b := range []store.Bucket{store.BucketDay, store.BucketWeek, store.BucketMonth, store.BucketQuarter, store.BucketYear} {
		for _, zone := range []string{"", "America/New_York"} {
			for _, f := range []*store.Filter{nil, ptrF(store.Where("f.n", store.OpGt, 20.0))} {
				queries = append(queries, store.AggregateQuery{Filter: f, GroupBy: []store.GroupKey{{Field: "f.d", Bucket: b, TimeZone: zone}},
					Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "f.n"}, {Op: store.AggSum, Field: "f.n", Weight: "f.w"},
						{Op: store.AggMin, Field: "f.d"}, {Op: store.AggMax, Field: "f.n"}, {Op: store.AggAvg, Field: "f.w"}}})
			}
		}
	}
	answer := func() []string {
		var out []string
		for _, q := range queries {
			g, err := s.Aggregate(ctx, "dates", q)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(g)
			out = append(out, string(b))
		}
		return out
	}
	before := answer()
	syncWriter(t, s)
	if vc := s.reg.columns("dates"); vc == nil || vc.byPath["f.d"] == "" || vc.byPath["f.w"] == "" {
		t.Fatalf("no value columns: %+v", vc)
	}
	after := answer()
	for i := range queries {
		if before[i] != after[i] {
			t.Errorf("query %d %+v:\nJSON:    %s\ncolumns: %s", i, queries[i], before[i], after[i])
		}
	}
}
