package engine_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// TestQueryFilterMe: "$me" in a query or aggregate filter stands for the
// member running it, so one saved "my records" view serves everyone.
func TestQueryFilterMe(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "title", Type: "text", Label: "标题"},
			{Key: "owner", Type: "user", Label: "负责人"},
		}})
		for _, r := range []map[string]any{
			{"title": "a", "owner": f.member.UserID}, {"title": "b", "owner": f.member.UserID}, {"title": "c", "owner": f.admin.UserID},
		} {
			if _, err := f.e.CreateRecord(f.ctx, f.admin, formID, r, engine.WriteOptions{}); err != nil {
				t.Fatal(describe(err))
			}
		}
		mine := store.Where("owner", store.OpEq, "$me")
		count := func(a engine.Actor, fl store.Filter) int64 {
			t.Helper()
			p, err := f.e.QueryRecords(f.ctx, a, formID, engine.RecordQuery{Filter: &fl, Total: true})
			if err != nil {
				t.Fatal(describe(err))
			}
			return *p.Total
		}
		if n, m := count(f.member, mine), count(f.admin, mine); n != 2 || m != 1 {
			t.Fatalf("owner is me: member %d, admin %d; want 2 and 1", n, m)
		}
		in := store.Where("owner", store.OpIn, []any{"$me", "nobody"})
		if n := count(f.member, in); n != 2 {
			t.Fatalf("owner in [me]: %d, want 2", n)
		}
		if n := count(f.member, store.Where("owner", store.OpIn, "$me")); n != 2 {
			t.Fatalf("owner in $me: %d, want 2", n)
		}
		if mine.Value != "$me" {
			t.Fatalf("the caller's filter was changed: %v", mine.Value)
		}
		res, err := f.e.AggregateRecords(f.ctx, f.member, formID, engine.RecordAggregate{Filter: &mine, Metrics: []store.Metric{{Op: store.AggCount}}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if len(res.Groups) != 1 || res.Groups[0].Values[0] != 2.0 && res.Groups[0].Values[0] != int64(2) {
			t.Fatalf("aggregate of my records = %+v", res.Groups)
		}
	})
}
