package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Benchmarks on a CRM-like 20-field document. Data sets are built once per
// size into os.TempDir()/formloom-bench-sqlite-<version>-<size> and reused
// across runs; 1M documents only with FORMLOOM_BENCH_1M=1.

const benchDataVersion = "v3"

var (
	stages  = []string{"lead", "qualified", "proposal", "negotiation", "won", "lost"}
	regions = []string{"华东", "华南", "华北", "西南", "华中", "东北"}
	sources = []string{"web", "referral", "event", "ads", "partner"}
	cities  = []string{"上海", "广州", "北京", "成都", "武汉", "沈阳", "深圳", "杭州"}
	indus   = []string{"制造", "零售", "金融", "医疗", "教育", "物流"}
	benchIx = []store.Index{{Name: "stage_amount", Fields: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}}
)

func benchSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("FORMLOOM_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// crmDoc returns document i of the benchmark data set (deterministic).
func crmDoc(i int) map[string]any {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	items := make([]any, 1+r.IntN(4))
	for k := range items {
		items[k] = map[string]any{"product": fmt.Sprintf("SKU-%04d", r.IntN(5000)), "qty": 1 + r.IntN(20), "price": float64(r.IntN(100000)) / 100}
	}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(730))
	return map[string]any{
		"company":     fmt.Sprintf("公司 %d 有限公司", i),
		"contact":     fmt.Sprintf("联系人 %d", r.IntN(100000)),
		"email":       fmt.Sprintf("user%d@example.com", i),
		"phone":       fmt.Sprintf("+86 138%08d", r.IntN(100000000)),
		"amount":      1000 + r.IntN(199001),
		"stage":       stages[r.IntN(len(stages))],
		"owner":       fmt.Sprintf("user_%02d", r.IntN(40)),
		"region":      regions[r.IntN(len(regions))],
		"source":      sources[r.IntN(len(sources))],
		"close_date":  day.AddDate(0, 1, 0).Format("2006-01-02"),
		"probability": r.IntN(101),
		"notes":       "客户对方案感兴趣，需要跟进报价与合同条款。",
		"industry":    indus[r.IntN(len(indus))],
		"tags":        []any{"vip", sources[r.IntN(len(sources))]},
		"score":       r.Float64() * 100,
		"city":        cities[r.IntN(len(cities))],
		"address":     map[string]any{"street": fmt.Sprintf("%d 号", r.IntN(999)), "zip": fmt.Sprintf("%06d", r.IntN(999999))},
		"created":     day.Format("2006-01-02"),
		"priority":    r.IntN(5),
		"items":       items,
	}
}

// openDataset opens (building on first use) the data set of n documents.
func openDataset(b *testing.B, n int) *Store {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("formloom-bench-sqlite-%s-%d", benchDataVersion, n))
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		start := time.Now()
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if err := s.EnsureIndexes(ctx, "deals", benchIx); err != nil {
			b.Fatal(err)
		}
		const unit = 5000
		for lo := 0; lo < n; lo += unit {
			u := store.UnitOfWork{Actor: "bench", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			for i := lo; i < min(lo+unit, n); i++ {
				u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{ID: fmt.Sprintf("d%08d", i), Data: crmDoc(i)}})
			}
			if _, err := s.Commit(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(done, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d documents in %s", n, time.Since(start))
	}
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkRead(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes() {
		s := openDataset(b, n)
		indexed := store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: "amount", Desc: true}}, Limit: 20}
		scan := store.Query{Filter: ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000))),
			Sort: []store.SortKey{{Field: "amount", Desc: true}}, Limit: 20}
		b.Run(fmt.Sprintf("GetByID/docs=%d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := s.Get(ctx, "deals", fmt.Sprintf("d%08d", (i*7919)%n)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(fmt.Sprintf("IndexedPage/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				p, err := s.Find(ctx, "deals", indexed)
				if err != nil || len(p.Docs) != 20 {
					b.Fatal(len(p.Docs), err)
				}
			}
		})
		b.Run(fmt.Sprintf("UnindexedPage/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				p, err := s.Find(ctx, "deals", scan)
				if err != nil || len(p.Docs) != 20 {
					b.Fatal(len(p.Docs), err)
				}
			}
		})
		// The engine's default record order (newest first) on the same
		// unindexed filter: read through __sys_created_desc, stops after 21.
		b.Run(fmt.Sprintf("UnindexedDefaultOrderPage/docs=%d", n), func(b *testing.B) {
			q := store.Query{Filter: scan.Filter, Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}
			for b.Loop() {
				p, err := s.Find(ctx, "deals", q)
				if err != nil || len(p.Docs) != 20 {
					b.Fatal(len(p.Docs), err)
				}
			}
		})
		b.Run(fmt.Sprintf("CountFiltered/docs=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Count(ctx, "deals", store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won"))}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("GroupBySum/docs=%d", n), func(b *testing.B) {
			q := store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "stage"}}, Metrics: []store.Metric{{Op: store.AggSum, Field: "amount"}}}
			for b.Loop() {
				g, err := s.Aggregate(ctx, "deals", q)
				if err != nil || len(g) != len(stages) {
					b.Fatal(len(g), err)
				}
			}
		})
		s.Close()
	}
}

// BenchmarkCommitConcurrent: 50 writers each commit a record, its history
// entry and an event as one durable unit.
func BenchmarkCommitConcurrent(b *testing.B) {
	s, err := Open(b.TempDir(), Options{SyncNormal: os.Getenv("FORMLOOM_BENCH_SYNC_NORMAL") == "1"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "deals", benchIx); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	// RunParallel starts parallelism × GOMAXPROCS goroutines: 50 writers.
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(seq.Add(1))
			id := fmt.Sprintf("c%09d", i)
			_, err := s.Commit(ctx, store.UnitOfWork{
				Actor: "bench",
				Writes: []store.Write{
					{Op: store.OpInsert, Collection: "deals", Doc: store.Document{ID: id, Data: crmDoc(i)}},
					{Op: store.OpInsert, Collection: "deal_history", Doc: store.Document{Data: map[string]any{"record": id, "source": "api", "diff": map[string]any{"stage": []any{nil, "lead"}}}}},
				},
				Events: []store.Event{{Type: "record.created", Collection: "deals", DocID: id}},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
	b.ReportMetric(float64(s.w.jobs.Load())/float64(max(1, s.w.batches.Load())), "units/txn")
}

// BenchmarkBulkInsert inserts units of 1000 documents.
func BenchmarkBulkInsert(b *testing.B) {
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
	n := 0
	start := time.Now()
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		u := store.UnitOfWork{Actor: "bench", Writes: make([]store.Write, len(docs))}
		for i, d := range docs {
			u.Writes[i] = store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{Data: d}}
		}
		if _, err := s.Commit(ctx, u); err != nil {
			b.Fatal(err)
		}
		n += len(docs)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "docs/s")
}
