package report_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
)

// seeded is one generated record, as the brute force sees it.
type seeded struct {
	region    string
	amount    *float64
	price     float64
	prob      *float64
	due       string
	signed    time.Time
	createdAt time.Time
}

// TestChartAggregatesAgainstBruteForce checks every measure and date bucket
// of charts against a computation in Go over a seeded random data set, in
// a DST zone (America/New_York, records around both 2026 transitions), as
// an admin and as a member whose row filter keeps one region, on both
// backends.
func TestChartAggregatesAgainstBruteForce(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(15, 2026))
		// Two windows: around the spring-forward (Mar 8) and fall-back (Nov 1) days.
		windows := [][2]time.Time{
			{time.Date(2026, 3, 6, 0, 0, 0, 0, loc), time.Date(2026, 3, 10, 0, 0, 0, 0, loc)},
			{time.Date(2026, 10, 30, 0, 0, 0, 0, loc), time.Date(2026, 11, 3, 0, 0, 0, 0, loc)},
		}
		randTime := func() time.Time {
			w := windows[rng.IntN(2)]
			return w[0].Add(time.Duration(rng.Int64N(int64(w[1].Sub(w[0])/time.Minute))) * time.Minute).UTC()
		}
		n := 160
		if f.mongo {
			n = 80
		}
		var data []seeded
		for i := range n {
			r := seeded{region: []string{"north", "south"}[rng.IntN(2)], price: float64(rng.IntN(2000)) / 4,
				signed: randTime(), createdAt: randTime()}
			in := map[string]any{"title": fmt.Sprint(i), "stage": "s1", "region": r.region,
				"price": map[string]any{"amount": r.price, "currency": "CNY"}, "signed": store.FormatTime(r.signed)}
			if rng.IntN(5) > 0 {
				a := float64(rng.IntN(10000)) / 2
				r.amount = &a
				in["amount"] = a
			}
			if rng.IntN(4) > 0 {
				p := float64(rng.IntN(11) * 10)
				r.prob = &p
				in["prob"] = p
			}
			r.due = r.signed.In(loc).AddDate(0, 0, rng.IntN(40)).Format(time.DateOnly)
			in["due"] = r.due
			f.create(t, r.createdAt, in)
			data = append(data, r)
		}
		measures := []report.Measure{{ID: "n", Op: report.MeasureCount}, {ID: "total", Op: report.MeasureSum, Field: "amount"},
			{ID: "avg_amount", Op: report.MeasureAvg, Field: "amount"}, {ID: "min_amount", Op: report.MeasureMin, Field: "amount"},
			{ID: "max_amount", Op: report.MeasureMax, Field: "amount"}, {ID: "price_sum", Op: report.MeasureSum, Field: "price.amount"},
			{ID: "weighted", Op: report.MeasureWeighted, Field: "amount", Weight: "prob", Scale: 0.01},
			{ID: "per_record", Op: report.MeasureExpr, Expr: "weighted / n"}}
		type axis struct {
			field  string
			bucket store.Bucket
			value  func(seeded) string
		}
		var axes []axis
		for _, b := range []store.Bucket{store.BucketDay, store.BucketWeek, store.BucketMonth, store.BucketQuarter, store.BucketYear} {
			axes = append(axes,
				axis{"signed", b, func(r seeded) string { return bucket(r.signed.In(loc), b) }},
				axis{"createdAt", b, func(r seeded) string { return bucket(r.createdAt.In(loc), b) }},
				axis{"due", b, func(r seeded) string { d, _ := time.Parse(time.DateOnly, r.due); return bucket(d, b) }})
		}
		db := report.Dashboard{App: f.app, Title: "核对"}
		for i, ax := range axes {
			db.Charts = append(db.Charts, report.Chart{ID: fmt.Sprintf("c%d", i), Kind: report.ChartTable, Form: f.form,
				GroupBy: []store.GroupKey{{Field: ax.field, Bucket: ax.bucket}}, Measures: measures, Layout: report.Cell{W: 6, H: 4}})
		}
		// Add a grand total per region (no bucket) with the same measures.
		db.Charts = append(db.Charts, report.Chart{ID: "region", Kind: report.ChartTable, Form: f.form,
			GroupBy: []store.GroupKey{{Field: "region"}}, Measures: measures, Layout: report.Cell{W: 6, H: 4}})
		axes = append(axes, axis{"region", store.BucketNone, func(r seeded) string { return r.region }})
		db, err = f.d.Create(f.ctx, f.admin, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			name  string
			a     engine.Actor
			keeps func(seeded) bool
		}{
			{"admin", f.admin, func(seeded) bool { return true }},
			{"row filter", f.rep, func(r seeded) bool { return r.region == "north" }},
		} {
			got, err := f.d.Data(f.ctx, who.a, db.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, ax := range axes {
				cd := got[i]
				if cd.Err != nil {
					t.Fatalf("%s %s/%s: %v", who.name, ax.field, ax.bucket, cd.Err)
				}
				want := map[string][]any{}
				groups := map[string][]seeded{}
				for _, r := range data {
					if who.keeps(r) {
						k := ax.value(r)
						groups[k] = append(groups[k], r)
					}
				}
				for k, rs := range groups {
					want[k] = brute(rs)
				}
				if len(cd.Rows) != len(want) {
					t.Fatalf("%s %s/%s: %d groups, want %d", who.name, ax.field, ax.bucket, len(cd.Rows), len(want))
				}
				for _, row := range cd.Rows {
					k := fmt.Sprint(row.Keys[0])
					w, ok := want[k]
					if !ok {
						t.Fatalf("%s %s/%s: unexpected group %q", who.name, ax.field, ax.bucket, k)
					}
					for j, m := range measures {
						if !close(row.Values[j], w[j]) {
							t.Errorf("%s %s/%s %q %s = %v, want %v", who.name, ax.field, ax.bucket, k, m.ID, row.Values[j], w[j])
						}
					}
				}
			}
		}
	})
}

// brute computes the measures of TestChartAggregatesAgainstBruteForce in Go.
func brute(rs []seeded) []any {
	var sum, money, weighted float64
	var least, most any
	var counted int
	for _, r := range rs {
		money += r.price
		if r.amount == nil {
			continue
		}
		a := *r.amount
		counted++
		sum += a
		if least == nil || a < least.(float64) {
			least = a
		}
		if most == nil || a > most.(float64) {
			most = a
		}
		if r.prob != nil {
			weighted += a * *r.prob * 0.01
		}
	}
	var mean any
	if counted > 0 {
		mean = sum / float64(counted)
	}
	return []any{float64(len(rs)), sum, mean, least, most, money, weighted, weighted / float64(len(rs))}
}

// bucket renders a time's date bucket the way the store documents it.
func bucket(t time.Time, b store.Bucket) string {
	switch b {
	case store.BucketDay:
		return t.Format(time.DateOnly)
	case store.BucketWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case store.BucketMonth:
		return t.Format("2006-01")
	case store.BucketQuarter:
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	return fmt.Sprint(t.Year())
}

// close compares figures: nil with nil, numbers within a relative 1e-9.
func close(got, want any) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	g, ok1 := got.(float64)
	w, ok2 := want.(float64)
	return ok1 && ok2 && math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
}
