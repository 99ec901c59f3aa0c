package jobs

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// BenchmarkNoopConsumer measures how many outbox events a no-op consumer
// passes per second on SQLite: b.N events over 50 documents, committed
// beforehand in units of 100, then handled from the start.
func BenchmarkNoopConsumer(b *testing.B) {
	s := openStore(b, nil)
	ctx := context.Background()
	for i := 0; i < b.N; i += 100 {
		u := store.UnitOfWork{}
		for j := i; j < min(i+100, b.N); j++ {
			u.Events = append(u.Events, store.Event{Type: "record.updated", Collection: "deals", DocID: fmt.Sprintf("d%d", j%50)})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	r := New(s, Options{Logger: quiet, BatchSize: store.MaxReadEvents})
	_ = r.Register(Consumer{Name: "noop", Concurrency: 8, Handle: func(context.Context, Delivery) error { n.Add(1); return nil }})
	b.ResetTimer()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = r.Run(rctx); close(done) }()
	for n.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCommitToHandler measures the latency from a commit returning to
// its event reaching the consumer, one event at a time, on SQLite.
func BenchmarkCommitToHandler(b *testing.B) {
	s := openStore(b, nil)
	ctx := context.Background()
	got := make(chan time.Time, 1)
	r := New(s, Options{Logger: quiet})
	_ = r.Register(Consumer{Name: "latency", Handle: func(context.Context, Delivery) error { got <- time.Now(); return nil }})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = r.Run(rctx); close(done) }()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", Collection: "deals", DocID: fmt.Sprint(i)}}}); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		lat = append(lat, (<-got).Sub(committed))
	}
	b.StopTimer()
	cancel()
	<-done
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
