package report_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/workflow"
)

// TestChartCacheFollowsWrites checks the chart cache: a viewer never gets
// another viewer's cached figures, and a write committed by this engine or
// by another engine over the same store (another process: the only channel
// between them is the store and its outbox), and a permission change,
// are seen by the next load.
func TestChartCacheFollowsWrites(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		day := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		for _, r := range []map[string]any{
			{"title": "a", "stage": "s1", "region": "north", "amount": 100},
			{"title": "b", "stage": "s2", "region": "north", "amount": 200},
			{"title": "c", "stage": "s1", "region": "south", "amount": 400},
		} {
			f.create(t, day, r)
		}
		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "缓存", Charts: []report.Chart{
			{ID: "card", Kind: report.ChartMetric, Form: f.form, Layout: report.Cell{W: 6, H: 2},
				Measures: []report.Measure{{ID: "n", Op: report.MeasureCount}, {ID: "total", Op: report.MeasureSum, Field: "amount"}}},
			barChart(f.form),
		}})
		if err != nil {
			t.Fatal(err)
		}
		card := func(a engine.Actor) string {
			t.Helper()
			data, err := f.d.Data(f.ctx, a, db.ID, nil)
			if err != nil || data[0].Err != nil || data[1].Err != nil {
				t.Fatalf("data: %v; %v / %v", err, data[0].Err, data[1].Err)
			}
			return fmt.Sprint(data[0].Rows[0].Values)
		}
		expect := func(what string, a engine.Actor, want string) {
			t.Helper()
			if got := card(a); got != want {
				t.Fatalf("%s: card = %s, want %s", what, got, want)
			}
		}
		// Each viewer's figures, twice (the second load is a cache hit),
		// in both orders: the rep's row filter keeps the north region.
		expect("admin", f.admin, "[3 700]")
		expect("rep after admin", f.rep, "[2 300]")
		expect("admin again", f.admin, "[3 700]")
		expect("rep again", f.rep, "[2 300]")

		// A write through this engine.
		r := f.create(t, day, map[string]any{"title": "d", "stage": "s3", "region": "north", "amount": 1000})
		expect("admin after a create", f.admin, "[4 1700]")
		expect("rep after a create", f.rep, "[3 1300]")

		// Writes through another engine over the same store.
		other, err := engine.New(f.ctx, f.e.Store(), engine.Options{Clock: f.clk.Now, Authorizer: access.New(access.Options{})})
		if err != nil {
			t.Fatal(err)
		}
		stages, err := workflow.NewStages(f.ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if err := stages.Bind(); err != nil {
			t.Fatal(err)
		}
		if _, err := other.CreateRecord(f.ctx, f.admin, f.form, map[string]any{"title": "e", "stage": "s1", "region": "south", "amount": 5}, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		expect("admin after another process's create", f.admin, "[5 1705]")
		expect("rep after another process's create in the south", f.rep, "[3 1300]")
		r, err = other.UpdateRecord(f.ctx, f.admin, f.form, r.ID, map[string]any{"amount": 10}, r.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		expect("admin after another process's update", f.admin, "[5 715]")
		expect("rep after another process's update", f.rep, "[3 310]")
		if err := other.DeleteRecord(f.ctx, f.admin, f.form, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		expect("admin after another process's delete", f.admin, "[4 705]")
		expect("rep after another process's delete", f.rep, "[2 300]")

		// A permission change: the rep's set now keeps every region.
		fp, err := f.e.FormPermissions(f.ctx, f.admin, f.form)
		if err != nil {
			t.Fatal(err)
		}
		set := fp.Sets[0]
		set.Rows = nil
		if _, _, err := f.e.SavePermissionSet(f.ctx, f.admin, f.form, set, fp.Version); err != nil {
			t.Fatal(err)
		}
		expect("rep after the row filter is dropped", f.rep, "[4 705]")
		// The admin's entry was dropped too (any non-record event in the
		// workspace) and is computed again, unchanged.
		expect("admin after the permission change", f.admin, "[4 705]")

		// Events may be trimmed (engine/jobs keeps them for days): after an
		// hour without a lookup the cache starts over rather than trust
		// an outbox that may have lost events it never read.
		if _, err := other.CreateRecord(f.ctx, f.admin, f.form, map[string]any{"title": "f", "stage": "s1", "region": "north", "amount": 1}, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.Store().TrimEvents(f.ctx, 1<<60, day.Add(1000*time.Hour)); err != nil {
			t.Fatal(err)
		}
		f.clk.Set(day.Add(2 * time.Hour))
		expect("admin after an idle hour whose events were trimmed", f.admin, "[5 706]")
	})
}
