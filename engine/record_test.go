package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func opportunityForm() form.Definition {
	return form.Definition{Columns: 2, Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "email", Type: "email", Label: "邮箱", Unique: true},
		{Key: "amount", Type: "number", Label: "金额", Min: ptr(0.0)},
		{Key: "probability", Type: "number", Label: "赢率", Default: 30.0},
		{Key: "weighted", Type: "formula", Label: "加权金额", Expression: "amount * probability / 100"},
		{Key: "stage", Type: "select", Label: "阶段", Indexed: true, Default: "qualified", Options: []form.Option{
			{Value: "qualified", Label: "需求确认"}, {Value: "proposal", Label: "方案提交"}, {Value: "won", Label: "赢单"}, {Value: "lost", Label: "输单"}}},
		{Key: "lost_reason", Type: "textarea", Label: "输单原因", VisibleWhen: `stage == "lost"`, RequiredWhen: `stage == "lost"`},
		{Key: "close_date", Type: "date", Label: "预计成交日期"},
		{Key: "code", Type: "serial", Label: "编号", Serial: &form.Serial{Prefix: "OPP-", Width: 4}},
		{Key: "items", Type: "subform", Label: "产品明细", Fields: []form.Field{
			{Key: "product", Type: "text", Label: "产品", Required: true},
			{Key: "price", Type: "number", Label: "单价"},
		}},
	}, SubmitRules: []form.SubmitRule{{Expression: `stage != "won" || amount > 0`, Field: "amount",
		Message: map[string]string{"zh-CN": "赢单必须填写金额", "en": "A won deal needs an amount"}}}}
}

func TestCreateRunsThePipelineInOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"company": "  华为  ", "email": "Sales@Example.COM", "amount": 200000,
			"items": []any{map[string]any{"product": "CRM", "price": 100}},
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatalf("create: %v", describe(err))
		}
		if r.Version != 1 || r.FormVersion != 1 || r.CreatedBy != f.member.UserID {
			t.Fatalf("record meta: %+v", r)
		}
		if r.Data["stage"] != "qualified" || r.Data["probability"] != 30.0 {
			t.Errorf("defaults not applied: %v", r.Data)
		}
		if r.Data["weighted"] != 60000.0 {
			t.Errorf("formula computed after defaults: weighted = %v", r.Data["weighted"])
		}
		if r.Data["code"] != "OPP-0001" {
			t.Errorf("serial = %v", r.Data["code"])
		}
		r2, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "腾讯"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if r2.Data["code"] != "OPP-0002" {
			t.Errorf("second serial = %v", r2.Data["code"])
		}
		if _, ok := r2.Data["weighted"]; ok {
			t.Errorf("formula over a missing amount should be empty, got %v", r2.Data["weighted"])
		}
	})
}

func TestCreateRejectsBadInputPerField(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		tests := []struct {
			name  string
			input map[string]any
			want  map[string]string
		}{
			{"unknown and system fields", map[string]any{"company": "A", "nope": 1, "id": "x", "createdAt": "2020", "_version": 3},
				map[string]string{"nope": "unknown_field", "id": "system_field", "createdAt": "system_field", "_version": "system_field"}},
			{"computed fields are read-only", map[string]any{"company": "A", "weighted": 5, "code": "X"},
				map[string]string{"weighted": "read_only", "code": "read_only"}},
			{"required", map[string]any{"amount": 5}, map[string]string{"company": "required"}},
			{"required-if on a visible field", map[string]any{"company": "A", "stage": "lost"}, map[string]string{"lost_reason": "required"}},
			{"submit rule", map[string]any{"company": "A", "stage": "won", "amount": 0}, map[string]string{"amount": "rule"}},
			{"required is reported with other errors", map[string]any{"amount": "lots"}, map[string]string{"company": "required", "amount": "type"}},
			{"subform row field", map[string]any{"company": "A", "items": []any{map[string]any{"price": 1}}}, map[string]string{"items[0].product": "required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.e.CreateRecord(f.ctx, f.member, formID, tt.input, engine.WriteOptions{})
				got := fieldErrors(t, err)
				for path, code := range tt.want {
					if got[path] != code {
						t.Errorf("%s: want %s, got %q (all: %v)", path, code, got[path], got)
					}
				}
			})
		}
		page, err := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Total: true})
		if err != nil {
			t.Fatal(err)
		}
		if *page.Total != 0 {
			t.Fatalf("a rejected write left %d records", *page.Total)
		}
	})
}

func TestTypedErrorsForWrongValues(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, opportunityForm())
	_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
		"company": "A", "email": "not-an-email", "amount": "lots", "stage": "maybe", "close_date": "2026-13-45",
	}, engine.WriteOptions{})
	got := fieldErrors(t, err)
	for _, k := range []string{"email", "amount", "stage", "close_date"} {
		if got[k] == "" {
			t.Errorf("no error for %s (all: %v)", k, got)
		}
	}
}

