package automation

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// benchFx is a fixture on SQLite whose runtime does not run: the
// benchmarks call the consumer step themselves.
func benchFx(b *testing.B) *fx { return newFx(b, backends()[0], false) }

// updateEvent commits an update of a deal and returns its outbox event,
// decoded as the consumer receives it.
func (x *fx) updateEvent(data map[string]any) store.Event {
	x.t.Helper()
	r := x.create(x.alice, map[string]any{"title": "A", "stage": "谈判", "amount": 10})
	x.update(x.alice, r.ID, data)
	evs, err := x.st.ReadEvents(x.ctx, 0, store.MaxReadEvents)
	if err != nil {
		x.t.Fatal(err)
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == string(engine.EventRecordUpdated) {
			return evs[i]
		}
	}
	x.t.Fatal("no update event")
	return store.Event{}
}

// BenchmarkMatch100Automations is the consumer step for one record
// update on a form with 100 enabled automations of that trigger: index
// lookup, payload read, and each automation's compiled condition
// evaluated over old, new and changed() (none matches, so nothing is
// written). Target: ≤ 100 µs per event in total.
func BenchmarkMatch100Automations(b *testing.B) {
	x := benchFx(b)
	for i := range 100 {
		x.publish(x.deal, Design{Name: fmt.Sprintf("a%d", i), Trigger: Trigger{Type: TriggerUpdated},
			Condition: fmt.Sprintf(`changed("stage") && new.stage == "赢单" && new.amount > %d`, i*1000), Actions: []Action{notifyOwner("x")}})
	}
	ev := x.updateEvent(map[string]any{"stage": "输单", "amount": 50})
	if err := x.s.handleEvent(x.ctx, jobs.Delivery{Event: ev}); err != nil { // compiles the index
		b.Fatal(err)
	}
	if n := x.s.Stats().Runs; n != 100 {
		b.Fatalf("%d conditions evaluated, want 100", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := x.s.handleEvent(x.ctx, jobs.Delivery{Event: ev}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if x.s.Stats().Matched != 0 {
		b.Fatal("a condition matched")
	}
}

// BenchmarkEventToAction is the consumer step from a committed update to
// its automation's write committed: condition, run log entry, a record
// created in another form through the write pipeline, the run's outcome.
// Each iteration is a new event id (a new run); p99 is reported.
func BenchmarkEventToAction(b *testing.B) {
	x := benchFx(b)
	x.publish(x.deal, Design{Name: "won", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}}, Condition: `new.stage == "赢单"`,
		Actions: []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.title", "amount": "new.amount"}}}}})
	ev := x.updateEvent(map[string]any{"stage": "赢单"})
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := ev
		e.ID = fmt.Sprintf("%s-%d", ev.ID, i)
		t := time.Now()
		if err := x.s.handleEvent(x.ctx, jobs.Delivery{Event: e}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	if got := x.s.Stats().Matched; got != int64(b.N) {
		b.Fatalf("matched %d of %d", got, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// seedDeals writes n deal records straight into the store, in units of
// store.MaxUnitWrites, in the shape the pipeline stores (fields, owner;
// updatedAt from the store clock): silent of them at the clock's time,
// the rest 20 days later. The pipeline would take minutes for 100k.
func (x *fx) seedDeals(n, silent int) {
	x.t.Helper()
	coll := recordColl(x.deal)
	write := func(from, to int) {
		for i := from; i < to; {
			var ws []store.Write
			for ; i < to && len(ws) < store.MaxUnitWrites; i++ {
				ws = append(ws, store.Write{Op: store.OpInsert, Collection: coll, Doc: store.Document{ID: store.NewID(),
					Data: map[string]any{"fields": map[string]any{"title": fmt.Sprintf("d%d", i)}, "owner": x.alice.UserID}}})
			}
			if _, err := x.st.Commit(x.ctx, store.UnitOfWork{Actor: x.alice.UserID, Writes: ws}); err != nil {
				x.t.Fatal(err)
			}
		}
	}
	write(0, silent)
	x.clock.Advance(20 * 24 * time.Hour)
	write(silent, n)
}

// benchScan measures a silence scan ("unchanged for 14 days") over n
// records of which 1% are silent: the store query on the a_updated index,
// page by page, visiting each silent record.
func benchScan(b *testing.B, n int) {
	x := benchFx(b)
	au := x.publish(x.deal, Design{Name: "silent", Trigger: Trigger{Type: TriggerSchedule, Cron: "@daily", Scan: &Scan{Field: "updatedAt", OlderThanDays: 14}},
		Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "warning", "title": "{{title}}"}}}})
	silent := n / 100
	x.seedDeals(n, silent)
	c, err := x.s.compiledOf(x.ctx, au)
	if err != nil {
		b.Fatal(err)
	}
	c.auto = au
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seen := 0
		if err := x.s.scan(x.ctx, c, x.clock.Now(), func(engine.Record) error { seen++; return nil }); err != nil {
			b.Fatal(err)
		}
		if seen != silent {
			b.Fatalf("scan saw %d, want %d", seen, silent)
		}
	}
}

func BenchmarkSilenceScan10k(b *testing.B)  { benchScan(b, 10_000) }
func BenchmarkSilenceScan100k(b *testing.B) { benchScan(b, 100_000) }
