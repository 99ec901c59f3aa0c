package report_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/tabular"
)

// BenchmarkDashboard computes a dashboard of six charts (a metric card, a
// bar by stage with a weighted pipeline, a line by month, a pie by
// region, a pivot table and a stage funnel with its leaderboard) over
// 100,000 records on SQLite: the server time of one dashboard load. The
// target is at most 300 ms. "admin" sees every record (the funnel's
// history figures are exact store aggregates); "row_filter" is a member
// whose permission keeps one region (history figures from the most
// recently updated records).
func BenchmarkDashboard(b *testing.B) {
	st, err := sqlitestore.Open(b.TempDir(), sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	f := newDash(b, st, false)
	rng := rand.New(rand.NewPCG(1, 2))
	stages := []string{"s1", "s1", "s2", "s2", "s3", "won", "lost"}
	batches := 50 // imports take at most engine.MaxImportRows rows
	if n, err := strconv.Atoi(os.Getenv("FORMLOOM_BENCH_BATCHES")); err == nil && n > 0 {
		batches = n // fewer records, for profiling
	}
	for range batches {
		var csv strings.Builder
		csv.WriteString("title,stage,region,amount,prob,due\n")
		for i := range 2_000 {
			fmt.Fprintf(&csv, "项目%d,%s,%s,%d,%d,2026-%02d-%02d\n", i, stages[rng.IntN(len(stages))], []string{"north", "south"}[rng.IntN(2)],
				rng.IntN(100000), 10*rng.IntN(11), 1+rng.IntN(12), 1+rng.IntN(28))
		}
		res, err := f.e.ImportTable(f.ctx, f.admin, f.form, func() (engine.Table, error) { return tabular.Read(strings.NewReader(csv.String())) }, engine.ImportOptions{})
		if err != nil || res.Created != 2_000 {
			b.Fatalf("import: %v %+v", err, res.Errors)
		}
	}
	count := report.Measure{ID: "n", Op: report.MeasureCount}
	total := report.Measure{ID: "total", Op: report.MeasureSum, Field: "amount"}
	cell := report.Cell{W: 6, H: 4}
	db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "销售", Charts: []report.Chart{
		{ID: "card", Kind: report.ChartMetric, Form: f.form, Layout: cell, Measures: []report.Measure{count, total, {ID: "avg_amount", Op: report.MeasureAvg, Field: "amount"}}},
		{ID: "bar", Kind: report.ChartBar, Form: f.form, Layout: cell, GroupBy: []store.GroupKey{{Field: "stage"}},
			Measures: []report.Measure{count, total, {ID: "weighted", Op: report.MeasureWeighted, Field: "amount", Weight: "prob", Scale: 0.01}}},
		{ID: "line", Kind: report.ChartLine, Form: f.form, Layout: cell, GroupBy: []store.GroupKey{{Field: "due", Bucket: store.BucketMonth}}, Measures: []report.Measure{total}},
		{ID: "pie", Kind: report.ChartPie, Form: f.form, Layout: cell, GroupBy: []store.GroupKey{{Field: "region"}}, Measures: []report.Measure{count}},
		{ID: "pivot", Kind: report.ChartTable, Form: f.form, Layout: cell, GroupBy: []store.GroupKey{{Field: "region"}, {Field: "stage"}},
			Measures: []report.Measure{count, total, {ID: "avg_deal", Op: report.MeasureExpr, Expr: "total / n"}}},
		{ID: "funnel", Kind: report.ChartFunnel, Form: f.form, Layout: cell, Funnel: &report.FunnelConfig{Amount: "amount", Owner: "ownedBy"}},
	}})
	if err != nil {
		b.Fatal(err)
	}
	// The first load of a dashboard asks the store for value columns of
	// the paths it reads; the writer adds them in the background. Two
	// writes after it queue behind that work, so the timed loads read the
	// columns, as every load after the first does.
	// nocache computes every chart on every load (the cost of a first
	// load, or of one after a write); f.d keeps computed charts.
	nocache, err := report.NewDashboards(f.ctx, f.e, report.DashboardOptions{StageHistory: f.history, NoCache: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range []engine.Actor{f.admin, f.rep} {
		if _, err := f.d.Data(f.ctx, a, db.ID, nil); err != nil {
			b.Fatal(err)
		}
	}
	for range 2 {
		if _, err := st.Increment(f.ctx, "bench.dashboard.sync", 1); err != nil {
			b.Fatal(err)
		}
	}
	for _, who := range []struct {
		name string
		a    engine.Actor
	}{{"admin", f.admin}, {"row_filter", f.rep}} {
		b.Run(who.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				data, err := nocache.Data(f.ctx, who.a, db.ID, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, cd := range data {
					if cd.Err != nil {
						b.Fatalf("%s: %v", cd.Chart, cd.Err)
					}
				}
			}
		})
	}
	// A dashboard opened again, with no write since: cache lookups (the
	// warm-up above computed it for both viewers).
	for _, who := range []struct {
		name string
		a    engine.Actor
	}{{"admin_cached", f.admin}, {"row_filter_cached", f.rep}} {
		b.Run(who.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := f.d.Data(f.ctx, who.a, db.ID, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// Each chart alone, to see where the time goes.
	for _, c := range db.Charts {
		b.Run("chart_"+c.ID, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := nocache.ChartData(f.ctx, f.admin, db.ID, c.ID, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A create stores no transition, so the records above have no stage
	// history. Give every record that left the first stage one move into
	// its stage, as engine/workflow writes them: the funnel's history
	// figures then aggregate that many transitions.
	addHistory(b, f, st, stages)
	for _, who := range []struct {
		name string
		a    engine.Actor
	}{{"history_admin", f.admin}, {"history_row_filter", f.rep}} {
		b.Run(who.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := nocache.Data(f.ctx, who.a, db.ID, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("history_chart_funnel", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := nocache.ChartData(f.ctx, f.admin, db.ID, "funnel", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// addHistory stores one transition per record outside the first stage,
// from a random earlier open stage, with a duration.
func addHistory(b *testing.B, f *dash, st store.Store, stages []string) {
	b.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	flag := map[string]string{"won": "won", "lost": "lost"}
	at := store.FormatTime(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	cursor := ""
	for {
		page, err := st.Find(f.ctx, engine.RecordCollection(f.form), store.Query{Limit: store.MaxPageSize, After: cursor})
		if err != nil {
			b.Fatal(err)
		}
		var writes []store.Write
		for _, d := range page.Docs {
			fields, _ := d.Data["fields"].(map[string]any)
			to, _ := fields["stage"].(string)
			if to == "s1" || to == "" {
				continue
			}
			from := stages[rng.IntN(4)] // s1, s1, s2, s2
			if from == to {
				from = "s1"
			}
			t := map[string]any{"workspace": f.admin.Workspace, "form": f.form, "app": f.app, "record": d.ID, "field": "stage",
				"from": from, "to": to, "from_flag": "", "to_flag": flag[to], "at": at, "by": f.admin.UserID,
				"by_name": f.admin.Name, "source": "ui", "form_version": float64(1), "duration_ms": float64(rng.IntN(86_400_000))}
			writes = append(writes, store.Write{Op: store.OpInsert, Collection: f.history, Doc: store.Document{ID: store.NewID(), Data: t}})
		}
		if len(writes) > 0 {
			if _, err := st.Commit(f.ctx, store.UnitOfWork{Actor: f.admin.UserID, At: time.Now(), Writes: writes}); err != nil {
				b.Fatal(err)
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return
		}
	}
}

// reportCPU reports the process CPU time (user and system) per operation:
// on a machine shared with other work it varies far less than wall time.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op") }
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