func TestUpdateConflictHistoryAndRecycleBin(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "A", "amount": 100}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		up, err := f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, map[string]any{"amount": 500}, r.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if up.Version != 2 || up.Data["amount"] != 500.0 || up.Data["weighted"] != 150.0 || up.Data["company"] != "A" {
			t.Fatalf("update result: %+v", up)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"amount": 1}, r.Version, engine.WriteOptions{}); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale update: want conflict, got %v", err)
		}
		if err := f.e.DeleteRecord(f.ctx, f.member, formID, r.ID, up.Version); err != nil {
			t.Fatal(err)
		}
		page, _ := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{})
		if len(page.Items) != 0 {
			t.Fatalf("deleted record still listed")
		}
		bin, _ := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Deleted: store.OnlyDeleted})
		if len(bin.Items) != 1 {
			t.Fatalf("recycle bin has %d records", len(bin.Items))
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"amount": 1}, 3, engine.WriteOptions{}); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("update of a deleted record: %v", err)
		}
		rest, err := f.e.RestoreRecord(f.ctx, f.admin, formID, r.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if rest.DeletedAt != nil || rest.Version != 4 {
			t.Fatalf("restored: %+v", rest)
		}
		hist, err := f.e.History(f.ctx, f.admin, formID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, h := range hist {
			actions = append(actions, h.Action+"/"+h.Source)
		}
		if strings.Join(actions, ",") != "created/ui,updated/api,deleted/ui,restored/api" {
			t.Fatalf("history: %v", actions)
		}
		changed := map[string][2]any{}
		for _, c := range hist[1].Changes {
			changed[c["field"].(string)] = [2]any{c["old"], c["new"]}
		}
		if changed["amount"] != [2]any{100.0, 500.0} || changed["weighted"] != [2]any{30.0, 150.0} || len(changed) != 2 {
			t.Fatalf("update diff: %v", changed)
		}
		if hist[1].Actor != f.admin.UserID || hist[1].Version != 2 {
			t.Fatalf("update entry: %+v", hist[1])
		}
	})
}

func TestUniqueFieldAndRestoreCollision(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, opportunityForm())
	a, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "A", "email": "a@example.com"}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "B", "email": "A@example.com"}, engine.WriteOptions{})
	if got := fieldErrors(t, err); got["email"] != "unique" {
		t.Fatalf("duplicate email: %v", got)
	}
	if err := f.e.DeleteRecord(f.ctx, f.member, formID, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "B", "email": "a@example.com"}, engine.WriteOptions{}); err != nil {
		t.Fatalf("a deleted record should not hold its unique value: %v", describe(err))
	}
	_, err = f.e.RestoreRecord(f.ctx, f.admin, formID, a.ID, 0)
	if got := fieldErrors(t, err); got["email"] != "unique" {
		t.Fatalf("restore collision: %v", got)
	}
}

func TestQueryFiltersAndRefusesBadFilters(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		for i, s := range []string{"won", "won", "lost", "qualified"} {
			in := map[string]any{"company": "C" + string(rune('A'+i)), "stage": s, "amount": float64(i*1000 + 1000)}
			if s == "lost" {
				in["lost_reason"] = "价格"
			}
			if _, err := f.e.CreateRecord(f.ctx, f.member, formID, in, engine.WriteOptions{}); err != nil {
				t.Fatal(describe(err))
			}
		}
		flt := store.And(store.Where("stage", store.OpEq, "won"), store.Where("amount", store.OpGt, 1500))
		page, err := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Filter: &flt, Sort: []store.SortKey{{Field: "amount", Desc: true}}, Total: true})
		if err != nil {
			t.Fatal(describe(err))
		}
		if *page.Total != 1 || len(page.Items) != 1 || page.Items[0].Data["company"] != "CB" {
			t.Fatalf("filtered page: %+v", page)
		}
		bad := []store.Filter{
			store.Where("nope", store.OpEq, 1),
			store.Where("stage", store.OpContainsAll, []any{"won"}),
			store.Where("amount", "regex", ".*"),
			store.Where("stage.$where", store.OpEq, 1),
		}
		for _, b := range bad {
			b := b
			if _, err := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Filter: &b}); !errors.Is(err, engine.ErrInvalid) {
				t.Errorf("filter %+v: want invalid, got %v", b, err)
			}
		}
		if _, err := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Sort: []store.SortKey{{Field: "nope"}}}); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("sort on unknown field: %v", err)
		}
	})
}

// TestMoneyComparesByAmount: a money field is indexed, filtered, sorted and
// kept unique by its amount, and errors name the field.
func TestMoneyComparesByAmount(t *testing.T) {
	f := newFixture(t)
	formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
		{Key: "deal", Type: "text", Label: "商机", Indexed: true},
		{Key: "budget", Type: "money", Label: "预算", Unique: true},
	}})
	for i, amount := range []string{"300.50", "1200", "80"} {
		if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"deal": "d", "budget": amount}, engine.WriteOptions{}); err != nil {
			t.Fatalf("record %d: %v", i, describe(err))
		}
	}
	_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"deal": "d", "budget": "80.00"}, engine.WriteOptions{})
	if got := fieldErrors(t, err); got["budget"] != "unique" {
		t.Fatalf("duplicate amount: %v", got)
	}
	flt := store.Where("budget", store.OpGt, 100)
	page, err := f.e.QueryRecords(f.ctx, f.member, formID, engine.RecordQuery{Filter: &flt, Sort: []store.SortKey{{Field: "budget", Desc: true}}})
	if err != nil {
		t.Fatal(describe(err))
	}
	var got []float64
	for _, r := range page.Items {
		got = append(got, r.Data["budget"].(map[string]any)["amount"].(float64))
	}
	if len(got) != 2 || got[0] != 1200 || got[1] != 300.5 {
		t.Fatalf("budget > 100 sorted desc: %v", got)
	}
}
