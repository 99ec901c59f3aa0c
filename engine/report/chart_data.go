package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// Data computes every chart of a dashboard for the actor, with the values
// they chose for its filters (by filter id). A chart that cannot be
// computed for them carries its error; the others are unaffected.
func (s *Dashboards) Data(ctx context.Context, a engine.Actor, id string, values map[string]FilterValue) ([]ChartData, error) {
	db, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := checkValues(db, values); err != nil {
		return nil, err
	}
	return s.data(ctx, a, db, db.Charts, values), nil
}

// data computes charts of a dashboard: those the cache holds are served
// from it, the aggregates of the others are shared where they can be
// (aggShare), then the charts are computed a few at a time (the store
// serves concurrent readers).
func (s *Dashboards) data(ctx context.Context, a engine.Actor, db Dashboard, charts []Chart, values map[string]FilterValue) []ChartData {
	out := make([]ChartData, len(charts))
	preps := make([]chartPrep, len(charts))
	var reqs []formAggregate
	for i, c := range charts {
		if c.Source != "" {
			// A source chart (chart_source.go) is neither cached nor shared.
			cd, err := s.sourceData(ctx, a, db, c, values)
			if err != nil {
				cd = chartError(c, err)
			}
			out[i] = cd
			continue
		}
		p, err := s.prepare(ctx, a, db, c, values)
		preps[i] = p
		switch {
		case err != nil:
			out[i] = chartError(c, err)
		case p.hit:
			out[i] = p.cached
		default:
			reqs = append(reqs, chartAggregates(c, p.v, p.filter)...)
		}
	}
	sh := s.share(ctx, a, reqs)
	sem := make(chan struct{}, dataParallelism)
	var wg sync.WaitGroup
	for i, c := range charts {
		if p := preps[i]; p.v == nil || p.hit {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cd, err := s.finish(ctx, a, sh, c, preps[i])
			if err != nil {
				cd = chartError(c, err)
			}
			out[i] = cd
		}()
	}
	wg.Wait()
	return out
}

func chartError(c Chart, err error) ChartData {
	return ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Keys: []ChartKey{}, Measures: []string{}, Rows: []ChartRow{}, Err: err}
}

// dataParallelism bounds the charts of one dashboard computed at once.
const dataParallelism = 4

// ChartData computes one chart of a dashboard for the actor.
func (s *Dashboards) ChartData(ctx context.Context, a engine.Actor, id, chartID string, values map[string]FilterValue) (ChartData, error) {
	db, err := s.Get(ctx, a, id)
	if err != nil {
		return ChartData{}, err
	}
	if err := checkValues(db, values); err != nil {
		return ChartData{}, err
	}
	c, ok := chartOf(db, chartID)
	if !ok {
		return ChartData{}, fmt.Errorf("%w: chart %q", engine.ErrNotFound, chartID)
	}
	return s.chartData(ctx, a, db, c, values)
}

// chartData computes one chart (a funnel's own aggregates, its stages and
// its leaderboard, are shared too).
func (s *Dashboards) chartData(ctx context.Context, a engine.Actor, db Dashboard, c Chart, values map[string]FilterValue) (ChartData, error) {
	if c.Source != "" {
		return s.sourceData(ctx, a, db, c, values)
	}
	p, err := s.prepare(ctx, a, db, c, values)
	if err != nil {
		return ChartData{}, err
	}
	if p.hit {
		return p.cached, nil
	}
	return s.finish(ctx, a, s.share(ctx, a, chartAggregates(c, p.v, p.filter)), c, p)
}

func chartOf(db Dashboard, id string) (Chart, bool) {
	i := slices.IndexFunc(db.Charts, func(c Chart) bool { return c.ID == id })
	if i < 0 {
		return Chart{}, false
	}
	return db.Charts[i], true
}

// chartPrep is a chart ready to compute: its form version, the filter its
// own and the dashboard's filters resolve to, and its cache entry.
type chartPrep struct {
	v      *engine.Version
	filter *store.Filter
	// key, coll and seq tag the cache entry to store (caching: key != "").
	key, coll string
	seq       int64
	hit       bool
	cached    ChartData
}

