package engine_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

func TestCreateAndUpdateRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		res, err := f.e.CreateRecords(f.ctx, f.admin, formID, []map[string]any{
			{"company": "甲"}, {"amount": -5}, nil, {"company": "乙", "amount": 3},
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if len(res) != 4 {
			t.Fatalf("%d results", len(res))
		}
		// Per item: the good ones are written, the bad ones carry their
		// per-field errors.
		if res[0].Err != nil || res[3].Err != nil || res[0].Record.ID == "" || res[3].Record.Data["amount"] != 3.0 {
			t.Fatalf("good items: %+v / %+v", res[0], res[3])
		}
		if fe := fieldErrors(t, res[1].Err); fe["company"] != engine.CodeRequired || fe["amount"] != field.CodeMin {
			t.Errorf("item 1 errors: %v", fe)
		}
		if fe := fieldErrors(t, res[2].Err); fe["company"] != engine.CodeRequired {
			t.Errorf("item 2 errors: %v", fe)
		}
		if n := recordCount(t, f, formID); n != 2 {
			t.Fatalf("%d records, want 2", n)
		}
		a, b := res[0].Record, res[3].Record
		up, err := f.e.UpdateRecords(f.ctx, f.admin, formID, []engine.RecordChange{
			{ID: a.ID, Version: a.Version, Data: map[string]any{"amount": 10}},
			{ID: b.ID, Version: b.Version + 1, Data: map[string]any{"amount": 20}},
			{ID: a.ID, Version: a.Version, Data: map[string]any{"amount": 30}},
			{ID: b.ID, Version: b.Version, Data: map[string]any{"amount": -1}},
			{ID: "01jzzzzzzzzzzzzzzzzzzzzzzz", Version: 1, Data: map[string]any{"amount": 1}},
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if up[0].Err != nil || up[0].Record.Version != 2 || up[0].Record.Data["amount"] != 10.0 {
			t.Errorf("item 0: %+v", up[0])
		}
		for i, want := range map[int]error{1: engine.ErrConflict, 2: engine.ErrConflict, 4: engine.ErrNotFound} {
			if !errors.Is(up[i].Err, want) {
				t.Errorf("item %d: %v, want %v", i, up[i].Err, want)
			}
		}
		if fe := fieldErrors(t, up[3].Err); fe["amount"] != field.CodeMin {
			t.Errorf("item 3 errors: %v", fe)
		}
		if got, _ := f.e.Record(f.ctx, f.admin, formID, b.ID); got.Version != 1 {
			t.Errorf("a failed item changed its record: %+v", got)
		}
		// Limits and permissions apply to the whole request, before any write.
		many := make([]map[string]any, engine.MaxBulkWrites+1)
		if _, err := f.e.CreateRecords(f.ctx, f.admin, formID, many, engine.WriteOptions{}); fieldErrors(t, err)["items"] != engine.CodeMaxItems {
			t.Errorf("over the limit: %v", describe(err))
		}
		if _, err := f.e.UpdateRecords(f.ctx, f.admin, formID, nil, engine.WriteOptions{}); fieldErrors(t, err)["items"] != engine.CodeRequired {
			t.Errorf("no items: %v", describe(err))
		}
		// The member sees the admin's records only as their rows allow:
		// an item outside them is that item's error, not the batch's.
		other, err := f.e.UpdateRecords(f.ctx, f.member, formID, []engine.RecordChange{{ID: a.ID, Version: 2, Data: map[string]any{"amount": 1}}}, engine.WriteOptions{})
		if err != nil || len(other) != 1 {
			t.Fatalf("member: %v %v", other, err)
		}
	})
}
