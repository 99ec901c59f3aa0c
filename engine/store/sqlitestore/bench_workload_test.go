package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// The shared/bench workload (12-field opportunity form) as the engine
// stores it: field values under "fields", the indexes the engine declares
// for the indexed stage field, 100k records in the order 20k qualified/华东,
// 10k won/华南, 50k new/华北, 20k qualified/华东, each unit of 100 records
// a millisecond after the previous one. Built once into
// os.TempDir()/formloom-bench-workload-<version>.

const workloadDataVersion = "v1"

var workloadIx = []store.Index{
	{Name: "c_stage", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: store.FieldCreatedAt}}},
	{Name: "s_stage_amount", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: "fields.amount"}}},
	{Name: "s_stage_close_date", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: "fields.close_date"}}},
	{Name: "s_stage_probability", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: "fields.probability"}}},
}

// workloadDoc is record i of the workload (deterministic given r's seed).
func workloadDoc(i int, r *rand.Rand) map[string]any {
	stage, region := "qualified", "华东"
	switch {
	case i < 20_000:
	case i < 30_000:
		stage, region = "won", "华南"
	case i < 80_000:
		stage, region = "new", "华北"
	}
	return map[string]any{"form_version": 1, "fields": map[string]any{
		"company": fmt.Sprintf("公司%d", i), "contact": "张三", "email": fmt.Sprintf("u%d@example.com", i), "phone": "13800138000",
		"amount": r.IntN(100_000), "stage": stage, "owner": fmt.Sprintf("o%d", r.IntN(100_000)), "region": region, "source": "web",
		"close_date": "2026-12-31", "probability": 30, "notes": "follow up next week"}}
}

func openWorkload(b *testing.B) *Store {
	b.Helper()
	const n = 100_000
	dir := filepath.Join(os.TempDir(), "formloom-bench-workload-"+workloadDataVersion)
	done := filepath.Join(dir, "complete")
	if _, err := os.Stat(done); err != nil {
		os.RemoveAll(dir)
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if err := s.EnsureIndexes(ctx, "r_opp", workloadIx); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for lo := 0; lo < n; lo += 100 {
			at = at.Add(time.Millisecond)
			u := store.UnitOfWork{Actor: "bench", At: at}
			for i := lo; i < lo+100; i++ {
				u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: "r_opp", Doc: store.Document{Data: workloadDoc(i, r)}})
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
	}
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	// The filter's first run asks for value columns; wait for them.
	if _, err := s.Count(context.Background(), "r_opp", store.Query{Filter: workloadFilter()}); err != nil {
		b.Fatal(err)
	}
	syncWriter(b, s)
	return s
}

func workloadFilter() *store.Filter {
	return ptrF(store.And(store.Where("fields.region", store.OpEq, "华南"), store.Where("fields.amount", store.OpGt, 50000)))
}

// BenchmarkWorkload reads the shared/bench data set the way the record
// list does: the unindexed filter of the benchmark in the default order
// (newest first) and sorted by amount, its count, and the indexed page.
func BenchmarkWorkload(b *testing.B) {
	ctx := context.Background()
	s := openWorkload(b)
	defer s.Close()
	filter := workloadFilter()
	pages := []struct {
		name string
		q    store.Query
	}{
		{"UnindexedDefaultOrder", store.Query{Filter: filter, Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}},
		{"UnindexedSortedByAmount", store.Query{Filter: filter, Sort: []store.SortKey{{Field: "fields.amount", Desc: true}}, Limit: 20}},
		{"IndexedSortedByAmount", store.Query{Filter: ptrF(store.Where("fields.stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: "fields.amount", Desc: true}}, Limit: 20}},
		{"IndexedDefaultOrder", store.Query{Filter: ptrF(store.Where("fields.stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}},
		{"NoFilterDefaultOrder", store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				pg, err := s.Find(ctx, "r_opp", p.q)
				if err != nil || len(pg.Docs) != 20 {
					b.Fatal(len(pg.Docs), err)
				}
			}
		})
	}
	// The data view's quick search: "contains" on every text field (the
	// UI's SEARCHABLE types: company, contact, email, phone, notes), newest
	// first. A rare term (one record) reads every row; a common one stops
	// after its page.
	for _, qs := range []struct {
		name, term string
		want       int
	}{{"QuickSearchRare", "公司99999", 1}, {"QuickSearchRareASCII", "U99999@", 1}, {"QuickSearchCommon", "张三", 20}} {
		var any []store.Filter
		for _, f := range []string{"company", "contact", "email", "phone", "notes"} {
			any = append(any, store.Where("fields."+f, store.OpContains, qs.term))
		}
		q := store.Query{Filter: ptrF(store.Or(any...)), Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}
		b.Run(qs.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				pg, err := s.Find(ctx, "r_opp", q)
				if err != nil || len(pg.Docs) != qs.want {
					b.Fatal(len(pg.Docs), err)
				}
			}
		})
	}
	b.Run("CountUnindexed", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			n, err := s.Count(ctx, "r_opp", store.Query{Filter: filter})
			if err != nil || n == 0 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("CountIndexed", func(b *testing.B) {
		for b.Loop() {
			n, err := s.Count(ctx, "r_opp", store.Query{Filter: ptrF(store.Where("fields.stage", store.OpEq, "won"))})
			if err != nil || n != 10_000 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("GetByID", func(b *testing.B) {
		pg, err := s.Find(ctx, "r_opp", store.Query{Limit: 100})
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, "r_opp", pg.Docs[i%len(pg.Docs)].ID); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// reportCPU reports the process CPU time (user and system) per operation:
// on a machine shared with other work it varies less than wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
