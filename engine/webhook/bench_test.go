package webhook

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// BenchmarkSign signs a 1 KB body with one secret (two during a rotation).
func BenchmarkSign(b *testing.B) {
	body := make([]byte, 1024)
	secrets := []string{newSecret()}
	now := time.Now()
	for b.Loop() {
		if _, err := Sign(secrets, "msg_01", now, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFilter evaluates a compiled filter on one record.
func BenchmarkFilter(b *testing.B) {
	fx := newFixture(b)
	v, err := fx.e.VersionOf(fx.ctx, fx.admin.Workspace, fx.form)
	if err != nil {
		b.Fatal(err)
	}
	p, err := expr.Compile(`amount > 1000 && company != ""`, v.Env(), expr.Bool)
	if err != nil {
		b.Fatal(err)
	}
	in := v.ExprInput(engine.Actor{}, map[string]any{"company": "A", "amount": 5000.0}, nil, time.Now(), time.UTC)
	for b.Loop() {
		if ok, err := p.Bool(in); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkDeliveryThroughput measures deliveries per second to a local
// receiver with 50 concurrent deliveries, on SQLite, until every delivery
// is received, logged and acked (the queue is empty).
//
// drain: the queue holds b.N deliveries when the loop starts (a backlog,
// after an outage or a bulk import). fed: 8 producers (the fan-out
// consumer's concurrency) enqueue while the loop delivers; it also
// reports the enqueued-to-received latency percentiles under that load.
func BenchmarkDeliveryThroughput(b *testing.B) {
	for _, mode := range []string{"drain", "fed"} {
		b.Run(mode, func(b *testing.B) {
			fx := newRealFixture(b, func(o *Options) { o.Concurrency = 50 })
			rc := newReceiver(b)
			var mu sync.Mutex
			sent := map[string]time.Time{}
			var lat []time.Duration
			rc.next = func(_ int, r received) (int, http.Header) {
				t1 := time.Now()
				mu.Lock()
				if t0, ok := sent[r.header.Get("webhook-id")]; ok {
					lat = append(lat, t1.Sub(t0))
				}
				mu.Unlock()
				return 204, nil
			}
			ep := fx.endpoint(b, rc.srv.URL, nil)
			prefix := "bench" + store.NewID()
			produce := func() {
				var wg sync.WaitGroup
				var next atomic.Int64
				for range 8 {
					wg.Go(func() {
						for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
							id := deliveryID(ep.ID, prefix+strconv.Itoa(i))
							mu.Lock()
							sent["msg_"+id] = time.Now()
							mu.Unlock()
							if err := fx.s.enqueue(fx.ctx, newDelivery{id: id, msgID: "msg_" + id, ws: fx.admin.Workspace, endpoint: ep.ID, event: id,
								typ: "bench", lane: ep.ID + "." + id, body: []byte(`{"n":1}`)}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			ctx, cancel := context.WithCancel(fx.ctx)
			done := make(chan struct{})
			b.ResetTimer()
			if mode == "drain" {
				b.StopTimer()
				produce()
				b.StartTimer()
			}
			start := time.Now()
			go func() { _ = fx.s.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			if mode == "fed" {
				produce()
			}
			waitFor(b, "every delivery", func() bool {
				n, err := fx.st.Depth(fx.ctx, queueDeliveries)
				return err == nil && n == 0 && len(rc.got()) >= b.N
			})
			el := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/el.Seconds(), "deliveries/s")
			if mode == "fed" {
				mu.Lock()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				mu.Unlock()
			}
		})
	}
}

// BenchmarkCreateWithEndpoints measures a record create with 3 endpoints
// subscribed against none: delivery happens after commit, so the write
// pays nothing for them (the fan-out runs on the runtime).
func BenchmarkCreateWithEndpoints(b *testing.B) {
	for _, n := range []int{0, 3} {
		b.Run(map[int]string{0: "endpoints=0", 3: "endpoints=3"}[n], func(b *testing.B) {
			fx := newFixture(b)
			rc := newReceiver(b)
			for range n {
				fx.endpoint(b, rc.srv.URL, nil)
			}
			for b.Loop() {
				fx.create(b, map[string]any{"company": "A", "amount": 1})
			}
		})
	}
}

// BenchmarkCreatedToDelivered reports the latency from a record's commit
// to its arrival at the receiver (p50, p99), through outbox, fan-out,
// queue and the delivery loop, on SQLite with the system clock.
func BenchmarkCreatedToDelivered(b *testing.B) {
	fx := newRealFixture(b, func(o *Options) { o.Poll = 50 * time.Millisecond })
	rc := newReceiver(b)
	arrived := make(chan time.Time, 1)
	rc.next = func(int, received) (int, http.Header) { arrived <- time.Now(); return 204, nil }
	fx.endpoint(b, rc.srv.URL, nil)
	ctx, cancel := context.WithCancel(fx.ctx)
	done := make(chan struct{})
	go func() { _ = fx.s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		fx.create(b, map[string]any{"company": "A"})
		select {
		case t1 := <-arrived:
			lat = append(lat, t1.Sub(t0))
		case <-time.After(20 * time.Second):
			b.Fatal("no delivery")
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
