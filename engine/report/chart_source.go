package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// A chart source is something other than a form's records that a chart
// counts: another capability's occurrences (alert firings) given to the
// dashboards by the wiring, so this package imports no other capability.
// A chart names it in Chart.Source; its Form, when set, narrows the count
// to that form's occurrences, else to those of the dashboard's app. The
// source decides what the viewer may see (it runs as them).

// ChartSource counts occurrences for a chart.
type ChartSource interface {
	// Keys lists what the occurrences group and filter by.
	Keys() []SourceKey
	// Count counts the occurrences the actor may see: those of Forms,
	// matching Filter (over Keys), grouped by GroupBy; Groups' Values
	// hold one count each.
	Count(ctx context.Context, a engine.Actor, q SourceQuery) (SourceResult, error)
}

// SourceKey is one key of a chart source. Type is text, user, datetime or
// number: a dashboard date range narrows the first datetime key, a user
// filter the first user key; only a datetime key takes a date bucket.
type SourceKey struct {
	Key   string            `json:"key"`
	Type  string            `json:"type"`
	Label map[string]string `json:"label,omitempty"`
}

// SourceQuery is what a chart asks of its source.
type SourceQuery struct {
	Forms   []string
	Filter  *store.Filter
	GroupBy []store.GroupKey
}

// SourceResult is a source's count: one count per group, labels of key
// values by key.
type SourceResult struct {
	Groups    []store.Group
	Truncated bool
	Labels    map[string]map[string]string
}

// SourceInfo describes a registered source (for the chart dialog).
type SourceInfo struct {
	Name string      `json:"name"`
	Keys []SourceKey `json:"keys"`
}

// sources are the chart sources the wiring registered, by name.
type sources struct {
	mu sync.RWMutex
	m  map[string]ChartSource
}

func (s *Dashboards) sourceSet() *sources { return &s.sources }

// AddSource registers a chart source under name (charts name it in
// Chart.Source). Registering a name twice replaces it.
func (s *Dashboards) AddSource(name string, src ChartSource) {
	set := s.sourceSet()
	set.mu.Lock()
	if set.m == nil {
		set.m = map[string]ChartSource{}
	}
	set.m[name] = src
	set.mu.Unlock()
}

// Sources lists the registered chart sources by name.
func (s *Dashboards) Sources() []SourceInfo {
	set := s.sourceSet()
	set.mu.RLock()
	defer set.mu.RUnlock()
	out := make([]SourceInfo, 0, len(set.m))
	for n, src := range set.m {
		out = append(out, SourceInfo{Name: n, Keys: src.Keys()})
	}
	slices.SortFunc(out, func(x, y SourceInfo) int { return cmp.Compare(x.Name, y.Name) })
	return out
}

func (s *Dashboards) source(name string) (ChartSource, bool) {
	set := s.sourceSet()
	set.mu.RLock()
	defer set.mu.RUnlock()
	src, ok := set.m[name]
	return src, ok
}

// checkSourceChart validates the parts of a source chart (checkChart did
// the rest, the form only when it is set): a registered source, group keys
// and filter keys of the source, count and expression measures only.
func (s *Dashboards) checkSourceChart(at string, c *Chart, add func(string, string, map[string]any)) {
	src, ok := s.source(c.Source)
	if !ok {
		add(at+"source", engine.CodeOption, map[string]any{"value": c.Source})
		return
	}
	if c.Kind == ChartFunnel {
		add(at+"kind", engine.CodeOption, map[string]any{"value": c.Kind})
	}
	keys := src.Keys()
	for j, g := range c.GroupBy {
		i := slices.IndexFunc(keys, func(k SourceKey) bool { return k.Key == g.Field })
		switch {
		case i < 0:
			add(fmt.Sprintf("%sgroupBy[%d].field", at, j), engine.CodeUnknownField, map[string]any{"field": g.Field})
		case g.Bucket != store.BucketNone && keys[i].Type != "datetime":
			add(fmt.Sprintf("%sgroupBy[%d].bucket", at, j), engine.CodeOption, map[string]any{"value": string(g.Bucket)})
		}
	}
	for j, m := range c.Measures {
		if m.Op != MeasureCount && m.Op != MeasureExpr {
			add(fmt.Sprintf("%smeasures[%d].op", at, j), engine.CodeOption, map[string]any{"value": m.Op})
		}
	}
}

