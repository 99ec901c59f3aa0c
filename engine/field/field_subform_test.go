package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

// itemsField is an order lines subform.
var itemsField = form.Field{Key: "items", Type: "subform", Label: "明细", Fields: []form.Field{
	{Key: "product", Type: "text", Label: "产品"},
	{Key: "qty", Type: "number", Label: "数量", Min: ptr(1.0), Precision: ptr(0)},
	{Key: "price", Type: "money", Label: "单价"},
	{Key: "total", Type: "formula", Label: "小计", Expression: "qty * price"},
}}

func TestSubformNormalize(t *testing.T) {
	runNormalize(t, "subform", []normCase{
		{name: "rows get ids", f: itemsField, raw: []any{
			map[string]any{"product": "A", "qty": 2.0, "price": "9.90"},
			map[string]any{"id": "keep", "product": " B ", "qty": nil},
		}, want: []any{
			map[string]any{"id": "row1", "product": "A", "qty": 2.0, "price": cny(9.9)},
			map[string]any{"id": "keep", "product": "B"},
		}},
		{name: "empty row kept", f: itemsField, raw: []any{map[string]any{}}, want: []any{map[string]any{"id": "row1"}}},
		{name: "empty list", f: itemsField, raw: []any{}, want: nil},
		{name: "row path", f: itemsField, raw: []any{map[string]any{"qty": 1.0}, map[string]any{"qty": 0.0}}, code: CodeMin, path: "f[1].qty"},
		{name: "nested path", f: itemsField, raw: []any{map[string]any{"price": map[string]any{"amount": 1.0, "currency": "USD"}}}, code: CodeCurrency, path: "f[0].price.currency"},
		{name: "unknown key", f: itemsField, raw: []any{map[string]any{"color": "red"}}, code: CodeUnknownField, path: "f[0].color"},
		{name: "formula value refused", f: itemsField, raw: []any{map[string]any{"total": 5.0}}, code: CodeReadOnly, path: "f[0].total"},
		{name: "bad row id", f: itemsField, raw: []any{map[string]any{"id": "a b"}}, code: CodeID, path: "f[0].id"},
		{name: "row id not a string", f: itemsField, raw: []any{map[string]any{"id": 1.0}}, code: CodeType, path: "f[0].id"},
		{name: "duplicate row ids", f: itemsField, raw: []any{map[string]any{"id": "x"}, map[string]any{"id": "x"}}, code: CodeDuplicate, path: "f[1].id"},
		{name: "row not an object", f: itemsField, raw: []any{"A"}, code: CodeType, path: "f[0]"},
		{name: "object refused", f: itemsField, raw: map[string]any{"product": "A"}, code: CodeType},
		{name: "too many rows", f: itemsField, raw: make([]any, MaxSubformRows+1), code: CodeTooManyRows},
	})
}

func TestSubformAllErrorsReported(t *testing.T) {
	typ, _ := Get("subform")
	_, errs := typ.Normalize(testCtx(), &itemsField, "items", []any{
		map[string]any{"qty": "x"}, map[string]any{"product": "a\nb", "qty": 1.5},
	})
	var got []string
	for _, e := range errs {
		got = append(got, e.Path+":"+e.Code)
	}
	want := []string{"items[0].qty:type", "items[1].product:single_line", "items[1].qty:precision"}
	if len(got) != len(want) {
		t.Fatalf("errors = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("errors = %v, want %v", got, want)
		}
	}
}

func TestSubformDesign(t *testing.T) {
	runDesign(t, "subform", []designCase{
		{name: "valid", f: itemsField},
		{name: "no fields", f: form.Field{}, codes: []string{"fields:subform_fields"}},
		{name: "nested", f: form.Field{Fields: []form.Field{{Key: "inner", Type: "subform", Label: "x", Fields: []form.Field{{Key: "a", Type: "text", Label: "a"}}}}}, codes: []string{"fields[0].type:subform_nested"}},
		{name: "id reserved", f: form.Field{Fields: []form.Field{{Key: "id", Type: "text", Label: "编号"}}}, codes: []string{"fields[0].key:key_reserved"}},
		{name: "child design checked", f: form.Field{Fields: []form.Field{{Key: "s", Type: "select", Label: "S"}}}, codes: []string{"fields[0].options:options_missing"}},
	})
}

func TestSubformExprFormatCells(t *testing.T) {
	typ, _ := Get("subform")
	stored := []any{map[string]any{"id": "r1", "product": "A", "price": cny(9.9)}}
	ev := typ.ExprValue(testCtx(), &itemsField, stored).([]any)
	row := ev[0].(map[string]any)
	if row["price"] != 9.9 || row["qty"] != nil || row["id"] != "r1" || row["product"] != "A" {
		t.Errorf("ExprValue row = %v", row)
	}
	if got := typ.ExprType(&itemsField).String(); got != "list<object{id, price, product, qty, total}>" {
		t.Errorf("ExprType = %s", got)
	}
	if got := format("subform", itemsField, stored, "zh-CN"); got != "1 行" {
		t.Errorf("Format = %q", got)
	}
	if got := format("subform", itemsField, append(stored, stored[0]), "en"); got != "2 rows" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "subform", itemsField, stored)
	schema := typ.Schema(&itemsField)
	items := schema["items"].(map[string]any)
	if _, ok := items["properties"].(map[string]any)["price"]; !ok {
		t.Errorf("schema lacks the price column: %v", schema)
	}
}
