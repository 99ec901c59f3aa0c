package report

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Shared aggregates. The charts of a dashboard often aggregate the same
// records (one form, the same filters) by different keys: a bar by stage,
// a pie by region, a pivot region × stage, a line by month, a funnel's
// stages and its leaderboard by owner and stage. SQLite has no hash
// aggregate, so every GROUP BY is a scan and a sort of every record's
// keys; one aggregate grouped by the union of the keys, rolled up in Go
// to each chart's keys, costs one scan and one sort instead.
//
// Rolling up is exact for count and sum (added up: a record is in
// exactly one group of the shared aggregate, the store never splits a
// record over groups), min and max (numbers win over strings, as in the
// store) and weighted sums; avg is not (it needs the count of numbers per
// group, which no metric gives), so a chart with an average keeps its own
// aggregate. The rolled-up groups are sorted by store.CompareValues over
// their keys, the order both backends sort groups in, and cut at
// engine.MaxAggregateGroups like the chart's own aggregate would be.
//
// Sums of fractions may differ from a single aggregate's in the last
// bits (the partial sums are added in another order), as they already do
// between backends; integer and binary-fraction amounts are exact.
//
// Anything that does not roll up falls back to the chart's own aggregate,
// so errors (a hidden field, a field that cannot be summed) and their
// paths are the chart's own: the shared aggregate failing, or answering
// more than engine.MaxRollupGroups groups, leaves every chart it covered
// to run alone.

// formAggregate is one aggregate a chart asks for over a form's records.
type formAggregate struct {
	form string
	q    engine.RecordAggregate
}

// chartAggregates are the record aggregates a chart will ask for (the
// ones compute passes to Dashboards.aggregate).
func chartAggregates(c Chart, v *engine.Version, filter *store.Filter) []formAggregate {
	if c.Kind != ChartFunnel {
		q, _ := chartAggregate(c, filter)
		return []formAggregate{{c.Form, q}}
	}
	p := pipelineOf(v)
	if p == nil {
		return nil
	}
	cfg := funnelConfig(c)
	stages, leaders := funnelAggregates(p, cfg, filter)
	out := []formAggregate{{c.Form, stages}}
	if cfg.Owner != "" {
		out = append(out, formAggregate{c.Form, leaders})
	}
	return out
}

// aggShare holds the rolled-up results of one load's shared aggregates,
// by the aggregate they answer (aggregateKey).
type aggShare struct {
	results map[string]engine.AggregateResult
}

// aggregate answers q from the shared aggregates, or runs it.
func (s *Dashboards) aggregate(ctx context.Context, a engine.Actor, sh *aggShare, form string, q engine.RecordAggregate) (engine.AggregateResult, error) {
	if sh != nil {
		if r, ok := sh.results[aggregateKey(form, q)]; ok {
			return r, nil
		}
	}
	return s.e.AggregateRecords(ctx, a, form, q)
}

// aggregateKey identifies an aggregate over a form's records.
func aggregateKey(form string, q engine.RecordAggregate) string {
	b, _ := json.Marshal(struct {
		Form    string
		Q       engine.RecordAggregate
		Deleted store.Deleted
		Max     int
	}{form, q, q.Deleted, q.MaxGroups})
	return string(b)
}

// shareGroup is a shared aggregate: the union of its members' keys and
// metrics.
type shareGroup struct {
	form    string
	q       engine.RecordAggregate
	members []engine.RecordAggregate
}

