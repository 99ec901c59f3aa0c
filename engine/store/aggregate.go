package store

import (
	"fmt"
	"time"
)

// Bucket truncates a date or time group key.
type Bucket string

// Date buckets. Keys are rendered as strings: day "2026-11-29", week (ISO
// 8601, weeks start on Monday) "2026-W48", month "2026-11", quarter "2026-Q4",
// year "2026". Times are bucketed in the group key's TimeZone.
const (
	BucketNone    Bucket = ""
	BucketDay     Bucket = "day"
	BucketWeek    Bucket = "week"
	BucketMonth   Bucket = "month"
	BucketQuarter Bucket = "quarter"
	BucketYear    Bucket = "year"
)

// GroupKey is one group-by key: a field, optionally bucketed by date.
type GroupKey struct {
	Field  string `json:"field"`
	Bucket Bucket `json:"bucket,omitempty"`
	// TimeZone is an IANA name such as "Asia/Shanghai"; empty means UTC.
	// Values that are dates without a time ("2026-11-29") are not shifted.
	TimeZone string `json:"timeZone,omitempty"`
}

// AggOp is an aggregate function.
type AggOp string

// Aggregate functions. Sum and avg consider numbers only; min and max compare
// numbers with numbers and strings with strings (numbers win when a group has both).
const (
	AggCount AggOp = "count"
	AggSum   AggOp = "sum"
	AggAvg   AggOp = "avg"
	AggMin   AggOp = "min"
	AggMax   AggOp = "max"
)

// Metric is one aggregate. Count needs no field (it counts documents).
// Weight, with sum only, makes the metric the sum of Field × Weight over
// the documents where both are numbers (a weighted total in one pass).
type Metric struct {
	Op     AggOp  `json:"op"`
	Field  string `json:"field,omitempty"`
	Weight string `json:"weight,omitempty"`
}

// AggregateQuery groups the documents matched by Filter.
type AggregateQuery struct {
	Filter  *Filter
	GroupBy []GroupKey
	Metrics []Metric
	Deleted Deleted
}

// Group is one result row: Keys in GroupBy order (nil for missing values),
// Values in Metrics order. Count is a float64 like every number; sum of an
// empty set is 0; avg, min and max of an empty set are nil.
type Group struct {
	Keys   []any
	Values []any
}

// NormalizeAggregate validates an aggregate query.
func NormalizeAggregate(q AggregateQuery) (AggregateQuery, error) {
	f, err := q.Filter.Normalize()
	if err != nil {
		return AggregateQuery{}, err
	}
	q.Filter = f
	if q.Deleted < ExcludeDeleted || q.Deleted > IncludeDeleted {
		return AggregateQuery{}, filterErr("deleted", "unknown recycle-bin selection")
	}
	if len(q.GroupBy) > MaxGroupKeys {
		return AggregateQuery{}, filterErr("groupBy", "more than %d keys", MaxGroupKeys)
	}
	for i, k := range q.GroupBy {
		at := fmt.Sprintf("groupBy[%d]", i)
		if _, err := SplitPath(k.Field); err != nil {
			return AggregateQuery{}, filterErr(at, "%v", unwrapMsg(err))
		}
		switch k.Bucket {
		case BucketNone, BucketDay, BucketWeek, BucketMonth, BucketQuarter, BucketYear:
		default:
			return AggregateQuery{}, filterErr(at, "unknown date bucket %q", truncate(string(k.Bucket)))
		}
		if k.TimeZone != "" {
			if _, err := time.LoadLocation(k.TimeZone); err != nil || len(k.TimeZone) > 64 {
				return AggregateQuery{}, filterErr(at, "unknown time zone %q", truncate(k.TimeZone))
			}
		}
	}
	if len(q.Metrics) == 0 || len(q.Metrics) > MaxMetrics {
		return AggregateQuery{}, filterErr("metrics", "need 1 to %d metrics", MaxMetrics)
	}
	for i, m := range q.Metrics {
		at := fmt.Sprintf("metrics[%d]", i)
		switch m.Op {
		case AggCount:
			if m.Field != "" {
				if _, err := SplitPath(m.Field); err != nil {
					return AggregateQuery{}, filterErr(at, "%v", unwrapMsg(err))
				}
			}
		case AggSum, AggAvg, AggMin, AggMax:
			if _, err := SplitPath(m.Field); err != nil {
				return AggregateQuery{}, filterErr(at, "%v", unwrapMsg(err))
			}
		default:
			return AggregateQuery{}, filterErr(at, "unknown aggregate %q", truncate(string(m.Op)))
		}
		if m.Weight != "" {
			if m.Op != AggSum {
				return AggregateQuery{}, filterErr(at, "a weight needs sum, not %q", truncate(string(m.Op)))
			}
			if _, err := SplitPath(m.Weight); err != nil {
				return AggregateQuery{}, filterErr(at+".weight", "%v", unwrapMsg(err))
			}
		}
	}
	return q, nil
}

// BucketKey renders the bucket of t (already in the wanted zone) as a group key.
// Backends that bucket in Go use it, so keys look the same everywhere.
func BucketKey(t time.Time, b Bucket) string {
	switch b {
	case BucketDay:
		return t.Format("2006-01-02")
	case BucketWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case BucketMonth:
		return t.Format("2006-01")
	case BucketQuarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case BucketYear:
		return fmt.Sprintf("%04d", t.Year())
	}
	return FormatTime(t)
}

// BucketValue buckets a stored date ("2006-01-02") or time (RFC 3339) value in
// loc. ok is false for values that are not dates or times.
func BucketValue(v string, b Bucket, loc *time.Location) (key string, ok bool) {
	if len(v) == 10 {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", false
		}
		return BucketKey(t, b), true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return "", false
	}
	return BucketKey(t.In(loc), b), true
}
