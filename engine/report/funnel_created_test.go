package report_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
)

// TestStageFunnelCreatedIntoClosed: records created straight into a lost
// or a won stage (imports of old deals) count in the funnel as they did
// when a create stored a transition from "": a record created lost is
// placed at the first stage, a record created won has a cycle of 0. The
// figures are the ones the funnel computed from stored creation
// transitions, both through the store aggregates (the admin sees every
// record) and through the sampled per-record path (the rep sees the north
// region only).
func TestStageFunnelCreatedIntoClosed(t *testing.T) {
	eachDashBackend(t, func(t *testing.T, f *dash) {
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		h := time.Hour
		north := func(title, stage string) map[string]any {
			return map[string]any{"title": title, "stage": stage, "region": "north", "amount": float64(100), "rep": f.rep.UserID}
		}
		a := f.create(t, t0, north("a", "s1"))
		a = f.move(t, t0.Add(10*h), a, "s2")
		f.move(t, t0.Add(30*h), a, "lost")  // lost from s2
		f.create(t, t0, north("b", "lost")) // created lost
		f.create(t, t0.Add(5*h), north("c", "won"))
		d := f.create(t, t0, north("d", "s3"))
		f.move(t, t0.Add(50*h), d, "won") // 50 h from creation to won
		f.create(t, t0, map[string]any{"title": "e", "stage": "s1", "region": "south"})

		db, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "漏斗", Charts: []report.Chart{{ID: "funnel", Kind: report.ChartFunnel, Form: f.form,
			Funnel: &report.FunnelConfig{Amount: "amount"}, Layout: report.Cell{W: 12, H: 6}}}})
		if err != nil {
			t.Fatal(err)
		}
		scenarios := []struct {
			name    string
			actor   engine.Actor
			reached string
			s2Time  float64
		}{
			{"admin, store aggregates", f.admin, "map[lost:2 s1:5 s2:3 s3:2 won:2]", float64(20 * h.Milliseconds())},
			{"rep, sampled records", f.rep, "map[lost:2 s1:4 s2:3 s3:2 won:2]", float64(20 * h.Milliseconds())},
		}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				data, err := f.d.Data(f.ctx, sc.actor, db.ID, nil)
				if err != nil || data[0].Err != nil {
					t.Fatal(err, data[0].Err)
				}
				fd := data[0].Funnel
				reached := map[string]int64{}
				for _, st := range fd.Stages {
					reached[st.Value] = st.Reached
				}
				if got := fmt.Sprint(reached); got != sc.reached {
					t.Fatalf("reached = %v, want %v", got, sc.reached)
				}
				if fd.Stages[1].AvgDurationMS == nil || *fd.Stages[1].AvgDurationMS != sc.s2Time {
					t.Fatalf("time in s2 = %v", fd.Stages[1].AvgDurationMS)
				}
				if fd.Stages[0].AvgDurationMS == nil || *fd.Stages[0].AvgDurationMS != float64(10*h.Milliseconds()) {
					t.Fatalf("time in s1 = %v", fd.Stages[0].AvgDurationMS)
				}
				if fd.CycleSample != 2 || fd.AvgCycleMS == nil || *fd.AvgCycleMS != float64(25*h.Milliseconds()) {
					t.Fatalf("cycle = %v over %d", fd.AvgCycleMS, fd.CycleSample)
				}
			})
		}
	})
}
