package jobs

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// BenchmarkNoopTimers measures how many due one-off tasks a no-op job runs
// per second on SQLite (a claim and an ack each): b.N items enqueued
// beforehand in batches of 500, then run from the start.
func BenchmarkNoopTimers(b *testing.B) {
	s := openStore(b, nil)
	ctx := context.Background()
	for i := 0; i < b.N; i += 500 {
		var items []store.QueueItem
		for j := i; j < min(i+500, b.N); j++ {
			items = append(items, store.QueueItem{Queue: QueueTimers, Payload: map[string]any{"job": "noop"}})
		}
		if err := s.Enqueue(ctx, items...); err != nil {
			b.Fatal(err)
		}
	}
	var n atomic.Int64
	r := New(s, Options{Logger: quiet})
	_ = r.RegisterJob(Job{Name: "noop", Handle: func(context.Context, Task) error { n.Add(1); return nil }})
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tasks/s")
}
