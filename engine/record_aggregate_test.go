package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func TestAggregateRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		for i, r := range []map[string]any{
			{"company": "甲", "amount": 100, "stage": "won", "close_date": "2026-11-03"},
			{"company": "乙", "amount": 300, "stage": "won", "close_date": "2026-12-01"},
			{"company": "丙", "amount": 50, "stage": "proposal", "close_date": "2026-11-20"},
			{"company": "丁", "stage": "qualified"},
		} {
			if _, err := f.e.CreateRecord(f.ctx, f.admin, formID, r, engine.WriteOptions{}); err != nil {
				t.Fatalf("record %d: %v", i, describe(err))
			}
		}
		res, err := f.e.AggregateRecords(f.ctx, f.admin, formID, engine.RecordAggregate{
			GroupBy: []store.GroupKey{{Field: "stage"}},
			Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggMax, Field: "close_date"}},
		})
		if err != nil {
			t.Fatal(describe(err))
		}
		got := map[string]string{}
		for _, g := range res.Groups {
			got[fmt.Sprint(g.Keys[0])] = fmt.Sprint(g.Values)
		}
		want := map[string]string{"won": "[2 400 2026-12-01]", "proposal": "[1 50 2026-11-20]", "qualified": "[1 0 <nil>]"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("groups = %v, want %v", got, want)
		}
		// Filtered, bucketed by month of a date field.
		won := store.Where("stage", store.OpEq, "won")
		res, err = f.e.AggregateRecords(f.ctx, f.admin, formID, engine.RecordAggregate{Filter: &won,
			GroupBy: []store.GroupKey{{Field: "close_date", Bucket: store.BucketMonth}}, Metrics: []store.Metric{{Op: store.AggSum, Field: "amount"}}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if fmt.Sprint(res.Groups) != "[{[2026-11] [100]} {[2026-12] [300]}]" {
			t.Fatalf("monthly = %v", res.Groups)
		}
		bad := []struct {
			name string
			q    engine.RecordAggregate
			path string
		}{
			{"sum of text", engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggSum, Field: "company"}}}, "metrics[0].field"},
			{"unknown field", engine.RecordAggregate{GroupBy: []store.GroupKey{{Field: "nope"}}, Metrics: []store.Metric{{Op: store.AggCount}}}, "groupBy[0].field"},
			{"group by subform", engine.RecordAggregate{GroupBy: []store.GroupKey{{Field: "items"}}, Metrics: []store.Metric{{Op: store.AggCount}}}, "groupBy[0].field"},
			{"bucket on text", engine.RecordAggregate{GroupBy: []store.GroupKey{{Field: "company", Bucket: store.BucketMonth}}, Metrics: []store.Metric{{Op: store.AggCount}}}, "groupBy[0].bucket"},
			{"no metric", engine.RecordAggregate{}, "metrics"},
			{"unknown op", engine.RecordAggregate{Metrics: []store.Metric{{Op: "median", Field: "amount"}}}, "metrics[0].op"},
			{"sum without field", engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggSum}}}, "metrics[0].field"},
		}
		for _, b := range bad {
			_, err := f.e.AggregateRecords(f.ctx, f.admin, formID, b.q)
			if _, ok := fieldErrors(t, err)[b.path]; !ok {
				t.Errorf("%s: %v, want an error on %s", b.name, describe(err), b.path)
			}
		}
	})
}