// sourceData computes a source chart: its filter and the dashboard's
// values as one filter over the source's keys, counted by the source as
// the actor. Not cached: the source's occurrences are not records whose
// outbox events the chart cache follows.
func (s *Dashboards) sourceData(ctx context.Context, a engine.Actor, db Dashboard, c Chart, values map[string]FilterValue) (ChartData, error) {
	src, ok := s.source(c.Source)
	if !ok {
		return ChartData{}, invalidAt("source", engine.CodeOption, map[string]any{"value": c.Source})
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return ChartData{}, err
	}
	forms := []string{c.Form}
	if c.Form == "" {
		list, err := s.e.Forms(ctx, a, db.App)
		if err != nil {
			return ChartData{}, err
		}
		forms = make([]string, len(list))
		for i, f := range list {
			forms[i] = f.ID
		}
	}
	var and []store.Filter
	if c.Filter != nil {
		and = append(and, *c.Filter)
	}
	keys := src.Keys()
	first := func(typ string) string {
		for _, k := range keys {
			if k.Type == typ {
				return k.Key
			}
		}
		return ""
	}
	for _, f := range db.Filters {
		val, ok := values[f.ID]
		if !ok {
			continue
		}
		switch f.Kind {
		case FilterDateRange:
			if k := first("datetime"); k != "" {
				and = append(and, instantRange(k, val, loc)...)
			}
		case FilterUser:
			if k := first("user"); k != "" && val.Value != "" {
				and = append(and, store.Where(k, store.OpEq, val.Value))
			}
		}
	}
	var filter *store.Filter
	if len(and) > 0 {
		f := store.And(and...)
		filter = &f
	}
	group := slices.Clone(c.GroupBy)
	for i := range group {
		if group[i].Bucket != store.BucketNone {
			group[i].TimeZone = loc.String()
		}
	}
	res, err := src.Count(ctx, a, SourceQuery{Forms: forms, Filter: filter, GroupBy: group})
	if err != nil {
		return ChartData{}, err
	}
	out := ChartData{Chart: c.ID, Kind: c.Kind, Form: c.Form, Source: c.Source, Keys: make([]ChartKey, len(c.GroupBy)), Measures: make([]string, len(c.Measures)), Truncated: res.Truncated}
	for i, g := range c.GroupBy {
		out.Keys[i] = ChartKey{Field: g.Field, Bucket: g.Bucket, Labels: res.Labels[g.Field]}
	}
	for i, m := range c.Measures {
		out.Measures[i] = m.ID
	}
	rows := make([]ChartRow, len(res.Groups))
	for i, g := range res.Groups {
		rows[i] = ChartRow{Keys: g.Keys, Values: make([]any, len(c.Measures))}
		for j, m := range c.Measures {
			if m.Op == MeasureCount {
				rows[i].Values[j] = g.Values[0]
			}
		}
	}
	if err := evalExpressions(c, rows); err != nil {
		return ChartData{}, err
	}
	slices.SortStableFunc(rows, func(x, y ChartRow) int {
		for i := range x.Keys {
			if d := compareKey(x.Keys[i], y.Keys[i], nil); d != 0 {
				return d
			}
		}
		return 0
	})
	if c.SortByValue && len(c.Measures) > 0 {
		slices.SortStableFunc(rows, func(x, y ChartRow) int { return cmp.Compare(num(y.Values[0]), num(x.Values[0])) })
	}
	if c.Limit > 0 && len(rows) > c.Limit {
		rows = rows[:c.Limit]
	}
	out.Rows = rows
	return out, nil
}

// instantRange is an inclusive date range over an instant key: from the
// start of From to the start of the day after To, in the zone.
func instantRange(key string, val FilterValue, loc *time.Location) []store.Filter {
	var out []store.Filter
	if val.From != "" {
		t, _ := time.ParseInLocation(time.DateOnly, val.From, loc)
		out = append(out, store.Where(key, store.OpGte, store.FormatTime(t)))
	}
	if val.To != "" {
		t, _ := time.ParseInLocation(time.DateOnly, val.To, loc)
		out = append(out, store.Where(key, store.OpLt, store.FormatTime(t.AddDate(0, 0, 1))))
	}
	return out
}
