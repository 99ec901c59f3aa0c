package storetest

import (
	"errors"
	"fmt"
	"math"

	"github.com/formloom/formloom/engine/store"
)

func aggregateCases() []testCase {
	return []testCase{
		{name: "Metrics", run: testAggregateMetrics},
		{name: "WeightedSum", run: testAggregateWeighted},
	}
}

// dealDocs holds numbers, a string among numbers, null and missing group
// keys, and a group with no numbers at all.
func dealDocs() []doc {
	return []doc{
		{"a1", map[string]any{"stage": "won", "owner": "ann", "amount": 100}},
		{"a2", map[string]any{"stage": "won", "owner": "bob", "amount": 50.5}},
		{"a3", map[string]any{"stage": "won", "owner": "ann", "amount": 49.5}},
		{"a4", map[string]any{"stage": "lost", "owner": "ann", "amount": 10}},
		{"a5", map[string]any{"stage": "lost", "owner": "bob", "amount": "n/a"}},
		{"a6", map[string]any{"stage": nil, "owner": "bob", "amount": 7}},
		{"a7", map[string]any{"note": "no stage, owner or amount"}},
		{"a8", map[string]any{"stage": "open", "owner": "cid"}},
		{"a9", map[string]any{"stage": "won", "owner": "ann", "amount": 1000}},
	}
}

var fiveMetrics = []store.Metric{
	{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggAvg, Field: "amount"},
	{Op: store.AggMin, Field: "amount"}, {Op: store.AggMax, Field: "amount"},
}

// sameGroups compares groups, numbers within 1e-9.
func (f *fixture) sameGroups(what string, got, want []store.Group) {
	f.t.Helper()
	if len(got) != len(want) {
		f.t.Errorf("%s: %d groups, want %d:\n got  %s\n want %s", what, len(got), len(want), showGroups(got), showGroups(want))
		return
	}
	for i := range want {
		if !sameValues(got[i].Keys, want[i].Keys) || !sameValues(got[i].Values, want[i].Values) {
			f.t.Errorf("%s: group %d differs:\n got  %s\n want %s", what, i, showGroups(got), showGroups(want))
			return
		}
	}
}

func sameValues(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		g, gok := got[i].(float64)
		w, wok := want[i].(float64)
		if gok && wok {
			if math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				return false
			}
			continue
		}
		if show(got[i]) != show(want[i]) {
			return false
		}
	}
	return true
}

func showGroups(gs []store.Group) string {
	out := ""
	for _, g := range gs {
		out += fmt.Sprintf("%s=>%s ", show(g.Keys), show(g.Values))
	}
	return out
}

func keys(v ...any) []any { return v }

func vals(v ...any) []any { return v }

func testAggregateMetrics(f *fixture) {
	f.seed("deals", dealDocs())
	f.softDelete("deals", "a9")
	scenarios := []struct {
		name string
		q    store.AggregateQuery
		want []store.Group
	}{
		{"totals with five metrics", store.AggregateQuery{Metrics: fiveMetrics},
			[]store.Group{{Keys: keys(), Values: vals(8.0, 217.0, 43.4, 7.0, 100.0)}}},
		{"group by one field", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "stage"}}, Metrics: fiveMetrics},
			[]store.Group{
				{Keys: keys(nil), Values: vals(2.0, 7.0, 7.0, 7.0, 7.0)},
				{Keys: keys("lost"), Values: vals(2.0, 10.0, 10.0, 10.0, 10.0)},
				{Keys: keys("open"), Values: vals(1.0, 0.0, nil, nil, nil)},
				{Keys: keys("won"), Values: vals(3.0, 200.0, 200.0/3, 49.5, 100.0)},
			}},
		{"group by two fields", store.AggregateQuery{
			GroupBy: []store.GroupKey{{Field: "stage"}, {Field: "owner"}},
			Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggMax, Field: "amount"}, {Op: store.AggMin, Field: "amount"}}},
			[]store.Group{
				{Keys: keys(nil, nil), Values: vals(1.0, 0.0, nil, nil)},
				{Keys: keys(nil, "bob"), Values: vals(1.0, 7.0, 7.0, 7.0)},
				{Keys: keys("lost", "ann"), Values: vals(1.0, 10.0, 10.0, 10.0)},
				{Keys: keys("lost", "bob"), Values: vals(1.0, 0.0, "n/a", "n/a")},
				{Keys: keys("open", "cid"), Values: vals(1.0, 0.0, nil, nil)},
				{Keys: keys("won", "ann"), Values: vals(2.0, 149.5, 100.0, 49.5)},
				{Keys: keys("won", "bob"), Values: vals(1.0, 50.5, 50.5, 50.5)},
			}},
		{"filtered", store.AggregateQuery{Filter: ptr(w("stage", store.OpEq, "won")), Metrics: fiveMetrics},
			[]store.Group{{Keys: keys(), Values: vals(3.0, 200.0, 200.0/3, 49.5, 100.0)}}},
		{"include deleted", store.AggregateQuery{Filter: ptr(w("stage", store.OpEq, "won")), Metrics: fiveMetrics, Deleted: store.IncludeDeleted},
			[]store.Group{{Keys: keys(), Values: vals(4.0, 1200.0, 300.0, 49.5, 1000.0)}}},
		{"only deleted grouped", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "owner"}}, Metrics: fiveMetrics, Deleted: store.OnlyDeleted},
			[]store.Group{{Keys: keys("ann"), Values: vals(1.0, 1000.0, 1000.0, 1000.0, 1000.0)}}},
		{"grouped over nothing has no groups", store.AggregateQuery{Filter: ptr(w("stage", store.OpEq, "none")), GroupBy: []store.GroupKey{{Field: "stage"}}, Metrics: fiveMetrics},
			[]store.Group{}},
		{"totals over nothing", store.AggregateQuery{Filter: ptr(w("stage", store.OpEq, "none")), Metrics: fiveMetrics},
			[]store.Group{{Keys: keys(), Values: vals(0.0, 0.0, nil, nil, nil)}}},
		{"same field twice", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggMin, Field: "amount"}, {Op: store.AggMin, Field: "amount"}, {Op: store.AggCount}}},
			[]store.Group{{Keys: keys(), Values: vals(7.0, 7.0, 8.0)}}},
	}
	for _, sc := range scenarios {
		got, err := f.s.Aggregate(f.ctx, "deals", sc.q)
		if err != nil {
			f.t.Errorf("%s: Aggregate: %v", sc.name, err)
			continue
		}
		f.sameGroups(sc.name, got, sc.want)
	}
}

