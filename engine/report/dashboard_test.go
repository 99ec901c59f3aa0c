package report_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
)

func barChart(form string) report.Chart {
	return report.Chart{ID: "by_stage", Title: "按阶段", Kind: report.ChartBar, Form: form,
		GroupBy: []store.GroupKey{{Field: "stage"}},
		Measures: []report.Measure{{ID: "n", Op: report.MeasureCount}, {ID: "total", Op: report.MeasureSum, Field: "amount"},
			{ID: "weighted", Op: report.MeasureWeighted, Field: "amount", Weight: "prob", Scale: 0.01},
			{ID: "avg", Op: report.MeasureExpr, Expr: "total / n"}},
		Layout: report.Cell{X: 0, Y: 0, W: 6, H: 4}}
}

func TestDashboardCRUDAndVisibility(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: " 销售看板 ", Roles: []string{f.roleID},
			Filters: []report.DashboardFilter{{ID: "period", Kind: report.FilterDateRange}, {ID: "who", Kind: report.FilterUser, Fields: map[string]string{f.form: "rep"}}},
			Charts:  []report.Chart{barChart(f.form)}})
		if err != nil {
			t.Fatal(err)
		}
		if db.Title != "销售看板" || db.Owner != f.admin.UserID || len(db.Charts) != 1 || db.Version == 0 {
			t.Fatalf("created = %+v", db)
		}
		// The role's member sees it; a member without the role does not.
		if list, err := f.d.List(f.ctx, f.rep, f.app); err != nil || len(list) != 1 {
			t.Fatalf("rep's list = %+v, %v", list, err)
		}
		if list, err := f.d.List(f.ctx, f.no, f.app); err != nil || len(list) != 0 {
			t.Fatalf("other's list = %+v, %v", list, err)
		}
		if _, err := f.d.Get(f.ctx, f.no, db.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("other opens it: %v", err)
		}
		// Members do not change dashboards.
		if _, err := f.d.Update(f.ctx, f.rep, db.ID, db, db.Version); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("rep updates: %v", err)
		}
		if err := f.d.Delete(f.ctx, f.rep, db.ID); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("rep deletes: %v", err)
		}
		db.Title = "看板"
		upd, err := f.d.Update(f.ctx, f.admin, db.ID, db, db.Version)
		if err != nil || upd.Title != "看板" {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		if _, err := f.d.Update(f.ctx, f.admin, db.ID, db, db.Version); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if err := f.d.Delete(f.ctx, f.admin, db.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.d.Get(f.ctx, f.admin, db.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestDashboardValidation(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		scenarios := []struct {
			name string
			edit func(*report.Dashboard)
			path string
			code string
		}{
			{"no title", func(d *report.Dashboard) { d.Title = " " }, "title", engine.CodeRequired},
			{"unknown role", func(d *report.Dashboard) { d.Roles = []string{"nope"} }, "roles[0]", engine.CodeNotFound},
			{"bad filter kind", func(d *report.Dashboard) { d.Filters = []report.DashboardFilter{{ID: "x", Kind: "color"}} }, "filters[0].kind", engine.CodeOption},
			{"filter on a text field", func(d *report.Dashboard) {
				d.Filters = []report.DashboardFilter{{ID: "x", Kind: report.FilterDateRange, Fields: map[string]string{f.form: "title"}}}
			}, "filters[0].fields." + f.form, engine.CodeOption},
			{"bad kind", func(d *report.Dashboard) { d.Charts[0].Kind = "radar" }, "charts[0].kind", engine.CodeOption},
			{"off the grid", func(d *report.Dashboard) { d.Charts[0].Layout = report.Cell{X: 10, W: 4, H: 2} }, "charts[0].layout.w", engine.CodeRange},
			{"pie with two keys", func(d *report.Dashboard) {
				d.Charts[0].Kind = report.ChartPie
				d.Charts[0].GroupBy = append(d.Charts[0].GroupBy, store.GroupKey{Field: "region"})
			}, "charts[0].groupBy", engine.CodeMaxItems},
			{"bar without keys", func(d *report.Dashboard) { d.Charts[0].GroupBy = nil }, "charts[0].groupBy", engine.CodeRequired},
			{"sum of text", func(d *report.Dashboard) { d.Charts[0].Measures[1].Field = "title" }, "charts[0].measures[1].field", engine.CodeAggregate},
			{"weight of text", func(d *report.Dashboard) { d.Charts[0].Measures[2].Weight = "title" }, "charts[0].measures[2].weight", engine.CodeAggregate},
			{"bad expression", func(d *report.Dashboard) { d.Charts[0].Measures[3].Expr = "total / nope" }, "charts[0].measures[3].expr", ""},
			{"duplicate measure", func(d *report.Dashboard) { d.Charts[0].Measures[1].ID = "n" }, "charts[0].measures[1].id", engine.CodeOption},
			{"unknown group field", func(d *report.Dashboard) { d.Charts[0].GroupBy[0].Field = "nope" }, "charts[0].groupBy[0].field", engine.CodeUnknownField},
			{"bad filter", func(d *report.Dashboard) {
				bad := store.Where("amount", store.OpContains, "x")
				d.Charts[0].Filter = &bad
			}, "charts[0].filter.op", engine.CodeOperator},
			{"funnel without pipeline form", func(d *report.Dashboard) {
				d.Charts[0] = report.Chart{ID: "f", Kind: report.ChartFunnel, Form: "nope", Layout: report.Cell{W: 4, H: 4}}
			}, "charts[0].form", engine.CodeNotFound},
		}
		for _, sc := range scenarios {
			in := report.Dashboard{App: f.app, Title: "看板", Charts: []report.Chart{barChart(f.form)}}
			sc.edit(&in)
			_, err := f.d.Create(f.ctx, f.admin, in)
			if got := codes(err); got[sc.path] != sc.code && (sc.code != "" || got[sc.path] == "") {
				t.Errorf("%s: errors %v (%v), want %s at %s", sc.name, got, err, sc.code, sc.path)
			}
		}
		if list, _ := f.d.List(f.ctx, f.admin, f.app); len(list) != 0 {
			t.Fatalf("a refused dashboard was saved: %+v", list)
		}
	})
}

func TestChartDataAndDrill(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		day := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		for _, r := range []map[string]any{
			{"title": "a", "stage": "s1", "region": "north", "amount": 100, "prob": 10},
			{"title": "b", "stage": "s1", "region": "south", "amount": 300, "prob": 50},
			{"title": "c", "stage": "s2", "region": "north", "amount": 200, "prob": 40},
			{"title": "d", "stage": "s2", "region": "north", "prob": 40},
		} {
			f.create(t, day, r)
		}
		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "看板",
			Filters: []report.DashboardFilter{{ID: "period", Kind: report.FilterDateRange}}, Charts: []report.Chart{barChart(f.form)}})
		if err != nil {
			t.Fatal(err)
		}
		data, err := f.d.Data(f.ctx, f.admin, db.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(data[0].Rows)
		// s1: 2 records, 400, 100×0.1 + 300×0.5 = 160, avg 200; s2: 2, 200, 80, 100.
		if want := "[{[s1] [2 400 160 200]} {[s2] [2 200 80 100]}]"; got != want || data[0].Keys[0].Labels["s1"] != "初步接触" {
			t.Fatalf("rows = %s, want %s (keys %+v)", got, want, data[0].Keys)
		}
		// The rep sees only the north region.
		data, err = f.d.Data(f.ctx, f.rep, db.ID, nil)
		if err != nil || data[0].Err != nil {
			t.Fatal(err, data[0].Err)
		}
		if got, want := fmt.Sprint(data[0].Rows), "[{[s1] [1 100 10 100]} {[s2] [2 200 80 100]}]"; got != want {
			t.Fatalf("rep's rows = %s, want %s", got, want)
		}
		// A date range that ends before the records leaves nothing.
		data, err = f.d.Data(f.ctx, f.admin, db.ID, map[string]report.FilterValue{"period": {From: "2026-03-01", To: "2026-03-09"}})
		if err != nil || len(data[0].Rows) != 0 {
			t.Fatalf("filtered rows = %+v, %v", data, err)
		}
		// The range is in the workspace zone: 15:00 UTC on the 10th is the 10th in New York.
		data, _ = f.d.Data(f.ctx, f.admin, db.ID, map[string]report.FilterValue{"period": {From: "2026-03-10", To: "2026-03-10"}})
		if len(data[0].Rows) != 2 {
			t.Fatalf("rows of the 10th = %+v", data[0].Rows)
		}
		if _, err := f.d.Data(f.ctx, f.admin, db.ID, map[string]report.FilterValue{"period": {From: "march"}}); codes(err)["filters.period.from"] == "" {
			t.Fatalf("bad date: %v", err)
		}
		// Drill into the rep's s2 bar: the filter finds exactly those records.
		dr, err := f.d.Drill(f.ctx, f.rep, db.ID, "by_stage", nil, []any{"s2"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := f.e.QueryRecords(f.ctx, f.rep, dr.Form, engine.RecordQuery{Filter: &dr.Filter, Limit: 100})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("drilled records = %d, %v", len(page.Items), err)
		}
		// A chart over a field hidden from the rep fails alone, with its path.
		db.Charts = append(db.Charts, report.Chart{ID: "cost", Kind: report.ChartMetric, Form: f.form,
			Measures: []report.Measure{{ID: "cost", Op: report.MeasureSum, Field: "cost"}}, Layout: report.Cell{X: 6, W: 6, H: 2}},
			report.Chart{ID: "by_cost", Kind: report.ChartMetric, Form: f.form, Layout: report.Cell{X: 0, Y: 8, W: 6, H: 2},
				Measures: []report.Measure{{ID: "n", Op: report.MeasureCount}, {ID: "w", Op: report.MeasureWeighted, Field: "amount", Weight: "cost"}}})
		db.Roles = nil
		db, err = f.d.Update(f.ctx, f.admin, db.ID, db, db.Version)
		if err != nil {
			t.Fatal(err)
		}
		data, err = f.d.Data(f.ctx, f.rep, db.ID, nil)
		if err != nil || data[0].Err != nil || data[1].Err == nil {
			t.Fatalf("rep's data: %v; %v / %v", err, data[0].Err, data[1].Err)
		}
		// Nor can a hidden field weigh a sum.
		if data[2].Err == nil || codes(data[2].Err)["measures[1].weight"] == "" {
			t.Fatalf("rep's weighted chart by the hidden cost: %v (%v)", data[2].Err, codes(data[2].Err))
		}
		// A member without access to the form gets each chart's error.
		data, err = f.d.Data(f.ctx, f.no, db.ID, nil)
		if err != nil || !errors.Is(data[0].Err, engine.ErrForbidden) {
			t.Fatalf("nobody's data: %v; %v", err, data[0].Err)
		}
	})
}