// prepare resolves a chart's filter (its filter and the dashboard's are
// one filter) and looks it up in the cache. The cache lookup comes before
// any aggregate is computed, so its outbox position tags what is computed
// after it.
func (s *Dashboards) prepare(ctx context.Context, a engine.Actor, db Dashboard, c Chart, values map[string]FilterValue) (chartPrep, error) {
	v, err := s.e.CurrentVersion(ctx, a, c.Form)
	if err != nil {
		return chartPrep{}, err
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return chartPrep{}, err
	}
	filter, err := chartFilter(v, db, c, values, loc)
	if err != nil {
		return chartPrep{}, err
	}
	p := chartPrep{v: v, filter: filter}
	if s.cache == nil {
		return p, nil
	}
	key, coll := chartKey(a, c, filter, v.Number, loc.String()), engine.RecordCollection(c.Form)
	cd, ok, seq, err := s.cache.lookup(ctx, key, coll, a.Workspace)
	if err != nil {
		// The outbox could not be read: compute, and keep nothing.
		return p, nil
	}
	if ok {
		p.hit, p.cached = true, cd
		return p, nil
	}
	p.key, p.coll, p.seq = key, coll, seq
	return p, nil
}

// finish computes a prepared chart and keeps it in the cache.
func (s *Dashboards) finish(ctx context.Context, a engine.Actor, sh *aggShare, c Chart, p chartPrep) (ChartData, error) {
	cd, err := s.compute(ctx, a, sh, c, p.v, p.filter)
	if err == nil && p.key != "" {
		s.cache.store(p.key, p.coll, a.Workspace, p.seq, cd)
	}
	return cd, err
}

// compute computes a chart: every aggregate runs through
// engine.AggregateRecords as the actor, or is rolled up from the shared
// aggregate sh computed (see aggShare; sh may be nil).
func (s *Dashboards) compute(ctx context.Context, a engine.Actor, sh *aggShare, c Chart, v *engine.Version, filter *store.Filter) (ChartData, error) {
	if c.Kind == ChartFunnel {
		return s.funnel(ctx, a, sh, c, v, filter)
	}
	out := ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Keys: make([]ChartKey, len(c.GroupBy)), Measures: make([]string, len(c.Measures))}
	for i, g := range c.GroupBy {
		out.Keys[i] = ChartKey{Field: g.Field, Bucket: g.Bucket}
	}
	for i, m := range c.Measures {
		out.Measures[i] = m.ID
	}
	q, slot := chartAggregate(c, filter)
	res, err := s.aggregate(ctx, a, sh, c.Form, q)
	if err != nil {
		return ChartData{}, measurePaths(err, c, slot)
	}
	out.Truncated = res.Truncated
	rows := make([]ChartRow, len(res.Groups))
	index := make(map[string]int, len(res.Groups))
	for i, g := range res.Groups {
		rows[i] = ChartRow{Keys: g.Keys, Values: make([]any, len(c.Measures))}
		index[keyOf(g.Keys)] = i
		for j, sl := range slot {
			if sl >= 0 {
				rows[i].Values[j] = g.Values[sl]
			}
			if m := c.Measures[j]; m.Op == MeasureWeighted {
				rows[i].Values[j] = num(g.Values[sl]) * scaleOf(m)
			}
		}
	}
	if err := evalExpressions(c, rows); err != nil {
		return ChartData{}, err
	}
	orderRows(v, c.GroupBy, rows)
	if c.SortByValue && len(c.Measures) > 0 {
		slices.SortStableFunc(rows, func(x, y ChartRow) int { return cmp.Compare(num(y.Values[0]), num(x.Values[0])) })
	}
	if c.Limit > 0 && len(rows) > c.Limit {
		rows = rows[:c.Limit]
	}
	out.Rows = rows
	s.labelKeys(ctx, v, out.Keys, rows)
	return out, nil
}