// share computes the shared aggregates of reqs (nil when sharing is off
// or nothing is shared).
func (s *Dashboards) share(ctx context.Context, a engine.Actor, reqs []formAggregate) *aggShare {
	if s.noShare {
		return nil
	}
	groups := planShare(reqs)
	if len(groups) == 0 {
		return nil
	}
	sh := &aggShare{results: map[string]engine.AggregateResult{}}
	var mu sync.Mutex
	sem := make(chan struct{}, dataParallelism)
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := s.e.AggregateRecords(ctx, a, g.form, g.q)
			if err != nil || res.Truncated {
				return // each member runs alone (and reports its own error)
			}
			for _, m := range g.members {
				r, ok := rollUp(g.q, res, m)
				if !ok {
					continue
				}
				mu.Lock()
				sh.results[aggregateKey(g.form, m)] = r
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return sh
}

// planShare groups the aggregates that can share one: over the same form
// with the same filter, with metrics that roll up, while the union of
// keys and metrics stays within the store's limits. Only groups of two or
// more distinct aggregates are returned.
func planShare(reqs []formAggregate) []shareGroup {
	var out []shareGroup
	open := map[string][]int{} // form and filter -> indexes into out
	seen := map[string]bool{}
	for _, r := range reqs {
		k := aggregateKey(r.form, r.q)
		if seen[k] || !rollable(r.q) {
			continue
		}
		seen[k] = true
		fk := aggregateKey(r.form, engine.RecordAggregate{Filter: r.q.Filter, Deleted: r.q.Deleted})
		placed := false
		for _, i := range open[fk] {
			if q, ok := union(out[i].q, r.q); ok {
				out[i].q = q
				out[i].members = append(out[i].members, r.q)
				placed = true
				break
			}
		}
		if !placed {
			q := engine.RecordAggregate{Filter: r.q.Filter, Deleted: r.q.Deleted, MaxGroups: engine.MaxRollupGroups,
				GroupBy: slices.Clone(r.q.GroupBy), Metrics: slices.Clone(r.q.Metrics)}
			open[fk] = append(open[fk], len(out))
			out = append(out, shareGroup{form: r.form, q: q, members: []engine.RecordAggregate{r.q}})
		}
	}
	out = slices.DeleteFunc(out, func(g shareGroup) bool { return len(g.members) < 2 })
	for i := range out {
		// Date buckets first: SQLite sorts the records by the keys in
		// this order, a bucket over dates groups by the date itself (the
		// key with the most values), and the more comparisons end at the
		// first key, the cheaper the sort (about 8 % of a four-key
		// dashboard aggregate, docs/performance.md).
		slices.SortStableFunc(out[i].q.GroupBy, func(x, y store.GroupKey) int {
			return cmp.Compare(bucketRank(x), bucketRank(y))
		})
	}
	return out
}

func bucketRank(k store.GroupKey) int {
	if k.Bucket != store.BucketNone {
		return 0
	}
	return 1
}

// rollable reports whether an aggregate's metrics roll up from finer groups.
func rollable(q engine.RecordAggregate) bool {
	if q.MaxGroups != 0 || len(q.Metrics) == 0 || len(q.GroupBy) > store.MaxGroupKeys {
		return false
	}
	for _, m := range q.Metrics {
		switch m.Op {
		case store.AggCount, store.AggSum, store.AggMin, store.AggMax:
		default:
			return false
		}
	}
	return true
}

// union adds q's keys and metrics to shared, if they fit.
func union(shared, q engine.RecordAggregate) (engine.RecordAggregate, bool) {
	keys := slices.Clone(shared.GroupBy)
	for _, k := range q.GroupBy {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	metrics := slices.Clone(shared.Metrics)
	for _, m := range q.Metrics {
		if !slices.Contains(metrics, m) {
			metrics = append(metrics, m)
		}
	}
	if len(keys) > store.MaxGroupKeys || len(metrics) > store.MaxMetrics {
		return shared, false
	}
	shared.GroupBy, shared.Metrics = keys, metrics
	return shared, true
}

// rollUp answers q from res, the result of the shared aggregate sq: the
// groups of sq merged by q's keys, q's metrics combined over them, sorted
// and cut as the store and the engine would. ok is false when a value is
// not one rolling up knows (the chart then runs its own aggregate).
func rollUp(sq engine.RecordAggregate, res engine.AggregateResult, q engine.RecordAggregate) (engine.AggregateResult, bool) {
	kpos := make([]int, len(q.GroupBy))
	for i, k := range q.GroupBy {
		kpos[i] = slices.Index(sq.GroupBy, k)
		if kpos[i] < 0 {
			return engine.AggregateResult{}, false
		}
	}
	mpos := make([]int, len(q.Metrics))
	for j, m := range q.Metrics {
		mpos[j] = slices.Index(sq.Metrics, m)
		if mpos[j] < 0 {
			return engine.AggregateResult{}, false
		}
	}
	var groups []engine.AggregateGroup
	index := map[string]int{}
	for _, g := range res.Groups {
		keys := make([]any, len(kpos))
		for i, p := range kpos {
			keys[i] = g.Keys[p]
		}
		id := keyOf(keys)
		i, ok := index[id]
		if !ok {
			i = len(groups)
			index[id] = i
			vals := make([]any, len(mpos))
			for j, p := range mpos {
				if !knownValue(q.Metrics[j].Op, g.Values[p]) {
					return engine.AggregateResult{}, false
				}
				vals[j] = g.Values[p]
			}
			groups = append(groups, engine.AggregateGroup{Keys: keys, Values: vals})
			continue
		}
		for j, p := range mpos {
			v := g.Values[p]
			if !knownValue(q.Metrics[j].Op, v) {
				return engine.AggregateResult{}, false
			}
			groups[i].Values[j] = combine(q.Metrics[j].Op, groups[i].Values[j], v)
		}
	}
	if len(q.GroupBy) == 0 && len(groups) == 0 {
		// No record: the store's one group of an aggregate without keys
		// (count and sum 0, min and max nil).
		vals := make([]any, len(q.Metrics))
		for j, m := range q.Metrics {
			if m.Op == store.AggCount || m.Op == store.AggSum {
				vals[j] = float64(0)
			}
		}
		groups = append(groups, engine.AggregateGroup{Keys: []any{}, Values: vals})
	}
	slices.SortFunc(groups, func(x, y engine.AggregateGroup) int {
		for i := range x.Keys {
			if c := store.CompareValues(x.Keys[i], y.Keys[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	out := engine.AggregateResult{Groups: groups}
	if len(groups) > engine.MaxAggregateGroups {
		out.Groups, out.Truncated = groups[:engine.MaxAggregateGroups], true
	}
	return out, true
}

// knownValue reports whether v is a value of op that combine handles:
// counts and sums are numbers, min and max numbers, strings or nil.
func knownValue(op store.AggOp, v any) bool {
	switch v.(type) {
	case float64:
		return true
	case string, nil:
		return op == store.AggMin || op == store.AggMax
	}
	return false
}

// combine merges two groups' values of one metric.
func combine(op store.AggOp, x, y any) any {
	switch op {
	case store.AggCount, store.AggSum:
		return x.(float64) + y.(float64)
	}
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	xf, xn := x.(float64)
	yf, yn := y.(float64)
	switch {
	case xn && yn:
		if (op == store.AggMin) == (yf < xf) {
			return y
		}
		return x
	case xn:
		return x // numbers win over strings
	case yn:
		return y
	}
	xs, ys := x.(string), y.(string)
	if (op == store.AggMin) == (ys < xs) {
		return y
	}
	return x
}
