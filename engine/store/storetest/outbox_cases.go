package storetest

import (
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func outboxCases() []testCase {
	return []testCase{
		{name: "IDsTimesAndSeq", run: testOutboxIDsAndSeq},
		{name: "ReadEventsPaging", run: testOutboxPaging},
		{name: "ConcurrentCommits", run: testOutboxConcurrent},
		{name: "ReadEventsArguments", run: testOutboxArguments},
		{name: "TrimEvents", run: testOutboxTrim},
		{name: "OrderPerDocument", run: testOutboxPerDocument},
	}
}

func testOutboxIDsAndSeq(f *fixture) {
	own := time.Date(2026, 2, 2, 10, 2, 2, 2345, time.FixedZone("CST", 8*3600))
	r1 := f.commit(store.UnitOfWork{At: t0, Actor: actor, Events: []store.Event{
		{Type: "record.created", Workspace: "ws1", Collection: "deals", DocID: "a1", Payload: map[string]any{"amount": 5, "tags": []string{"x"}}},
	}})
	r2 := f.commit(store.UnitOfWork{At: t0.Add(time.Minute), Actor: actor, Events: []store.Event{
		{ID: "evt-fixed", Type: "record.updated", Collection: "deals", DocID: "a1", At: own},
	}})
	if len(r1.Events) != 1 || len(r2.Events) != 1 {
		f.t.Fatalf("CommitResult events = %d, %d, want 1, 1", len(r1.Events), len(r2.Events))
	}
	e1, e2 := r1.Events[0], r2.Events[0]
	if len(e1.ID) != 26 {
		f.t.Errorf("generated event id %q, want 26 characters", e1.ID)
	}
	if e2.ID != "evt-fixed" {
		f.t.Errorf("event id = %q, want evt-fixed", e2.ID)
	}
	// A backend numbers events at commit or when they are first read; the
	// CommitResult then carries the number or 0.
	if (e1.Seq == 0) != (e2.Seq == 0) || e1.Seq < 0 || (e1.Seq > 0 && e2.Seq <= e1.Seq) {
		f.t.Errorf("CommitResult Seq = %d then %d, want 0 and 0, or positive and increasing in commit order", e1.Seq, e2.Seq)
	}
	f.sameTime("event At from the unit", e1.At, t0)
	got, err := f.s.ReadEvents(f.ctx, 0, 10)
	f.noErr("ReadEvents", err)
	if len(got) != 2 {
		f.t.Fatalf("ReadEvents returned %d events, want 2", len(got))
	}
	g1, g2 := got[0], got[1]
	if g1.Seq <= 0 || g2.Seq <= g1.Seq || (e1.Seq > 0 && (g1.Seq != e1.Seq || g2.Seq != e2.Seq)) {
		f.t.Errorf("read Seq = %d then %d (commit said %d, %d), want positive, increasing, and as committed", g1.Seq, g2.Seq, e1.Seq, e2.Seq)
	}
	if g1.ID != e1.ID || g1.Type != "record.created" || g1.Workspace != "ws1" || g1.Collection != "deals" || g1.DocID != "a1" {
		f.t.Errorf("first event read back as %+v, want %+v", g1, e1)
	}
	f.sameData("event payload", g1.Payload, map[string]any{"amount": 5, "tags": []string{"x"}})
	f.sameTime("event At read back", g1.At, t0)
	if g2.ID != "evt-fixed" || g2.Type != "record.updated" {
		f.t.Errorf("second event read back as %+v, want %+v", g2, e2)
	}
	f.sameTime("explicit event At read back", g2.At, own)
}

func testOutboxPaging(f *fixture) {
	for i := range 7 {
		f.commit(store.UnitOfWork{At: t0, Events: []store.Event{{Type: "tick", Payload: map[string]any{"i": i}}}})
	}
	all, err := f.s.ReadEvents(f.ctx, 0, 100)
	f.noErr("ReadEvents", err)
	var seqs []int64
	for i, e := range all {
		if e.Payload["i"] != float64(i) {
			f.t.Fatalf("event %d has payload %v, want commit order", i, e.Payload)
		}
		seqs = append(seqs, e.Seq)
	}
	var read []int64
	after := int64(0)
	for range 10 {
		page, err := f.s.ReadEvents(f.ctx, after, 3)
		f.noErr("ReadEvents", err)
		if len(page) > 3 {
			f.t.Fatalf("ReadEvents returned %d events with limit 3", len(page))
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			read = append(read, e.Seq)
		}
		after = page[len(page)-1].Seq
	}
	if fmt.Sprint(read) != fmt.Sprint(seqs) {
		f.t.Errorf("paged Seqs = %v, want %v", read, seqs)
	}
	tail, err := f.s.ReadEvents(f.ctx, seqs[4], 100)
	f.noErr("ReadEvents after the fifth", err)
	if len(tail) != 2 || tail[0].Seq != seqs[5] || tail[0].Payload["i"] != 5.0 {
		f.t.Errorf("events after the fifth = %+v, want the sixth and seventh", tail)
	}
	none, err := f.s.ReadEvents(f.ctx, seqs[6], 100)
	f.noErr("ReadEvents after the last", err)
	if len(none) != 0 {
		f.t.Errorf("events after the last = %d, want 0", len(none))
	}
}

func testOutboxConcurrent(f *fixture) {
	const workers, each = 8, 20
	errs := parallel(workers, func(wk int) error {
		for i := range each {
			_, err := f.s.Commit(f.ctx, store.UnitOfWork{Events: []store.Event{{Type: "tick", Payload: map[string]any{"w": wk, "i": i}}}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for _, err := range errs {
		f.t.Errorf("concurrent commit: %v", err)
	}
	evs, err := f.s.ReadEvents(f.ctx, 0, 1000)
	f.noErr("ReadEvents", err)
	if len(evs) != workers*each {
		f.t.Fatalf("read %d events, want %d", len(evs), workers*each)
	}
	last := map[float64]float64{}
	for i, e := range evs {
		if i > 0 && e.Seq <= evs[i-1].Seq {
			f.t.Fatalf("Seq not increasing: %d after %d", e.Seq, evs[i-1].Seq)
		}
		wk, n := e.Payload["w"].(float64), e.Payload["i"].(float64)
		if prev, ok := last[wk]; ok && n <= prev {
			f.t.Errorf("worker %v: event %v read after %v, commit order lost", wk, n, prev)
		}
		last[wk] = n
	}
}

// testOutboxArguments pins what afterSeq and limit mean, the same on every backend.
func testOutboxArguments(f *fixture) {
	for i := range 3 {
		f.commit(store.UnitOfWork{At: t0, Events: []store.Event{{Type: "tick", Payload: map[string]any{"i": i}}}})
	}
	for _, bad := range []struct {
		after int64
		limit int
	}{{0, 0}, {0, -1}, {0, store.MaxReadEvents + 1}, {-1, 10}} {
		_, err := f.s.ReadEvents(f.ctx, bad.after, bad.limit)
		f.wantErr(fmt.Sprintf("ReadEvents(%d, %d)", bad.after, bad.limit), err, store.ErrInvalidInput)
	}
	all, err := f.s.ReadEvents(f.ctx, 0, store.MaxReadEvents)
	f.noErr("ReadEvents with the largest limit", err)
	if len(all) != 3 {
		f.t.Fatalf("ReadEvents(0, max) = %d events, want 3", len(all))
	}
	one, err := f.s.ReadEvents(f.ctx, all[0].Seq, 1)
	f.noErr("ReadEvents(first, 1)", err)
	if len(one) != 1 || one[0].Seq != all[1].Seq {
		f.t.Errorf("ReadEvents(first, 1) = %+v, want exactly the second event", one)
	}
	beyond, err := f.s.ReadEvents(f.ctx, all[2].Seq+1000, 10)
	f.noErr("ReadEvents beyond the head", err)
	if len(beyond) != 0 {
		f.t.Errorf("ReadEvents beyond the head = %d events, want 0", len(beyond))
	}
}

func testOutboxTrim(f *fixture) {
	for i := range 4 {
		f.commit(store.UnitOfWork{At: t0.Add(time.Duration(i) * time.Hour), Events: []store.Event{{Type: "tick", Payload: map[string]any{"i": i}}}})
	}
	all, err := f.s.ReadEvents(f.ctx, 0, 10)
	f.noErr("ReadEvents", err)
	if len(all) != 4 {
		f.t.Fatalf("read %d events, want 4", len(all))
	}
	// Passed by every consumer up to the third, but only the first two are old enough.
	n, err := f.s.TrimEvents(f.ctx, all[2].Seq, t0.Add(90*time.Minute))
	f.noErr("TrimEvents", err)
	if n != 2 {
		f.t.Errorf("TrimEvents deleted %d, want 2", n)
	}
	left, err := f.s.ReadEvents(f.ctx, 0, 10)
	f.noErr("ReadEvents after trimming", err)
	if len(left) != 2 || left[0].Seq != all[2].Seq || left[1].Seq != all[3].Seq {
		f.t.Errorf("events after trimming = %+v, want the third and fourth", left)
	}
	_, err = f.s.TrimEvents(f.ctx, -1, t0)
	f.wantErr("TrimEvents with a negative seq", err, store.ErrInvalidInput)
	// Numbers are not reused after trimming.
	f.commit(store.UnitOfWork{At: t0, Events: []store.Event{{Type: "tick"}}})
	tail, err := f.s.ReadEvents(f.ctx, all[3].Seq, 10)
	f.noErr("ReadEvents after a new commit", err)
	if len(tail) != 1 || tail[0].Seq <= all[3].Seq {
		f.t.Errorf("new event after trimming = %+v, want one with a larger Seq", tail)
	}
}

// testOutboxPerDocument updates one document from several writers with
// compare-and-set and checks that its events are numbered in version order.
func testOutboxPerDocument(f *fixture) {
	f.needTransactions()
	f.one(write(store.OpInsert, "deals", "d1", map[string]any{"v": 0}, 0))
	const workers, each = 4, 10
	errs := parallel(workers, func(wk int) error {
		for done := 0; done < each; {
			d, err := f.s.Get(f.ctx, "deals", "d1")
			if err != nil {
				return err
			}
			_, err = f.s.Commit(f.ctx, store.UnitOfWork{
				Writes: []store.Write{write(store.OpUpdate, "deals", "d1", map[string]any{"v": d.Version}, d.Version)},
				Events: []store.Event{{Type: "record.updated", Collection: "deals", DocID: "d1", Payload: map[string]any{"version": d.Version + 1}}},
			})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return err
			}
			done++
		}
		return nil
	})
	for _, err := range errs {
		f.t.Error(err)
	}
	evs, err := f.s.ReadEvents(f.ctx, 0, 1000)
	f.noErr("ReadEvents", err)
	if len(evs) != workers*each {
		f.t.Fatalf("read %d events, want %d", len(evs), workers*each)
	}
	for i, e := range evs {
		if e.Payload["version"] != float64(i+2) {
			f.t.Fatalf("event %d is about version %v, want %d: per-document order lost", i, e.Payload["version"], i+2)
		}
	}
}
