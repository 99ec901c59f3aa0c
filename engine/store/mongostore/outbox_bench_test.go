package mongostore

import (
	"context"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/internal/ferrettest"
)

// BenchmarkOutboxCommit measures commits that each write one event, from
// 8 goroutines, as every tenant's writes do. On FerretDB (no transactions)
// it measures the round trips a commit spends on the outbox; the lock
// contention of a shared counter inside transactions needs a real replica
// set (FORMLOOM_TEST_MONGO_URI) to show.
func BenchmarkOutboxCommit(b *testing.B) {
	uri := ferrettest.URI(b)
	if real, ok := ferrettest.RealURI(); ok {
		uri = real
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, uri, ferrettest.Database(b), Options{AllowNonAtomicUnits: true, Logger: quietLogger})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, err := s.Commit(context.Background(), store.UnitOfWork{Events: []store.Event{{Type: "record.created", Workspace: "ws", Collection: "deals", DocID: store.NewID()}}})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if _, err := s.ReadEvents(context.Background(), 0, 1); err != nil {
		b.Fatal(err)
	}
}