func TestStageFunnel(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		h := time.Hour
		// Five records: two won (s1→s2→s3→won), one lost from s2, one in s3, one in s1.
		var recs []engine.Record
		for i := range 5 {
			region := "north"
			if i == 4 {
				region = "south"
			}
			recs = append(recs, f.create(t, t0, map[string]any{"title": fmt.Sprint(i), "stage": "s1", "region": region, "amount": float64(100 * (i + 1)), "rep": f.rep.UserID}))
		}
		for i := range 4 {
			recs[i] = f.move(t, t0.Add(10*h), recs[i], "s2") // 10 h in s1
		}
		for _, i := range []int{0, 1, 3} {
			recs[i] = f.move(t, t0.Add(30*h), recs[i], "s3") // 20 h in s2
		}
		recs[2] = f.move(t, t0.Add(40*h), recs[2], "lost") // lost from s2 after 30 h
		for _, i := range []int{0, 1} {
			recs[i] = f.move(t, t0.Add(70*h), recs[i], "won") // 40 h in s3
		}
		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "漏斗", Charts: []report.Chart{{ID: "funnel", Kind: report.ChartFunnel, Form: f.form,
			Funnel: &report.FunnelConfig{Amount: "amount", Owner: "rep"}, Layout: report.Cell{W: 12, H: 6}}}})
		if err != nil {
			t.Fatal(err)
		}
		data, err := f.d.Data(f.ctx, f.admin, db.ID, nil)
		if err != nil || data[0].Err != nil {
			t.Fatal(err, data[0].Err)
		}
		fd := data[0].Funnel
		reached := map[string]int64{}
		for _, st := range fd.Stages {
			reached[st.Value] = st.Reached
		}
		// s1: all 5; s2: 4 (one is still in s1); s3: 3 (one lost from s2).
		if fmt.Sprint(reached) != "map[lost:1 s1:5 s2:4 s3:3 won:2]" || !fd.History || fd.Sampled {
			t.Fatalf("reached = %v (history %v, sampled %v)", reached, fd.History, fd.Sampled)
		}
		if c := *fd.Stages[1].Conversion; c != 0.8 {
			t.Fatalf("conversion s1→s2 = %v", c)
		}
		if *fd.Overall != 0.4 || *fd.WinRate != 2.0/3 {
			t.Fatalf("overall %v, win rate %v", *fd.Overall, *fd.WinRate)
		}
		// Weighted: s1 holds 500 at 10 %, s3 holds 400 at 70 %.
		if *fd.Weighted != 50+280 {
			t.Fatalf("weighted = %v", *fd.Weighted)
		}
		// Time in s2: 20 h ×3 and 30 h for the lost one: 22.5 h.
		if got := *fd.Stages[1].AvgDurationMS; got != float64(22.5*float64(h.Milliseconds())) {
			t.Fatalf("time in s2 = %v h", got/float64(h.Milliseconds()))
		}
		if fd.CycleSample != 2 || *fd.AvgCycleMS != float64(70*h.Milliseconds()) {
			t.Fatalf("cycle = %v over %d", fd.AvgCycleMS, fd.CycleSample)
		}
		if len(fd.Leaders) != 1 || fd.Leaders[0].Won != 2 || fd.Leaders[0].WonAmount != 300 || fd.Leaders[0].Label != "rep" {
			t.Fatalf("leaders = %+v", fd.Leaders)
		}
		// The rep sees the north records only: the history figures come
		// from their records alone.
		data, err = f.d.Data(f.ctx, f.rep, db.ID, nil)
		if err != nil || data[0].Err != nil {
			t.Fatal(err, data[0].Err)
		}
		fd = data[0].Funnel
		reached = map[string]int64{}
		for _, st := range fd.Stages {
			reached[st.Value] = st.Reached
		}
		if fmt.Sprint(reached) != "map[lost:1 s1:4 s2:4 s3:3 won:2]" {
			t.Fatalf("rep's reached = %v", reached)
		}
		if got := *fd.Stages[0].AvgDurationMS; got != float64(10*h.Milliseconds()) {
			t.Fatalf("rep's time in s1 = %v", got)
		}
		// Drill into a stage of the funnel.
		dr, err := f.d.Drill(f.ctx, f.rep, db.ID, "funnel", nil, []any{"won"})
		if err != nil {
			t.Fatal(err)
		}
		page, err := f.e.QueryRecords(f.ctx, f.rep, dr.Form, engine.RecordQuery{Filter: &dr.Filter, Limit: 10})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("won records = %d, %v", len(page.Items), err)
		}
	})
}
