package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// RecordAggregate groups a form's records and computes metrics over each
// group: the totals row of the data view, kanban column headers, charts.
// Paths are field keys or record properties, as in RecordQuery.
type RecordAggregate struct {
	Filter  *store.Filter    `json:"filter,omitempty"`
	GroupBy []store.GroupKey `json:"groupBy,omitempty"`
	Metrics []store.Metric   `json:"metrics"`
	Deleted store.Deleted    `json:"-"`
	// MaxGroups bounds the groups answered: 0 is MaxAggregateGroups, more
	// is for callers that roll the groups up in Go (engine/report's shared
	// aggregate of a dashboard), at most MaxRollupGroups.
	MaxGroups int `json:"-"`
}

// AggregateGroup is one group: Keys in GroupBy order (nil for records
// without a value), Values in Metrics order.
type AggregateGroup struct {
	Keys   []any `json:"keys"`
	Values []any `json:"values"`
}

// AggregateResult holds the groups, sorted by their keys. Truncated is
// true when there were more than MaxAggregateGroups groups and only the
// first ones are returned.
type AggregateResult struct {
	Groups    []AggregateGroup `json:"groups"`
	Truncated bool             `json:"truncated,omitempty"`
}

// MaxAggregateGroups bounds the groups one aggregate answers.
const MaxAggregateGroups = 2000

// MaxRollupGroups bounds RecordAggregate.MaxGroups.
const MaxRollupGroups = 20000

// AggregateRecords runs an aggregate over the records the actor may view:
// their view rows are part of the store query, so counts and sums cover
// exactly those records, and a hidden field can be neither a group key, a
// metric nor a filter. Sum, avg, min and max take number-valued fields
// (number, money, percent, rating, numeric formulas); date buckets take
// date and time fields and default to the workspace time zone.
func (e *Engine) AggregateRecords(ctx context.Context, a Actor, formID string, q RecordAggregate) (AggregateResult, error) {
	d, err := e.viewDecision(ctx, a, formID)
	if err != nil {
		return AggregateResult{}, err
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return AggregateResult{}, err
	}
	// Group keys and metric fields are checked against the mask like sort keys.
	probe := RecordQuery{Filter: q.Filter}
	var paths []string // the error path of each probe sort key
	for i, g := range q.GroupBy {
		probe.Sort = append(probe.Sort, store.SortKey{Field: g.Field})
		paths = append(paths, fmt.Sprintf("groupBy[%d].field", i))
	}
	for i, m := range q.Metrics {
		if m.Field != "" {
			probe.Sort = append(probe.Sort, store.SortKey{Field: m.Field})
			paths = append(paths, fmt.Sprintf("metrics[%d].field", i))
		}
		if m.Weight != "" {
			probe.Sort = append(probe.Sort, store.SortKey{Field: m.Weight})
			paths = append(paths, fmt.Sprintf("metrics[%d].weight", i))
		}
	}
	if err := d.Mask.checkPaths(probe); err != nil {
		return AggregateResult{}, renameSortPaths(err, paths)
	}
	rows, err := v.rowsFilter(d)
	if err != nil {
		return AggregateResult{}, err
	}
	sq := store.AggregateQuery{Deleted: q.Deleted}
	if q.Filter != nil {
		f, err := v.translateFilter(resolveMe(*q.Filter, a.UserID), "filter", 0)
		if err != nil {
			return AggregateResult{}, err
		}
		sq.Filter = &f
	}
	sq.Filter = andRows(sq.Filter, rows)
	if len(q.Metrics) == 0 || len(q.Metrics) > store.MaxMetrics {
		return AggregateResult{}, invalid(fieldErr("metrics", CodeMaxItems, map[string]any{"max": store.MaxMetrics}))
	}
	if len(q.GroupBy) > store.MaxGroupKeys {
		return AggregateResult{}, invalid(fieldErr("groupBy", CodeMaxItems, map[string]any{"max": store.MaxGroupKeys}))
	}
	var zone string
	for i, g := range q.GroupBy {
		at := fmt.Sprintf("groupBy[%d]", i)
		p, cf, err := v.storePath(g.Field, at+".field")
		if err != nil {
			return AggregateResult{}, err
		}
		if cf != nil && !groupable(cf) {
			return AggregateResult{}, invalid(fieldErr(at+".field", CodeAggregate, map[string]any{"op": "group", "field": g.Field}))
		}
		k := store.GroupKey{Field: p, Bucket: g.Bucket, TimeZone: g.TimeZone}
		if g.Bucket != store.BucketNone {
			if !datePath(p, cf) {
				return AggregateResult{}, invalid(fieldErr(at+".bucket", CodeAggregate, map[string]any{"op": string(g.Bucket), "field": g.Field}))
			}
			if k.TimeZone == "" {
				if zone == "" {
					loc, err := e.Location(ctx, a.Workspace)
					if err != nil {
						return AggregateResult{}, err
					}
					zone = loc.String()
				}
				k.TimeZone = zone
			}
		}
		sq.GroupBy = append(sq.GroupBy, k)
	}
	for i, m := range q.Metrics {
		at := fmt.Sprintf("metrics[%d]", i)
		if m.Weight != "" && m.Op != store.AggSum {
			return AggregateResult{}, invalid(fieldErr(at+".weight", CodeAggregate, map[string]any{"op": string(m.Op), "field": m.Weight}))
		}
		if m.Op == store.AggCount {
			sq.Metrics = append(sq.Metrics, store.Metric{Op: store.AggCount})
			continue
		}
		if m.Field == "" {
			return AggregateResult{}, invalid(fieldErr(at+".field", CodeRequired, nil))
		}
		p, cf, err := v.storePath(m.Field, at+".field")
		if err != nil {
			return AggregateResult{}, err
		}
		numeric := cf != nil && cf.valueKind() == expr.KindNumber || v.moneyAmount(m.Field)
		ordered := numeric || datePath(p, cf)
		switch m.Op {
		case store.AggSum, store.AggAvg:
			if !numeric {
				return AggregateResult{}, invalid(fieldErr(at+".field", CodeAggregate, map[string]any{"op": string(m.Op), "field": m.Field}))
			}
		case store.AggMin, store.AggMax:
			if !ordered {
				return AggregateResult{}, invalid(fieldErr(at+".field", CodeAggregate, map[string]any{"op": string(m.Op), "field": m.Field}))
			}
		default:
			return AggregateResult{}, invalid(fieldErr(at+".op", CodeOption, map[string]any{"value": string(m.Op)}))
		}
		sm := store.Metric{Op: m.Op, Field: p}
		if m.Weight != "" {
			// Sum of Field × Weight: both number-valued.
			wp, wf, err := v.storePath(m.Weight, at+".weight")
			if err != nil {
				return AggregateResult{}, err
			}
			if !(wf != nil && wf.valueKind() == expr.KindNumber || v.moneyAmount(m.Weight)) {
				return AggregateResult{}, invalid(fieldErr(at+".weight", CodeAggregate, map[string]any{"op": string(m.Op), "field": m.Weight}))
			}
			sm.Weight = wp
		}
		sq.Metrics = append(sq.Metrics, sm)
	}
	groups, err := e.st.Aggregate(ctx, recordColl(formID), sq)
	if err != nil {
		return AggregateResult{}, mapStoreErr(err)
	}
	limit := MaxAggregateGroups
	if q.MaxGroups > 0 {
		limit = min(q.MaxGroups, MaxRollupGroups)
	}
	out := AggregateResult{Groups: make([]AggregateGroup, 0, min(len(groups), limit))}
	for i, g := range groups {
		if i == limit {
			out.Truncated = true
			break
		}
		out.Groups = append(out.Groups, AggregateGroup{Keys: g.Keys, Values: g.Values})
	}
	return out, nil
}

