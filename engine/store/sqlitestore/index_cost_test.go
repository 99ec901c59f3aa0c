package sqlitestore

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestIndexCost measures, on a data directory kept by httpbench (-keep),
// the queries the engine's indexes for the indexed stage field serve, with
// every declared index and again without the sort indexes on probability
// and close_date and then without c_stage (docs/performance.md, storage11c).
// It changes the directory's indexes, so run it on a copy:
//
//	cp -r DIR /tmp/copy && FORMLOOM_INDEX_COST=/tmp/copy FORMLOOM_INDEX_COLL=r_<form id> go test -run TestIndexCost -v ./engine/store/sqlitestore/
func TestIndexCost(t *testing.T) {
	dir, coll := os.Getenv("FORMLOOM_INDEX_COST"), os.Getenv("FORMLOOM_INDEX_COLL")
	if dir == "" || coll == "" {
		t.Skip("set FORMLOOM_INDEX_COST to a copy of a kept bench directory and FORMLOOM_INDEX_COLL to its records collection")
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	stage := func(v string) *store.Filter { f := store.Where("fields.stage", store.OpEq, v); return &f }
	queries := []struct {
		name string
		q    store.Query
	}{
		{"stage = new by probability desc", store.Query{Filter: stage("new"), Sort: []store.SortKey{{Field: "fields.probability", Desc: true}}, Limit: 20}},
		{"stage = won by probability desc", store.Query{Filter: stage("won"), Sort: []store.SortKey{{Field: "fields.probability", Desc: true}}, Limit: 20}},
		{"stage = won by probability", store.Query{Filter: stage("won"), Sort: []store.SortKey{{Field: "fields.probability"}}, Limit: 20}},
		{"stage = won by close_date desc", store.Query{Filter: stage("won"), Sort: []store.SortKey{{Field: "fields.close_date", Desc: true}}, Limit: 20}},
		{"stage = won, newest first", store.Query{Filter: stage("won"), Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}},
		{"stage = won by amount desc", store.Query{Filter: stage("won"), Sort: []store.SortKey{{Field: "fields.amount", Desc: true}}, Limit: 20}},
	}
	run := func(label string) {
		for _, q := range queries {
			// Warm up, and let the writer add what the query asks for
			// (value columns, system indexes).
			for range 3 {
				if _, err := s.Find(ctx, coll, q.q); err != nil {
					t.Fatal(err)
				}
				syncWriter(t, s)
			}
			const n = 20
			c0, t0 := processCPU(), time.Now()
			for range n {
				if _, err := s.Find(ctx, coll, q.q); err != nil {
					t.Fatal(err)
				}
			}
			fmt.Printf("| %s | %s | %.2f | %.2f |\n", label, q.name, float64(processCPU()-c0)/n/1e6, float64(time.Since(t0))/n/1e6)
		}
	}
	fmt.Println("| indexes | query | CPU ms | wall ms |")
	run("all declared")
	have := s.reg.declared(coll)
	drop := func(names ...string) {
		var keep []store.Index
		for _, ix := range have {
			if !slices.Contains(names, ix.Name) {
				keep = append(keep, ix)
			}
		}
		if err := s.EnsureIndexes(ctx, coll, keep); err != nil {
			t.Fatal(err)
		}
	}
	drop("s_stage_probability", "s_stage_close_date")
	run("without s_stage_probability, s_stage_close_date")
	drop("s_stage_probability", "s_stage_close_date", "c_stage")
	run("without c_stage too")
}
