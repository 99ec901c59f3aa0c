package automation

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// processCPU is the process's user+system CPU time (the machine is shared:
// wall time says little).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchAlertStats measures the alert-rate chart's count (by week and rule)
// over n alerts on n records, half owned by each of two reps who see only
// their own records: as the admin (a designer: no record query) and as a
// rep (one record query per form and page of alerts).
func benchAlertStats(b *testing.B, n int, asRep bool) {
	x := benchFx(b)
	x.ownRecordsOnly(x.deal)
	coll := recordColl(x.deal)
	var alerts []store.Write
	for i := 0; i < n; {
		var ws []store.Write
		for ; i < n && len(ws) < store.MaxUnitWrites; i++ {
			owner := x.alice.UserID
			if i%2 == 1 {
				owner = x.bob.UserID
			}
			id := store.NewID()
			ws = append(ws, store.Write{Op: store.OpInsert, Collection: coll, Doc: store.Document{ID: id,
				Data: map[string]any{"fields": map[string]any{"title": fmt.Sprintf("d%d", i)}, "owner": owner}}})
			al := Alert{ID: store.NewID(), Workspace: x.ws, Rule: fmt.Sprintf("rule%d", i%3), RuleName: "r", Form: x.deal, Record: id, Key: id,
				Severity: SeverityWarning, State: AlertResolved, Title: "t", Owner: owner, Notified: []string{}, RaisedAt: t0.Add(-time.Duration(i%84) * 24 * time.Hour)}
			alerts = append(alerts, store.Write{Op: store.OpInsert, Collection: collAlerts, Doc: store.Document{ID: al.ID, Data: alertDoc(al)}})
		}
		if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Actor: x.alice.UserID, Writes: ws}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < len(alerts); i += store.MaxUnitWrites {
		if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Writes: alerts[i:min(len(alerts), i+store.MaxUnitWrites)]}); err != nil {
			b.Fatal(err)
		}
	}
	who, want := x.admin, float64(n)
	if asRep {
		who, want = x.alice, float64((n+1)/2)
	}
	q := AlertStatsQuery{Forms: []string{x.deal}, GroupBy: []store.GroupKey{{Field: "raisedAt", Bucket: store.BucketWeek}, {Field: "rule"}}}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		st, err := x.s.AlertStatistics(x.ctx, who, q)
		if err != nil {
			b.Fatal(err)
		}
		total := 0.0
		for _, g := range st.Groups {
			total += g.Values[0].(float64)
		}
		if total != want {
			b.Fatalf("counted %v, want %v", total, want)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

func BenchmarkAlertStatistics5kAdmin(b *testing.B) { benchAlertStats(b, 5_000, false) }
func BenchmarkAlertStatistics5kRep(b *testing.B)   { benchAlertStats(b, 5_000, true) }
