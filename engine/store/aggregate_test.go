package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestNormalizeAggregate(t *testing.T) {
	count := []store.Metric{{Op: store.AggCount}}
	ok := store.AggregateQuery{
		GroupBy: []store.GroupKey{{Field: "stage"}, {Field: "closed_at", Bucket: store.BucketWeek, TimeZone: "Asia/Shanghai"}},
		Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggCount, Field: "amount"}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggAvg, Field: "a.b"}, {Op: store.AggMin, Field: "x"}, {Op: store.AggMax, Field: store.FieldCreatedAt}},
	}
	if _, err := store.NormalizeAggregate(ok); err != nil {
		t.Fatalf("valid aggregate refused: %v", err)
	}
	many := make([]store.Metric, store.MaxMetrics+1)
	for i := range many {
		many[i] = store.Metric{Op: store.AggCount}
	}
	groups := make([]store.GroupKey, store.MaxGroupKeys+1)
	for i := range groups {
		groups[i] = store.GroupKey{Field: "a"}
	}
	bad := store.Where("a", "", 1)
	tests := []struct {
		name string
		q    store.AggregateQuery
	}{
		{"no metrics", store.AggregateQuery{}},
		{"too many metrics", store.AggregateQuery{Metrics: many}},
		{"unknown metric", store.AggregateQuery{Metrics: []store.Metric{{Op: "median", Field: "a"}}}},
		{"sum without field", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggSum}}}},
		{"avg bad field", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggAvg, Field: "$a"}}}},
		{"count bad field", store.AggregateQuery{Metrics: []store.Metric{{Op: store.AggCount, Field: "A"}}}},
		{"too many group keys", store.AggregateQuery{GroupBy: groups, Metrics: count}},
		{"group bad field", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "a..b"}}, Metrics: count}},
		{"unknown bucket", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "a", Bucket: "hour"}}, Metrics: count}},
		{"unknown zone", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "a", Bucket: store.BucketDay, TimeZone: "Mars/Base"}}, Metrics: count}},
		{"zone path", store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "a", Bucket: store.BucketDay, TimeZone: "../../etc/passwd"}}, Metrics: count}},
		{"bad filter", store.AggregateQuery{Filter: &bad, Metrics: count}},
		{"unknown deleted", store.AggregateQuery{Metrics: count, Deleted: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := store.NormalizeAggregate(tc.q); !errors.Is(err, store.ErrInvalidFilter) {
				t.Errorf("error = %v, want ErrInvalidFilter", err)
			}
		})
	}
}

func TestBucketKey(t *testing.T) {
	tests := []struct {
		at   time.Time
		b    store.Bucket
		want string
	}{
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), store.BucketDay, "2026-11-29"},
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), store.BucketWeek, "2026-W48"},
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), store.BucketMonth, "2026-11"},
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), store.BucketQuarter, "2026-Q4"},
		{time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC), store.BucketYear, "2026"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), store.BucketQuarter, "2026-Q1"},
		{time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC), store.BucketQuarter, "2026-Q1"},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), store.BucketQuarter, "2026-Q2"},
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), store.BucketQuarter, "2026-Q3"},
		// ISO weeks: 2025-12-29 (Monday) starts 2026-W01; 2027-01-01 (Friday) is in 2026-W53.
		{time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), store.BucketWeek, "2026-W01"},
		{time.Date(2025, 12, 28, 0, 0, 0, 0, time.UTC), store.BucketWeek, "2025-W52"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), store.BucketWeek, "2026-W53"},
		{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), store.BucketWeek, "2026-W02"},
		{time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), store.BucketNone, "2026-01-02T03:04:05.000006Z"},
	}
	for _, tc := range tests {
		if got := store.BucketKey(tc.at, tc.b); got != tc.want {
			t.Errorf("BucketKey(%s, %q) = %q, want %q", tc.at, tc.b, got, tc.want)
		}
	}
}

func TestBucketValue(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	tests := []struct {
		v    string
		b    store.Bucket
		loc  *time.Location
		want string
		ok   bool
	}{
		{"2026-03-31T15:59:59.000000Z", store.BucketDay, sh, "2026-03-31", true},
		{"2026-03-31T16:00:00.000000Z", store.BucketDay, sh, "2026-04-01", true},
		{"2026-03-31T16:00:00.000000Z", store.BucketDay, time.UTC, "2026-03-31", true},
		{"2026-03-31T16:00:00.000000Z", store.BucketQuarter, sh, "2026-Q2", true},
		{"2025-12-31T16:30:00.000000Z", store.BucketYear, sh, "2026", true},
		{"2025-12-31T16:30:00.000000Z", store.BucketYear, time.UTC, "2025", true},
		{"2026-01-04T16:00:00.000000Z", store.BucketWeek, sh, "2026-W02", true},
		{"2026-01-04T16:00:00.000000Z", store.BucketWeek, time.UTC, "2026-W01", true},
		{"2026-03-08T06:59:59Z", store.BucketDay, ny, "2026-03-08", true},
		{"2026-03-01T04:00:00+08:00", store.BucketMonth, time.UTC, "2026-02", true},
		// Dates without a time are not shifted by the zone.
		{"2026-03-31", store.BucketDay, sh, "2026-03-31", true},
		{"2026-03-31", store.BucketDay, ny, "2026-03-31", true},
		{"2026-01-01", store.BucketWeek, ny, "2026-W01", true},
		{"2026-12-31", store.BucketQuarter, sh, "2026-Q4", true},
		{"not a date", store.BucketDay, sh, "", false},
		{"2026-13-01", store.BucketDay, sh, "", false},
		{"", store.BucketDay, sh, "", false},
		{"2026-03-31 10:00", store.BucketDay, sh, "", false},
	}
	for _, tc := range tests {
		got, ok := store.BucketValue(tc.v, tc.b, tc.loc)
		if got != tc.want || ok != tc.ok {
			t.Errorf("BucketValue(%q, %q, %s) = %q, %v, want %q, %v", tc.v, tc.b, tc.loc, got, ok, tc.want, tc.ok)
		}
	}
}
