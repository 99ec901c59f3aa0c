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
	// The charts are independent reads: a few at a time, so a dashboard
	// costs about its slowest charts rather than their sum (the store
	// serves concurrent readers).
	out := make([]ChartData, len(db.Charts))
	sem := make(chan struct{}, dataParallelism)
	var wg sync.WaitGroup
	for i, c := range db.Charts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cd, err := s.chartData(ctx, a, db, c, values)
			if err != nil {
				cd = ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Keys: []ChartKey{}, Measures: []string{}, Rows: []ChartRow{}, Err: err}
			}
			out[i] = cd
		}()
	}
	wg.Wait()
	return out, nil
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

func chartOf(db Dashboard, id string) (Chart, bool) {
	i := slices.IndexFunc(db.Charts, func(c Chart) bool { return c.ID == id })
	if i < 0 {
		return Chart{}, false
	}
	return db.Charts[i], true
}

// chartData computes a chart: its filter and the dashboard's are one
// filter, every aggregate runs through engine.AggregateRecords as the actor.
func (s *Dashboards) chartData(ctx context.Context, a engine.Actor, db Dashboard, c Chart, values map[string]FilterValue) (ChartData, error) {
	if c.Source != "" {
		return s.sourceData(ctx, a, db, c, values)
	}
	v, err := s.e.CurrentVersion(ctx, a, c.Form)
	if err != nil {
		return ChartData{}, err
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return ChartData{}, err
	}
	filter, err := chartFilter(v, db, c, values, loc)
	if err != nil {
		return ChartData{}, err
	}
	if s.cache == nil {
		return s.compute(ctx, a, c, v, filter)
	}
	key, coll := chartKey(a, c, filter, v.Number, loc.String()), engine.RecordCollection(c.Form)
	cd, ok, seq, err := s.cache.lookup(ctx, key, coll, a.Workspace)
	if err != nil {
		// The outbox could not be read: compute, and keep nothing.
		return s.compute(ctx, a, c, v, filter)
	}
	if ok {
		return cd, nil
	}
	cd, err = s.compute(ctx, a, c, v, filter)
	if err == nil {
		s.cache.store(key, coll, a.Workspace, seq, cd)
	}
	return cd, err
}

// compute computes a chart: every aggregate runs through
// engine.AggregateRecords as the actor.
func (s *Dashboards) compute(ctx context.Context, a engine.Actor, c Chart, v *engine.Version, filter *store.Filter) (ChartData, error) {
	if c.Kind == ChartFunnel {
		return s.funnel(ctx, a, c, v, filter)
	}
	out := ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Keys: make([]ChartKey, len(c.GroupBy)), Measures: make([]string, len(c.Measures))}
	for i, g := range c.GroupBy {
		out.Keys[i] = ChartKey{Field: g.Field, Bucket: g.Bucket}
	}
	for i, m := range c.Measures {
		out.Measures[i] = m.ID
	}
	// Plain measures go in one aggregate; count is always there so every
	// group shows up even when a chart has only weighted measures.
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
	res, err := s.e.AggregateRecords(ctx, a, c.Form, engine.RecordAggregate{Filter: filter, GroupBy: c.GroupBy, Metrics: metrics})
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
