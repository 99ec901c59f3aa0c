package storetest

import (
	"github.com/formloom/formloom/engine/store"
)

func bucketCases() []testCase {
	return []testCase{
		{name: "AroundMidnight", run: testBucketsAroundMidnight},
	}
}

// bucketDocs sit on both sides of midnight in Shanghai (UTC+8) and in UTC,
// across a year, a quarter, a month and an ISO week boundary. n is a
// power of two so that every sum names its documents.
func bucketDocs() []doc {
	return []doc{
		{"b1", map[string]any{"kind": "x", "at": "2026-03-31T15:59:59.000000Z", "day": "2026-04-01", "n": 1}},
		{"b2", map[string]any{"kind": "x", "at": "2026-03-31T16:00:00.000000Z", "n": 2}},
		{"b3", map[string]any{"kind": "y", "at": "2025-12-31T16:30:00.000000Z", "n": 4}},
		{"b4", map[string]any{"kind": "x", "at": "2025-12-31T15:00:00.000000Z", "n": 8}},
		{"b5", map[string]any{"kind": "y", "at": "2026-01-04T16:00:00.000000Z", "n": 16}},
		{"b6", map[string]any{"kind": "y", "day": "2026-03-31", "n": 32}},
	}
}

func bg(key any, count, sum float64) store.Group {
	return store.Group{Keys: keys(key), Values: vals(count, sum)}
}

func testBucketsAroundMidnight(f *fixture) {
	f.seed("happenings", bucketDocs())
	metrics := []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "n"}}
	_, err := f.s.Aggregate(f.ctx, "happenings", store.AggregateQuery{
		GroupBy: []store.GroupKey{{Field: "at", Bucket: store.BucketDay}}, Metrics: metrics})
	if !f.caps.DateBuckets {
		f.wantErr("date bucket without DateBuckets", err, store.ErrUnsupported)
		f.t.Skip(reasonNoBuckets)
	}
	f.noErr("Aggregate by day", err)
	const sh = "Asia/Shanghai"
	scenarios := []struct {
		name string
		keys []store.GroupKey
		want []store.Group
	}{
		{"day UTC", []store.GroupKey{{Field: "at", Bucket: store.BucketDay}},
			[]store.Group{bg(nil, 1, 32), bg("2025-12-31", 2, 12), bg("2026-01-04", 1, 16), bg("2026-03-31", 2, 3)}},
		{"day UTC named", []store.GroupKey{{Field: "at", Bucket: store.BucketDay, TimeZone: "UTC"}},
			[]store.Group{bg(nil, 1, 32), bg("2025-12-31", 2, 12), bg("2026-01-04", 1, 16), bg("2026-03-31", 2, 3)}},
		{"day Shanghai", []store.GroupKey{{Field: "at", Bucket: store.BucketDay, TimeZone: sh}},
			[]store.Group{bg(nil, 1, 32), bg("2025-12-31", 1, 8), bg("2026-01-01", 1, 4), bg("2026-01-05", 1, 16), bg("2026-03-31", 1, 1), bg("2026-04-01", 1, 2)}},
		{"week UTC", []store.GroupKey{{Field: "at", Bucket: store.BucketWeek}},
			[]store.Group{bg(nil, 1, 32), bg("2026-W01", 3, 28), bg("2026-W14", 2, 3)}},
		{"week Shanghai", []store.GroupKey{{Field: "at", Bucket: store.BucketWeek, TimeZone: sh}},
			[]store.Group{bg(nil, 1, 32), bg("2026-W01", 2, 12), bg("2026-W02", 1, 16), bg("2026-W14", 2, 3)}},
		{"month UTC", []store.GroupKey{{Field: "at", Bucket: store.BucketMonth}},
			[]store.Group{bg(nil, 1, 32), bg("2025-12", 2, 12), bg("2026-01", 1, 16), bg("2026-03", 2, 3)}},
		{"month Shanghai", []store.GroupKey{{Field: "at", Bucket: store.BucketMonth, TimeZone: sh}},
			[]store.Group{bg(nil, 1, 32), bg("2025-12", 1, 8), bg("2026-01", 2, 20), bg("2026-03", 1, 1), bg("2026-04", 1, 2)}},
		{"quarter UTC", []store.GroupKey{{Field: "at", Bucket: store.BucketQuarter}},
			[]store.Group{bg(nil, 1, 32), bg("2025-Q4", 2, 12), bg("2026-Q1", 3, 19)}},
		{"quarter Shanghai", []store.GroupKey{{Field: "at", Bucket: store.BucketQuarter, TimeZone: sh}},
			[]store.Group{bg(nil, 1, 32), bg("2025-Q4", 1, 8), bg("2026-Q1", 3, 21), bg("2026-Q2", 1, 2)}},
		{"year UTC", []store.GroupKey{{Field: "at", Bucket: store.BucketYear}},
			[]store.Group{bg(nil, 1, 32), bg("2025", 2, 12), bg("2026", 3, 19)}},
		{"year Shanghai", []store.GroupKey{{Field: "at", Bucket: store.BucketYear, TimeZone: sh}},
			[]store.Group{bg(nil, 1, 32), bg("2025", 1, 8), bg("2026", 4, 23)}},
		{"dates are not shifted", []store.GroupKey{{Field: "day", Bucket: store.BucketDay, TimeZone: "America/Los_Angeles"}},
			[]store.Group{bg(nil, 4, 30), bg("2026-03-31", 1, 32), bg("2026-04-01", 1, 1)}},
		{"dates are not shifted east", []store.GroupKey{{Field: "day", Bucket: store.BucketMonth, TimeZone: sh}},
			[]store.Group{bg(nil, 4, 30), bg("2026-03", 1, 32), bg("2026-04", 1, 1)}},
		{"plain key then bucket", []store.GroupKey{{Field: "kind"}, {Field: "at", Bucket: store.BucketMonth, TimeZone: sh}},
			[]store.Group{
				{Keys: keys("x", "2025-12"), Values: vals(1.0, 8.0)},
				{Keys: keys("x", "2026-03"), Values: vals(1.0, 1.0)},
				{Keys: keys("x", "2026-04"), Values: vals(1.0, 2.0)},
				{Keys: keys("y", nil), Values: vals(1.0, 32.0)},
				{Keys: keys("y", "2026-01"), Values: vals(2.0, 20.0)},
			}},
	}
	for _, sc := range scenarios {
		got, err := f.s.Aggregate(f.ctx, "happenings", store.AggregateQuery{GroupBy: sc.keys, Metrics: metrics})
		if err != nil {
			f.t.Errorf("%s: Aggregate: %v", sc.name, err)
			continue
		}
		f.sameGroups(sc.name, got, sc.want)
	}
}
