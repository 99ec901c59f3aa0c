package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func cny(v float64) map[string]any { return map[string]any{"amount": v, "currency": "CNY"} }

func TestMoneyNormalize(t *testing.T) {
	runNormalize(t, "money", []normCase{
		{name: "number", raw: 1234.5, want: cny(1234.5)},
		{name: "decimal string", raw: "0.10", want: cny(0.1)},
		{name: "object", raw: map[string]any{"amount": jsonNum("99.99"), "currency": "CNY"}, want: cny(99.99)},
		{name: "object lower-case currency", raw: map[string]any{"amount": 1.0, "currency": "cny"}, want: cny(1)},
		{name: "object without currency", raw: map[string]any{"amount": "5"}, want: cny(5)},
		{name: "object with empty amount", raw: map[string]any{"amount": ""}, want: nil},
		{name: "empty", raw: "", want: nil},
		{name: "three decimals refused", raw: 0.001, code: CodeMoneyPrecision},
		{name: "three decimals in text refused", raw: "10.005", code: CodeMoneyPrecision},
		{name: "trailing zeros fine", raw: "10.500", want: cny(10.5)},
		{name: "JPY no decimals", f: form.Field{Currency: "JPY"}, raw: 100.5, code: CodeMoneyPrecision},
		{name: "JPY whole", f: form.Field{Currency: "JPY"}, raw: 100.0, want: map[string]any{"amount": 100.0, "currency": "JPY"}},
		{name: "KWD three decimals", f: form.Field{Currency: "KWD"}, raw: "1.125", want: map[string]any{"amount": 1.125, "currency": "KWD"}},
		{name: "Precision below currency", f: form.Field{Precision: ptr(0)}, raw: 1.5, code: CodeMoneyPrecision},
		{name: "other currency refused", raw: map[string]any{"amount": 1.0, "currency": "USD"}, code: CodeCurrency, path: "f.currency"},
		{name: "currency not a string", raw: map[string]any{"amount": 1.0, "currency": 1.0}, code: CodeType, path: "f.currency"},
		{name: "unknown key", raw: map[string]any{"amount": 1.0, "rate": 7.0}, code: CodeUnknownField, path: "f.rate"},
		{name: "bad amount", raw: map[string]any{"amount": "abc"}, code: CodeType, path: "f.amount"},
		{name: "bool refused", raw: false, code: CodeType},
		{name: "min on amount", f: form.Field{Min: ptr(0.0)}, raw: -0.01, code: CodeMin},
		{name: "max on amount", f: form.Field{Max: ptr(1000.0)}, raw: 1000.01, code: CodeMax},
		{name: "range", raw: 1e16, code: CodeNumberRange},
	})
}

func TestMoneyDesign(t *testing.T) {
	runDesign(t, "money", []designCase{
		{name: "default", f: form.Field{}},
		{name: "USD precision 2", f: form.Field{Currency: "USD", Precision: ptr(2)}},
		{name: "bad currency", f: form.Field{Currency: "rmb"}, codes: []string{"currency:currency_invalid"}},
		{name: "precision above currency", f: form.Field{Currency: "JPY", Precision: ptr(1)}, codes: []string{"precision:range"}},
		{name: "min > max", f: form.Field{Min: ptr(10.0), Max: ptr(1.0)}, codes: []string{"min:min_max"}},
	})
}

func TestMoneyFormatAndCells(t *testing.T) {
	scenarios := []struct {
		f    form.Field
		v    any
		want string
	}{
		{form.Field{}, cny(1234.5), "¥1,234.50"},
		{form.Field{}, cny(-3), "-¥3.00"},
		{form.Field{Currency: "USD"}, map[string]any{"amount": 10.0, "currency": "USD"}, "$10.00"},
		{form.Field{Currency: "JPY"}, map[string]any{"amount": 1500.0, "currency": "JPY"}, "JP¥1,500"},
		{form.Field{Currency: "CHF"}, map[string]any{"amount": 2.5, "currency": "CHF"}, "CHF 2.50"},
		{form.Field{}, nil, ""},
	}
	for _, s := range scenarios {
		if got := format("money", s.f, s.v, "zh-CN"); got != s.want {
			t.Errorf("Format(%v) = %q, want %q", s.v, got, s.want)
		}
	}
	roundTrip(t, "money", form.Field{}, cny(1234.5))
	runFromCell(t, "money", []cellCase{
		{name: "symbol and thousands", cell: "¥1,234.50", want: cny(1234.5)},
		{name: "full-width symbol", cell: "￥8", want: cny(8)},
		{name: "code", cell: "CNY 99", want: cny(99)},
		{name: "negative", cell: "-¥5", want: cny(-5)},
		{name: "other code", cell: "USD 5", code: CodeCurrency},
		{name: "garbage", cell: "abc", code: CodeType},
	})
	typ, _ := Get("money")
	if v := typ.ExprValue(testCtx(), &form.Field{}, cny(12.5)); v != 12.5 {
		t.Errorf("ExprValue = %v", v)
	}
}