// testAggregateWeighted checks sums with a weight: Field × Weight added
// over the documents where both are numbers, next to plain metrics.
func testAggregateWeighted(f *fixture) {
	f.seed("weighted", []doc{
		{"w1", map[string]any{"stage": "a", "amount": 100, "prob": 10}},
		{"w2", map[string]any{"stage": "a", "amount": 50.5, "prob": 40}},
		{"w3", map[string]any{"stage": "a", "amount": 7, "prob": "high"}},
		{"w4", map[string]any{"stage": "a", "amount": "n/a", "prob": 70}},
		{"w5", map[string]any{"stage": "b", "amount": 20}},
		{"w6", map[string]any{"stage": "b", "prob": 100}},
		{"w7", map[string]any{"stage": "b", "amount": 3.25, "prob": 0.5, "nested": map[string]any{"w": 2}}},
		{"w8", map[string]any{"stage": "c", "amount": nil, "prob": nil}},
		{"w9", map[string]any{"stage": "a", "amount": 1000, "prob": 100}},
	})
	f.softDelete("weighted", "w9")
	metrics := []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount", Weight: "prob"}, {Op: store.AggSum, Field: "amount"},
		{Op: store.AggSum, Field: "amount", Weight: "nested.w"}}
	scenarios := []struct {
		name string
		q    store.AggregateQuery
		want []store.Group
	}{
		{"totals", store.AggregateQuery{Metrics: metrics},
			[]store.Group{{Keys: keys(), Values: vals(8.0, 100*10+50.5*40+3.25*0.5, 180.75, 6.5)}}},
		{"grouped", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "stage"}}, Metrics: metrics},
			[]store.Group{
				{Keys: keys("a"), Values: vals(4.0, 100*10+50.5*40, 157.5, 0.0)},
				{Keys: keys("b"), Values: vals(3.0, 3.25*0.5, 23.25, 6.5)},
				{Keys: keys("c"), Values: vals(1.0, 0.0, 0.0, 0.0)},
			}},
		{"filtered", store.AggregateQuery{Filter: ptr(w("prob", store.OpGte, 40)), Metrics: metrics[:2]},
			[]store.Group{{Keys: keys(), Values: vals(3.0, 50.5*40)}}},
	}
	for _, sc := range scenarios {
		got, err := f.s.Aggregate(f.ctx, "weighted", sc.q)
		if err != nil {
			f.t.Errorf("%s: Aggregate: %v", sc.name, err)
			continue
		}
		f.sameGroups(sc.name, got, sc.want)
	}
	if _, err := f.s.Aggregate(f.ctx, "weighted", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggAvg, Field: "amount", Weight: "prob"}}}); !errors.Is(err, store.ErrInvalidFilter) {
		f.t.Errorf("avg with a weight: %v, want ErrInvalidFilter", err)
	}
}
