package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestRunKeepsLaneOrderWithBatchedClaims fills the queue with several
// deliveries per lane before the loop starts, so one claim sees a lane's
// later items too: each lane must still arrive in order, every delivery
// once, and every result be logged before its item is acked.
func TestRunKeepsLaneOrderWithBatchedClaims(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		rc := newReceiver(t)
		rc.next = func(int, received) (int, http.Header) { return 204, nil }
		ep := fx.endpoint(t, rc.srv.URL, nil)
		const lanes, per = 10, 4
		for n := range per {
			for l := range lanes {
				id := deliveryID(ep.ID, fmt.Sprintf("ev-%d-%d", l, n))
				body, _ := json.Marshal(map[string]any{"lane": l, "n": n})
				if err := fx.s.enqueue(fx.ctx, newDelivery{id: id, msgID: "msg_" + id, ws: fx.admin.Workspace, endpoint: ep.ID,
					event: id, typ: "test", lane: fmt.Sprintf("%s.r%d", ep.ID, l), body: body}); err != nil {
					t.Fatal(err)
				}
			}
		}
		ctx, cancel := context.WithCancel(fx.ctx)
		done := make(chan struct{})
		go func() { _ = fx.s.Run(ctx); close(done) }()
		waitFor(t, "every delivery acked", func() bool {
			n, err := fx.st.Depth(fx.ctx, queueDeliveries)
			return err == nil && n == 0
		})
		cancel()
		<-done
		got := rc.got()
		if len(got) != lanes*per {
			t.Fatalf("%d requests, want %d", len(got), lanes*per)
		}
		next := map[float64]float64{}
		for _, r := range got {
			var b map[string]float64
			if err := json.Unmarshal(r.body, &b); err != nil {
				t.Fatal(err)
			}
			if b["n"] != next[b["lane"]] {
				t.Fatalf("lane %v: got item %v, want %v", b["lane"], b["n"], next[b["lane"]])
			}
			next[b["lane"]]++
		}
		docs, err := fx.s.findAll(fx.ctx, collDeliveries, store.And(store.Where("endpoint", store.OpEq, ep.ID), store.Where("status", store.OpEq, StatusSucceeded)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != lanes*per {
			t.Fatalf("%d deliveries logged as succeeded, want %d", len(docs), lanes*per)
		}
	})
}

// TestResultBatcherIsolatesAFailedUnit: when one result of a batch cannot
// commit (its compare-and-set lost), the batch is retried unit by unit,
// so only that result fails.
func TestResultBatcherIsolatesAFailedUnit(t *testing.T) {
	fx := newFixture(t)
	for i := range 3 {
		if _, err := fx.st.Commit(fx.ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "batch_test",
			Doc: store.Document{ID: fmt.Sprint("d", i), Data: map[string]any{"n": 0}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Hold the batcher's goroutine off until all three results wait, so
	// they form one batch.
	rb := &resultBatcher{st: fx.st, max: resultBatch, reqs: make(chan resultReq, resultBatch), done: make(chan struct{})}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		version := int64(1)
		if i == 1 {
			version = 7 // stale
		}
		wg.Go(func() {
			errs[i] = rb.commit(fx.ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpUpdate, Collection: "batch_test", ExpectVersion: version,
				Doc: store.Document{ID: fmt.Sprint("d", i), Data: map[string]any{"n": 1}}}}})
		})
	}
	waitFor(t, "three waiting results", func() bool { return len(rb.reqs) == 3 })
	go rb.run()
	wg.Wait()
	rb.close()
	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], store.ErrConflict) {
		t.Fatalf("results: %v", errs)
	}
	for i, want := range []int64{2, 1, 2} {
		d, err := fx.st.Get(fx.ctx, "batch_test", fmt.Sprint("d", i))
		if err != nil || d.Version != want {
			t.Fatalf("d%d: version %d, %v", i, d.Version, err)
		}
	}
}
