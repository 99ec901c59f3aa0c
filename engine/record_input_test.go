package engine_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
)

func inputForm() form.Definition {
	return form.Definition{Fields: []form.Field{
		{Key: "name", Type: "text", Label: "名称"},
		{Key: "notes", Type: "textarea", Label: "备注"},
		{Key: "body", Type: "richtext", Label: "正文"},
		{Key: "qty", Type: "number", Label: "数量"},
		{Key: "price", Type: "money", Label: "单价", Currency: "CNY"},
		{Key: "rate", Type: "percent", Label: "比例"},
		{Key: "stars", Type: "rating", Label: "评分"},
		{Key: "addr", Type: "address", Label: "地址"},
		{Key: "items", Type: "subform", Label: "明细", Fields: []form.Field{{Key: "product", Type: "text", Label: "产品"}}},
	}}
}

// TestBrokenTextIsRefused: invalid UTF-8, and U+FFFD (what JSON decoding
// makes of invalid bytes and of lone surrogates such as "\ud800"), are
// refused per field instead of being stored.
func TestBrokenTextIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, inputForm())
		_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"name": "a\xffb", "notes": "第一行\n\ufffd", "body": "<p>\xed\xa0\x80</p>",
			"addr": map[string]any{"city": "深\ufffd圳"}, "items": []any{map[string]any{"product": "\ufffd"}},
		}, engine.WriteOptions{})
		want := map[string]string{"name": "invalid_encoding", "notes": "invalid_encoding", "body": "invalid_encoding",
			"addr.city": "invalid_encoding", "items[0].product": "invalid_encoding"}
		got := fieldErrors(t, err)
		for path, code := range want {
			if got[path] != code {
				t.Errorf("%s = %q, want %q (all %v)", path, got[path], code, got)
			}
		}
		page, _ := f.e.QueryRecords(f.ctx, f.admin, formID, engine.RecordQuery{Total: true})
		if *page.Total != 0 {
			t.Fatalf("a refused write stored %d records", *page.Total)
		}
	})
}

// TestNumericStringsInNumberFields documents the decision in
// docs/lifecycle.md: a string holding one plain decimal number is accepted
// by number, money, percent and rating fields and stored as a number;
// anything else in a string is refused.
func TestNumericStringsInNumberFields(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, inputForm())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
			"qty": " 12.5 ", "price": map[string]any{"amount": "99.90", "currency": "CNY"}, "rate": "0.25", "stars": "4",
		}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		price, _ := r.Data["price"].(map[string]any)
		if r.Data["qty"] != 12.5 || price["amount"] != 99.9 || r.Data["rate"] != 0.25 || r.Data["stars"] != 4.0 {
			t.Fatalf("stored %v", r.Data)
		}
		if r, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"qty": "1e3"}, engine.WriteOptions{}); err != nil || r.Data["qty"] != 1000.0 {
			t.Fatalf("exponent: %v %v", r.Data, describe(err))
		}
		for _, bad := range []string{"1,5", "0x10", "NaN", "Infinity", "12元", "1 000", "--1"} {
			_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"qty": bad}, engine.WriteOptions{})
			if got := fieldErrors(t, err); got["qty"] != "type" {
				t.Errorf("qty %q: %v", bad, got)
			}
		}
	})
}

// TestFormsOfARecycledAppRefuseWrites: while its app is in the recycle bin a
// form refuses record writes as a deleted form does (not found); its
// records stay readable, and writes work again once the app is restored.
func TestFormsOfARecycledAppRefuseWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, inputForm())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"name": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		fm, err := f.e.Form(f.ctx, f.admin, formID)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.e.DeleteApp(f.ctx, f.admin, fm.App); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"name": "乙"}, engine.WriteOptions{}); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("create in a recycled app: %v", err)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"name": "丙"}, r.Version, engine.WriteOptions{}); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("update in a recycled app: %v", err)
		}
		if err := f.e.DeleteRecord(f.ctx, f.member, formID, r.ID, r.Version); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("delete in a recycled app: %v", err)
		}
		// A fresh engine (another process) sees it too, from the store.
		e2, err := engine.New(f.ctx, f.e.Store(), engine.Options{Authorizer: access.New()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e2.CreateRecord(f.ctx, f.member, formID, map[string]any{"name": "乙"}, engine.WriteOptions{}); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("create in a recycled app, other engine: %v", err)
		}
		if got, err := f.e.Record(f.ctx, f.member, formID, r.ID); err != nil || got.Data["name"] != "甲" {
			t.Fatalf("read in a recycled app: %v %v", got.Data, err)
		}
		if _, err := f.e.RestoreApp(f.ctx, f.admin, fm.App); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"name": "乙"}, engine.WriteOptions{}); err != nil {
			t.Fatalf("create after restore: %v", describe(err))
		}
	})
}
