package sqlitestore

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// BenchmarkKanbanAggregate runs the aggregate a kanban board makes for its
// column headers (count and sum(amount) grouped by one field) on the
// shared/bench data set (100k records, see openWorkload): grouped by the
// indexed stage and by the unindexed region, each with no filter and with
// an unindexed filter (source = web and amount > 50000, about half the
// records). The first run of each asks for value columns; the writer adds
// them before the timing starts.
func BenchmarkKanbanAggregate(b *testing.B) {
	ctx := context.Background()
	s := openWorkload(b)
	defer s.Close()
	filter := ptrF(store.And(store.Where("fields.source", store.OpEq, "web"), store.Where("fields.amount", store.OpGt, 50000)))
	cases := []struct {
		name  string
		group string
		f     *store.Filter
	}{
		{"IndexedAll", "fields.stage", nil},
		{"IndexedFiltered", "fields.stage", filter},
		{"UnindexedAll", "fields.region", nil},
		{"UnindexedFiltered", "fields.region", filter},
	}
	for _, c := range cases {
		q := store.AggregateQuery{Filter: c.f, GroupBy: []store.GroupKey{{Field: c.group}},
			Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "fields.amount"}}}
		if _, err := s.Aggregate(ctx, "r_opp", q); err != nil {
			b.Fatal(err)
		}
		syncWriter(b, s)
		b.Run(c.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				g, err := s.Aggregate(ctx, "r_opp", q)
				if err != nil || len(g) != 3 {
					b.Fatal(len(g), err)
				}
			}
		})
	}
}