// chartAggregate is the aggregate of a chart other than a funnel, and
// for each measure the index of its metric (-1 for expressions). Plain
// measures go in one aggregate; count is always there so every group
// shows up even when a chart has only weighted measures.
func chartAggregate(c Chart, filter *store.Filter) (engine.RecordAggregate, []int) {
	metrics := []store.Metric{{Op: store.AggCount}}
	slot := make([]int, len(c.Measures)) // index into metrics, -1 for others
	for i, m := range c.Measures {
		slot[i] = -1
		switch m.Op {
		case MeasureCount:
			slot[i] = 0
		case MeasureSum, MeasureAvg, MeasureMin, MeasureMax:
			slot[i] = len(metrics)
			metrics = append(metrics, store.Metric{Op: store.AggOp(m.Op), Field: m.Field})
		case MeasureWeighted:
			// SUM(Field × Weight) in the same pass; × Scale below.
			slot[i] = len(metrics)
			metrics = append(metrics, store.Metric{Op: store.AggSum, Field: m.Field, Weight: m.Weight})
		}
	}
	return engine.RecordAggregate{Filter: filter, GroupBy: c.GroupBy, Metrics: metrics}, slot
}

// scaleOf is a weighted measure's scale (1 when not set).
func scaleOf(m Measure) float64 {
	if m.Scale == 0 {
		return 1
	}
	return m.Scale
}

// evalExpressions fills the expression measures of each row from the
// row's other measures. A run that fails (or divides by zero) leaves nil.
func evalExpressions(c Chart, rows []ChartRow) error {
	env := measureEnv(c)
	for j, m := range c.Measures {
		if m.Op != MeasureExpr {
			continue
		}
		p, err := expr.Compile(m.Expr, env, expr.Number)
		if err != nil {
			return invalid(exprErr(fmt.Sprintf("measures[%d].expr", j), err))
		}
		for i := range rows {
			in := make(map[string]any, len(c.Measures))
			for k, o := range c.Measures {
				if o.Op != MeasureExpr {
					in[o.ID] = rows[i].Values[k]
				}
			}
			val, err := p.Run(expr.Input{New: in})
			f, isNum := val.(float64)
			if err != nil || !isNum || math.IsInf(f, 0) || math.IsNaN(f) {
				rows[i].Values[j] = nil
				continue
			}
			rows[i].Values[j] = f
		}
	}
	return nil
}

// measureEnv is the expression environment of a chart: its non-expression
// measures as numbers.
func measureEnv(c Chart) expr.Env {
	env := expr.Env{Fields: map[string]expr.Type{}}
	for _, m := range c.Measures {
		if m.Op != MeasureExpr {
			env.Fields[m.ID] = expr.Number
		}
	}
	return env
}

// measurePaths renames the aggregate's metrics[i] paths to the chart's
// measures[j] entries they came from.
func measurePaths(err error, c Chart, slot []int) error {
	names := map[string]string{}
	for j, sl := range slot {
		if sl > 0 {
			names[fmt.Sprintf("metrics[%d].field", sl)] = fmt.Sprintf("measures[%d].field", j)
			names[fmt.Sprintf("metrics[%d].op", sl)] = fmt.Sprintf("measures[%d].op", j)
			names[fmt.Sprintf("metrics[%d].weight", sl)] = fmt.Sprintf("measures[%d].weight", j)
		}
	}
	return renamePath(err, names)
}

// labelKeys names option values and users of the group keys.
func (s *Dashboards) labelKeys(ctx context.Context, v *engine.Version, keys []ChartKey, rows []ChartRow) {
	for i := range keys {
		if keys[i].Bucket != store.BucketNone {
			continue
		}
		labels := map[string]string{}
		f, ok := v.Field(keys[i].Field)
		switch {
		case ok && (f.Type == "select" || f.Type == "multiselect"):
			for _, o := range f.Options {
				labels[o.Value] = o.Label
			}
		case ok && f.Type == "user" || keys[i].Field == "ownedBy" || keys[i].Field == "createdBy":
			users := map[string]bool{}
			for _, r := range rows {
				if id, ok := r.Keys[i].(string); ok && len(users) < maxUserLabels {
					users[id] = true
				}
			}
			for id := range users {
				if u, err := s.e.User(ctx, id); err == nil {
					labels[id] = u.Name
				}
			}
		}
		if len(labels) > 0 {
			keys[i].Labels = labels
		}
	}
}

// maxUserLabels bounds the user names looked up for one chart.
const maxUserLabels = 200

// keyOf is a map key for a group's keys.
func keyOf(keys []any) string {
	b, _ := json.Marshal(keys)
	return string(b)
}

// num is a value as a number (0 for none).
func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
