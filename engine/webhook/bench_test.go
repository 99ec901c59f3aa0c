package webhook

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
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

// BenchmarkDeliveryThroughput measures deliveries per second from the
// queue to a local receiver with 50 concurrent deliveries, on SQLite, and
// reports the created-to-delivered latency percentiles.
func BenchmarkDeliveryThroughput(b *testing.B) {
	fx := newRealFixture(b, func(o *Options) { o.Concurrency = 50 })
	rc := newReceiver(b)
	rc.next = func(int, received) (int, http.Header) { return 204, nil }
	ep := fx.endpoint(b, rc.srv.URL, nil)
	ctx, cancel := context.WithCancel(fx.ctx)
	done := make(chan struct{})
	go func() { _ = fx.s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		id := deliveryID(ep.ID, "bench"+time.Now().Format("150405.000000000")+string(rune('a'+i%26)))
		if err := fx.s.enqueue(fx.ctx, newDelivery{id: id, msgID: "msg_" + id, ws: fx.admin.Workspace, endpoint: ep.ID, event: id,
			typ: "bench", lane: ep.ID + "." + id, body: []byte(`{"n":1}`)}); err != nil {
			b.Fatal(err)
		}
	}
	waitFor(b, "every delivery", func() bool { return len(rc.got()) >= b.N })
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "deliveries/s")
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
