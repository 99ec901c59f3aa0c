package mongostore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/internal/ferrettest"
)

// benchDocs is the size of the seeded collection the read benchmarks query.
const benchDocs = 10000

var (
	benchOnce  sync.Once
	benchStore *Store
	benchIDs   []string
	benchErr   error
)

var (
	benchStages = []string{"lead", "qualified", "proposal", "negotiation", "won", "lost"}
	benchCities = []string{"Paris", "Berlin", "Shanghai", "Austin", "Lagos", "Lima", "Osaka", "Madrid"}
)

// crmDeal builds a 20-field CRM-like document.
func crmDeal(r *rand.Rand, i int) map[string]any {
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(500*24)) * time.Hour)
	return map[string]any{
		"title":       fmt.Sprintf("Deal %05d", i),
		"stage":       benchStages[r.IntN(len(benchStages))],
		"amount":      float64(r.IntN(100000)),
		"currency":    "EUR",
		"probability": float64(r.IntN(101)),
		"owner":       fmt.Sprintf("user%02d", r.IntN(40)),
		"company":     fmt.Sprintf("Company %04d", r.IntN(2000)),
		"contact":     fmt.Sprintf("Contact %05d", r.IntN(8000)),
		"email":       fmt.Sprintf("contact%05d@example.com", i),
		"phone":       fmt.Sprintf("+33 1 %08d", r.IntN(100000000)),
		"city":        benchCities[r.IntN(len(benchCities))],
		"country":     "FR",
		"source":      []string{"web", "referral", "event", "ads"}[r.IntN(4)],
		"priority":    []string{"low", "medium", "high"}[r.IntN(3)],
		"tags":        []any{"t" + fmt.Sprint(r.IntN(10)), "t" + fmt.Sprint(r.IntN(10))},
		"close_date":  created.Add(60 * 24 * time.Hour).Format("2006-01-02"),
		"opened_at":   created,
		"notes":       "Follow up after the demo; customer asked for a volume discount.",
		"score":       r.Float64() * 100,
		"address":     map[string]any{"street": fmt.Sprintf("%d rue de la Paix", r.IntN(200)), "zip": fmt.Sprintf("750%02d", r.IntN(20))},
	}
}

// seededStore returns a store whose "deals" collection holds benchDocs
// documents, with an index on (stage, amount desc). It is built once per
// process and shared by the read benchmarks.
func seededStore(b *testing.B) *Store {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		s, err := Open(ctx, ferrettest.URI(b), ferrettest.Database(b), Options{AllowNonAtomicUnits: true, Logger: quietLogger})
		if err != nil {
			benchErr = err
			return
		}
		err = s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "by_stage_amount", Fields: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}})
		if err != nil {
			benchErr = err
			return
		}
		r := rand.New(rand.NewPCG(1, 2))
		for start := 0; start < benchDocs; start += 1000 {
			u := store.UnitOfWork{Actor: "bench"}
			for i := start; i < start+1000; i++ {
				u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{Data: crmDeal(r, i)}})
			}
			res, err := s.Commit(ctx, u)
			if err != nil {
				benchErr = err
				return
			}
			for _, d := range res.Docs {
				benchIDs = append(benchIDs, d.ID)
			}
		}
		benchStore = s
	})
	if benchErr != nil {
		b.Fatalf("seed: %v", benchErr)
	}
	return benchStore
}

func BenchmarkGetByID(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Get(ctx, "deals", benchIDs[i%len(benchIDs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFindIndexedSortedPage(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	f := store.Where("stage", store.OpEq, "won")
	q := store.Query{Filter: &f, Sort: []store.SortKey{{Field: "amount", Desc: true}}, Limit: 20}
	for b.Loop() {
		p, err := s.Find(ctx, "deals", q)
		if err != nil || len(p.Docs) != 20 {
			b.Fatalf("page of %d, %v", len(p.Docs), err)
		}
	}
}

func BenchmarkFindUnindexedPage(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	f := store.And(store.Where("city", store.OpContains, "ar"), store.Where("priority", store.OpEq, "high"))
	q := store.Query{Filter: &f, Limit: 20}
	for b.Loop() {
		p, err := s.Find(ctx, "deals", q)
		if err != nil || len(p.Docs) != 20 {
			b.Fatalf("page of %d, %v", len(p.Docs), err)
		}
	}
}

func BenchmarkCount(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	f := store.Where("stage", store.OpEq, "won")
	for b.Loop() {
		if n, err := s.Count(ctx, "deals", store.Query{Filter: &f}); err != nil || n == 0 {
			b.Fatalf("count %d, %v", n, err)
		}
	}
}

func BenchmarkAggregateSumByStage(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	q := store.AggregateQuery{GroupBy: []store.GroupKey{{Field: "stage"}}, Metrics: []store.Metric{{Op: store.AggSum, Field: "amount"}}}
	for b.Loop() {
		g, err := s.Aggregate(ctx, "deals", q)
		if err != nil || len(g) != len(benchStages) {
			b.Fatalf("%d groups, %v", len(g), err)
		}
	}
}

func BenchmarkInsertUnit(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; b.Loop(); i++ {
		_, err := s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "inserts", Doc: store.Document{Data: crmDeal(r, i)}}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBulkInsert1000(b *testing.B) {
	s := seededStore(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	for b.Loop() {
		u := store.UnitOfWork{}
		for i := 0; i < 1000; i++ {
			u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "bulk", Doc: store.Document{Data: crmDeal(r, i)}})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
}