// An aggregate covers only the rows the actor may view, and never a hidden field.
func TestAggregateRecordsFollowsPermissions(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		for _, r := range []struct {
			a    engine.Actor
			data map[string]any
		}{{p.rep, map[string]any{"company": "a"}}, {p.rep, map[string]any{"company": "b"}}, {p.rep2, map[string]any{"company": "c"}},
			{f.admin, map[string]any{"company": "d", "price": 4000}}} {
			if _, err := f.e.CreateRecord(f.ctx, r.a, p.form, r.data, engine.WriteOptions{}); err != nil {
				t.Fatal(describe(err))
			}
		}
		count := engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggCount}}}
		res, err := f.e.AggregateRecords(f.ctx, p.rep, p.form, count)
		if err != nil {
			t.Fatal(describe(err))
		}
		if len(res.Groups) != 1 || fmt.Sprint(res.Groups[0].Values[0]) != "2" {
			t.Fatalf("the rep counts %v, want their own 2 records", res.Groups)
		}
		res, err = f.e.AggregateRecords(f.ctx, f.admin, p.form, count)
		if err != nil {
			t.Fatal(describe(err))
		}
		if fmt.Sprint(res.Groups[0].Values[0]) != "4" {
			t.Fatalf("the admin counts %v, want 4", res.Groups)
		}
		// price is hidden from the rep: no sum, no group, no filter on it,
		// and the formula over it is refused too.
		priceFilter := store.Where("price", store.OpGt, 5)
		for name, q := range map[string]engine.RecordAggregate{
			"sum":     {Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "price"}}},
			"group":   {GroupBy: []store.GroupKey{{Field: "price"}}, Metrics: []store.Metric{{Op: store.AggCount}}},
			"filter":  {Filter: &priceFilter, Metrics: []store.Metric{{Op: store.AggCount}}},
			"formula": {Metrics: []store.Metric{{Op: store.AggSum, Field: "doubled"}}},
		} {
			_, err := f.e.AggregateRecords(f.ctx, p.rep, p.form, q)
			if len(fieldErrors(t, err)) == 0 {
				t.Errorf("%s over a hidden field: %v", name, describe(err))
			}
		}
		if errs := fieldErrors(t, func() error {
			_, err := f.e.AggregateRecords(f.ctx, p.rep, p.form, engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "price"}}})
			return err
		}()); errs["metrics[1].field"] == "" {
			t.Errorf("the hidden metric's error is not on metrics[1].field: %v", errs)
		}
	})
}

// A money field sums its amount.
func TestAggregateMoney(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{{Key: "price", Type: "money", Label: "价格"}}})
		for _, n := range []float64{10.5, 20} {
			if _, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"price": map[string]any{"amount": n, "currency": "CNY"}}, engine.WriteOptions{}); err != nil {
				t.Fatal(describe(err))
			}
		}
		res, err := f.e.AggregateRecords(f.ctx, f.admin, formID, engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggSum, Field: "price.amount"}}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if fmt.Sprint(res.Groups) != "[{[] [30.5]}]" {
			t.Fatalf("sum = %v", res.Groups)
		}
	})
}

// TestAggregateNumberFormula: a formula whose expression gives a number
// (its field type alone cannot tell) is summed like a number field, and a
// text formula is still refused.
func TestAggregateNumberFormula(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		def := opportunityForm()
		def.Fields = append(def.Fields, form.Field{Key: "size", Type: "formula", Label: "规模", Expression: `IF(amount > 100, "big", "small")`})
		formID := f.publish(t, f.admin, def)
		for _, r := range []map[string]any{{"company": "甲", "amount": 100}, {"company": "乙", "amount": 300}} {
			if _, err := f.e.CreateRecord(f.ctx, f.admin, formID, r, engine.WriteOptions{}); err != nil {
				t.Fatal(describe(err))
			}
		}
		res, err := f.e.AggregateRecords(f.ctx, f.admin, formID, engine.RecordAggregate{
			Metrics: []store.Metric{{Op: store.AggSum, Field: "weighted"}, {Op: store.AggMax, Field: "weighted"}}})
		if err != nil {
			t.Fatal(describe(err))
		}
		if fmt.Sprint(res.Groups) != "[{[] [120 90]}]" {
			t.Fatalf("sum and max of the weighted formula = %v, want [120 90]", res.Groups)
		}
		_, err = f.e.AggregateRecords(f.ctx, f.admin, formID, engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggSum, Field: "size"}}})
		var ve *engine.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Path != "metrics[0].field" || ve.Fields[0].Code != engine.CodeAggregate {
			t.Fatalf("sum of a text formula: %v", describe(err))
		}
	})
}
