package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
)

// countingStore counts the aggregates the engine asks the store for.
type countingStore struct {
	store.Store
	aggregates atomic.Int64
}

func (c *countingStore) Aggregate(ctx context.Context, coll string, q store.AggregateQuery) ([]store.Group, error) {
	c.aggregates.Add(1)
	return c.Store.Aggregate(ctx, coll, q)
}

// TestSharedAggregatesMatchPerChart is the differential test of the
// shared aggregates (chart_share.go): on a seeded random data set, a
// dashboard of charts over the same form, with and without chart filters
// and dashboard filter values, computed once with each chart's own
// aggregates and once rolled up from shared ones, gives the same data:
// every key, measure (count, sum, min and max of numbers and dates,
// weighted, expressions, averages that are not shared), group order,
// limit, funnel figure and leaderboard, and the same errors (a field
// hidden from the member), in a DST zone, as an admin and as a member
// whose row filter keeps one region, on both backends. It also checks
// that fewer aggregates ran.
func TestSharedAggregatesMatchPerChart(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		counter := &countingStore{Store: f.e.Store()}
		e, err := engine.New(f.ctx, counter, engine.Options{Clock: f.clk.Now, Authorizer: access.New(access.Options{})})
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/New_York")
		rng := rand.New(rand.NewPCG(15, 7))
		n := 150
		if f.mongo {
			n = 50
		}
		users := []string{f.admin.UserID, f.rep.UserID}
		stages := []string{"s1", "s2", "s3", "won", "lost"}
		base := time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC)
		for i := range n {
			in := map[string]any{"title": fmt.Sprint("t", i%9), "stage": "s1", "region": []string{"north", "south"}[rng.IntN(2)],
				"cost": float64(rng.IntN(100)), "rep": users[rng.IntN(2)],
				"due":    time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(80)).Format(time.DateOnly),
				"signed": store.FormatTime(base.Add(time.Duration(rng.IntN(72*60)) * time.Minute))}
			if rng.IntN(5) > 0 {
				in["amount"] = float64(rng.IntN(10000)) / 4
			}
			if rng.IntN(4) > 0 {
				in["prob"] = float64(rng.IntN(11) * 10)
			}
			// Groups of records share a creation time (ties in updatedAt).
			r := f.create(t, base.Add(time.Duration(i/10)*time.Hour), in)
			// Some move on, some of them to a closed stage.
			for k := range rng.IntN(4) {
				r = f.move(t, base.Add(time.Duration(i/10)*time.Hour+time.Duration(k+1)*time.Minute), r, stages[1+rng.IntN(4)])
			}
		}
		count := report.Measure{ID: "n", Op: report.MeasureCount}
		total := report.Measure{ID: "total", Op: report.MeasureSum, Field: "amount"}
		cell := report.Cell{W: 6, H: 4}
		big := store.Where("amount", store.OpGt, 1000.0)
		charts := []report.Chart{
			{ID: "card", Kind: report.ChartMetric, Measures: []report.Measure{count, total,
				{ID: "lo", Op: report.MeasureMin, Field: "amount"}, {ID: "hi", Op: report.MeasureMax, Field: "amount"}}},
			{ID: "bar", Kind: report.ChartBar, GroupBy: []store.GroupKey{{Field: "stage"}}, Measures: []report.Measure{count, total,
				{ID: "w", Op: report.MeasureWeighted, Field: "amount", Weight: "prob", Scale: 0.01}, {ID: "avg_deal", Op: report.MeasureExpr, Expr: "total / n"}}},
			{ID: "line", Kind: report.ChartLine, GroupBy: []store.GroupKey{{Field: "due", Bucket: store.BucketMonth}}, Measures: []report.Measure{total}},
			{ID: "week", Kind: report.ChartLine, GroupBy: []store.GroupKey{{Field: "signed", Bucket: store.BucketWeek}, {Field: "region"}}, Measures: []report.Measure{count}},
			{ID: "pie", Kind: report.ChartPie, GroupBy: []store.GroupKey{{Field: "region"}}, Measures: []report.Measure{count}, SortByValue: true, Limit: 1},
			{ID: "pivot", Kind: report.ChartTable, GroupBy: []store.GroupKey{{Field: "region"}, {Field: "stage"}}, Measures: []report.Measure{count, total,
				{ID: "first_due", Op: report.MeasureMin, Field: "due"}, {ID: "last_signed", Op: report.MeasureMax, Field: "signed"}}},
			{ID: "by_rep", Kind: report.ChartBar, GroupBy: []store.GroupKey{{Field: "rep"}}, Measures: []report.Measure{count, total}},
			{ID: "by_title", Kind: report.ChartTable, GroupBy: []store.GroupKey{{Field: "title"}, {Field: "createdAt", Bucket: store.BucketDay}}, Measures: []report.Measure{count}},
			{ID: "funnel", Kind: report.ChartFunnel, Funnel: &report.FunnelConfig{Amount: "amount", Owner: "ownedBy"}},
			{ID: "funnel_rep", Kind: report.ChartFunnel, Funnel: &report.FunnelConfig{Owner: "rep"}},
			{ID: "big_stage", Kind: report.ChartBar, Filter: &big, GroupBy: []store.GroupKey{{Field: "stage"}}, Measures: []report.Measure{count, total}},
			{ID: "big_region", Kind: report.ChartPie, Filter: &big, GroupBy: []store.GroupKey{{Field: "region"}}, Measures: []report.Measure{count}},
			{ID: "avg", Kind: report.ChartBar, GroupBy: []store.GroupKey{{Field: "stage"}}, Measures: []report.Measure{{ID: "a", Op: report.MeasureAvg, Field: "amount"}}},
			{ID: "cost", Kind: report.ChartBar, GroupBy: []store.GroupKey{{Field: "region"}}, Measures: []report.Measure{count, {ID: "c", Op: report.MeasureSum, Field: "cost"}}},
		}
		for i := range charts {
			charts[i].Form, charts[i].Layout = f.form, cell
		}
		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "对照", Charts: charts,
			Filters: []report.DashboardFilter{{ID: "period", Kind: report.FilterDateRange}, {ID: "who", Kind: report.FilterUser, Fields: map[string]string{f.form: "rep"}}}})
		if err != nil {
			t.Fatal(err)
		}
		own, err := report.NewDashboards(f.ctx, e, report.DashboardOptions{StageHistory: f.history, NoCache: true, NoShare: true})
		if err != nil {
			t.Fatal(err)
		}
		shared, err := report.NewDashboards(f.ctx, e, report.DashboardOptions{StageHistory: f.history, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct {
			name string
			a    engine.Actor
		}{{"admin", f.admin}, {"row filter", f.rep}} {
			for _, values := range []map[string]report.FilterValue{nil,
				{"period": {From: base.In(loc).Format(time.DateOnly), To: base.Add(3 * 24 * time.Hour).In(loc).Format(time.DateOnly)}},
				{"who": {Value: f.rep.UserID}}} {
				before := counter.aggregates.Load()
				want, err := own.Data(f.ctx, who.a, db.ID, values)
				if err != nil {
					t.Fatal(err)
				}
				mid := counter.aggregates.Load()
				got, err := shared.Data(f.ctx, who.a, db.ID, values)
				if err != nil {
					t.Fatal(err)
				}
				if ownN, sharedN := mid-before, counter.aggregates.Load()-mid; sharedN >= ownN {
					t.Errorf("%s %v: %d aggregates shared, %d on their own", who.name, values, sharedN, ownN)
				}
				for i := range want {
					w, g := chartJSON(t, want[i]), chartJSON(t, got[i])
					if w != g {
						t.Errorf("%s %v chart %s:\nown    %s\nshared %s", who.name, values, charts[i].ID, w, g)
					}
				}
				if who.a.UserID == f.rep.UserID && (want[len(want)-1].Err == nil || fmt.Sprint(paths(want[len(want)-1].Err)) != fmt.Sprint(paths(got[len(got)-1].Err))) {
					t.Errorf("hidden cost: own %v, shared %v", want[len(want)-1].Err, got[len(got)-1].Err)
				}
			}
		}
		// One chart alone: a funnel's stages and leaderboard share one aggregate.
		for _, id := range []string{"funnel", "funnel_rep", "pivot"} {
			w, err := own.ChartData(f.ctx, f.rep, db.ID, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			g, err := shared.ChartData(f.ctx, f.rep, db.ID, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if chartJSON(t, w) != chartJSON(t, g) {
				t.Errorf("chart %s alone:\nown    %s\nshared %s", id, chartJSON(t, w), chartJSON(t, g))
			}
		}
	})
}

// chartJSON is a chart's data and error as text.
func chartJSON(t *testing.T, cd report.ChartData) string {
	t.Helper()
	b, err := json.Marshal(cd)
	if err != nil {
		t.Fatal(err)
	}
	if cd.Err != nil {
		return fmt.Sprintf("%s error %v %v", b, cd.Err, paths(cd.Err))
	}
	return string(b)
}
