package report

import (
	"github.com/formloom/formloom/engine/store"
)

// Kinds of chart.
const (
	ChartMetric = "metric" // one or a few figures, no grouping
	ChartBar    = "bar"
	ChartLine   = "line"
	ChartPie    = "pie"
	ChartTable  = "table"  // a table, a pivot when grouped by two keys
	ChartFunnel = "funnel" // the stage funnel of the form's stage pipeline
)

// Measure ops. Count, sum, avg, min and max are store aggregates; weighted
// is SUM(Field × Weight) × Scale; expr computes a figure from the other
// measures of the same group.
const (
	MeasureCount    = "count"
	MeasureSum      = "sum"
	MeasureAvg      = "avg"
	MeasureMin      = "min"
	MeasureMax      = "max"
	MeasureWeighted = "weighted"
	MeasureExpr     = "expr"
)

// Limits of a chart.
const (
	maxChartTitle   = 60
	maxMeasures     = 8
	maxChartGroupBy = store.MaxGroupKeys - 1 // one key stays free for a weighted measure's weight
)

// Chart is one tile of a dashboard: an aggregate over a form's records as
// the viewer may see them, drawn as Kind.
type Chart struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	Form  string `json:"form"`
	// Source, when set, names a chart source (chart_source.go) the chart
	// counts instead of Form's records.
	Source string `json:"source,omitempty"`
	// GroupBy are field keys or record properties, optionally bucketed by
	// date in the workspace time zone (bar and line: the first key is the
	// axis, a second one splits the series; pie: one key; table: up to
	// three, a pivot with two).
	GroupBy  []store.GroupKey `json:"groupBy,omitempty"`
	Measures []Measure        `json:"measures,omitempty"`
	// Filter narrows the chart's records (the store filter model over
	// field keys, as in a query).
	Filter *store.Filter `json:"filter,omitempty"`
	// Limit keeps the first groups after sorting (0: all).
	Limit int `json:"limit,omitempty"`
	// SortByValue orders groups by the first measure, largest first,
	// instead of by their keys.
	SortByValue bool `json:"sortByValue,omitempty"`
	// Layout is the chart's place in the dashboard's 12-column grid.
	Layout Cell `json:"layout"`
	// Funnel configures a stage funnel.
	Funnel *FunnelConfig `json:"funnel,omitempty"`
}

// Cell is a place in the grid: column, row, width in columns, height in rows.
type Cell struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Measure is one figure of a chart. ID names it in expressions
// ("won_amount / count").
//
// A weighted measure is SUM(Field × Weight) × Scale, for example a
// weighted pipeline SUM(amount × probability / 100) is {op: weighted,
// field: amount, weight: probability, scale: 0.01}. The store adds up
// Field × Weight over the records where both are numbers in the chart's
// own aggregate (one pass, no record leaves the store); the sum is then
// multiplied by Scale.
type Measure struct {
	ID     string  `json:"id"`
	Label  string  `json:"label,omitempty"`
	Op     string  `json:"op"`
	Field  string  `json:"field,omitempty"`
	Weight string  `json:"weight,omitempty"`
	Scale  float64 `json:"scale,omitempty"`
	// Expr is an expression over the ids of the chart's other measures
	// (not expressions), evaluated once per group; an empty value is nil.
	Expr string `json:"expr,omitempty"`
}

// FunnelConfig sets up a stage funnel: the stage pipeline is the form's;
// Amount (a number or money field, "" for none) gives sums and the
// weighted pipeline; Owner (a user field or "ownedBy") the leaderboard.
type FunnelConfig struct {
	Amount string `json:"amount,omitempty"`
	Owner  string `json:"owner,omitempty"`
}

// ChartData is what a chart draws: rows of group keys and measure values.
// Err is set instead when this chart cannot be computed for the viewer
// (a form they may not read, a field hidden from them), so one such chart
// does not blank the whole dashboard.
type ChartData struct {
	Chart     string      `json:"chart"`
	Kind      string      `json:"kind"`
	Form      string      `json:"form"`
	Source    string      `json:"source,omitempty"`
	Keys      []ChartKey  `json:"keys"`
	Measures  []string    `json:"measures"`
	Rows      []ChartRow  `json:"rows"`
	Truncated bool        `json:"truncated,omitempty"`
	Funnel    *FunnelData `json:"funnel,omitempty"`
	Err       error       `json:"-"`
}

// ChartKey describes one group key; Labels name its values where they are
// option values or user ids.
type ChartKey struct {
	Field  string            `json:"field"`
	Bucket store.Bucket      `json:"bucket,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
}

// ChartRow is one group: Keys in GroupBy order (nil for records without a
// value), Values in Measures order (nil where there is no figure).
type ChartRow struct {
	Keys   []any `json:"keys"`
	Values []any `json:"values"`
}