// moneyAmount reports whether path is the amount of a money field ("deal.amount").
func (v *Version) moneyAmount(path string) bool {
	head, rest, ok := strings.Cut(path, ".")
	f, known := v.byKey[head]
	return ok && known && rest == "amount" && f.typ.Name() == "money"
}

// groupable reports whether records can be grouped by a field's value:
// scalars and single references, not lists of rows, files or free text
// that is long by nature.
func groupable(f *cfield) bool {
	switch f.typ.Name() {
	case "subform", "attachment", "image", "signature", "richtext", "textarea", "location", "address":
		return false
	}
	return true
}

// datePath reports whether a store path holds dates or times.
func datePath(p string, f *cfield) bool {
	if f == nil {
		return p == store.FieldCreatedAt || p == store.FieldUpdatedAt || p == store.FieldDeletedAt
	}
	k := f.valueKind()
	return k == expr.KindDate || k == expr.KindDateTime
}

// valueKind is the expression kind of a field's stored value. A formula's
// field type cannot know it (it is any there); its compiled expression's
// result type does, so a number formula (a probability, a weighted
// amount) can be summed and a date formula bucketed.
func (f *cfield) valueKind() expr.Kind {
	if f.formula != nil {
		if k := f.formula.Type().Kind; k != expr.KindAny {
			return k
		}
	}
	return f.typ.ExprType(f.def).Kind
}

// renameSortPaths renames the sort[i] paths checkPaths reports to the
// groupBy and metrics entries the probe's sort keys came from.
func renameSortPaths(err error, paths []string) error {
	ve, ok := err.(*ValidationError)
	if !ok {
		return err
	}
	for i := range ve.Fields {
		var n int
		if _, scan := fmt.Sscanf(ve.Fields[i].Path, "sort[%d]", &n); scan == nil && n < len(paths) {
			ve.Fields[i].Path = paths[n]
		}
	}
	return ve
}
