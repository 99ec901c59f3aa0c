package sqlitestore

import (
	"context"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestCountPlans checks with EXPLAIN QUERY PLAN that a count whose filter
// no index serves scans the table in rowid order, while a count without a
// filter or with an indexed one keeps reading an index only.
func TestCountPlans(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "stage_amount", Fields: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{
		"a": {"stage": "won", "amount": 60000, "region": "华南"},
		"b": {"stage": "new", "amount": 70000, "region": "华北"},
	})
	unindexed := ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000)))
	tests := []struct {
		name    string
		q       store.Query
		want    string
		wantN   int64
		noTable bool
	}{
		{"unindexed filter scans the table", store.Query{Filter: unindexed}, "SCAN c_deals\n", 1, false},
		{"indexed filter reads the index", store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won"))}, "c_deals__ix_stage_amount", 1, true},
		{"no filter reads an index", store.Query{}, "USING INDEX", 2, true},
		{"recycle bin reads its index", store.Query{Filter: unindexed, Deleted: store.OnlyDeleted}, "c_deals__sys_deleted", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			c := newCompiler(s.reg.kindTester("deals", false))
			sql, err := buildCount(c, "deals", q, countScanBetter(q.Filter, q.Deleted, s.reg.declared("deals")))
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, s, sql, c.args)
			if !strings.Contains(plan+"\n", tt.want) {
				t.Errorf("plan does not contain %q:\n%s\n%s", tt.want, sql, plan)
			}
			if tt.noTable && strings.Contains(plan+"\n", "SCAN c_deals\n") {
				t.Errorf("plan scans the table:\n%s", plan)
			}
			n, err := s.Count(ctx, "deals", tt.q)
			if err != nil || n != tt.wantN {
				t.Errorf("Count = %d, %v; want %d", n, err, tt.wantN)
			}
		})
	}
}
