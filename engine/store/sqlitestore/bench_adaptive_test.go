package sqlitestore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// BenchmarkAdaptiveIndexWrite measures what adaptive indexes cost a write:
// bulk inserts of 1,000 documents (the BulkInsert benchmark's) into a table
// that already has value columns for region, amount, source and city (the
// "0" case) and 1, 2 or 4 adaptive indexes on them, made by the queries
// that would ask for them.
func BenchmarkAdaptiveIndexWrite(b *testing.B) {
	shapes := []store.Query{
		{Filter: ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000)))},
		{Filter: ptrF(store.And(store.Where("source", store.OpEq, "web"), store.Where("amount", store.OpGt, 50000)))},
		{Filter: ptrF(store.Where("city", store.OpEq, "x"))},
		{Filter: ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("city", store.OpEq, "x")))},
	}
	for _, n := range []int{0, 1, 2, 4} {
		b.Run(fmt.Sprintf("indexes=%d", n), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			if err := s.EnsureIndexes(ctx, "deals", benchIx); err != nil {
				b.Fatal(err)
			}
			docs := make([]map[string]any, 1000)
			for i := range docs {
				docs[i] = crmDoc(i)
			}
			commit := func() {
				u := store.UnitOfWork{Actor: "bench", Writes: make([]store.Write, len(docs))}
				for i, d := range docs {
					u.Writes[i] = store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{Data: d}}
				}
				if _, err := s.Commit(ctx, u); err != nil {
					b.Fatal(err)
				}
			}
			for range int(axMinRows/1000) + 1 {
				commit()
			}
			// Columns for every path first, then the indexes asked for.
			withoutAdaptive(func() {
				for _, q := range shapes {
					if _, err := s.Count(ctx, "deals", q); err != nil {
						b.Fatal(err)
					}
				}
			})
			syncWriter(b, s)
			for _, q := range shapes[:n] {
				if _, err := s.Count(ctx, "deals", q); err != nil {
					b.Fatal(err)
				}
				syncWriter(b, s)
			}
			if have, _ := s.reg.axIndexes("deals"); len(have) != n {
				b.Fatalf("%d adaptive indexes, want %d", len(have), n)
			}
			start := time.Now()
			b.ResetTimer()
			defer reportCPU(b)()
			for b.Loop() {
				commit()
			}
			b.ReportMetric(float64(b.N*len(docs))/time.Since(start).Seconds(), "docs/s")
		})
	}
}
