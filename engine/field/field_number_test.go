package field

import (
	"math"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestNumberNormalize(t *testing.T) {
	runNormalize(t, "number", []normCase{
		{name: "float", raw: 12.5, want: 12.5},
		{name: "json.Number", raw: jsonNum("12.50"), want: 12.5},
		{name: "exponent", raw: jsonNum("1.5e3"), want: 1500.0},
		{name: "decimal string", raw: " -3.25 ", want: -3.25},
		{name: "go int", raw: 7, want: 7.0},
		{name: "negative zero", raw: math.Copysign(0, -1), want: 0.0},
		{name: "empty string", raw: "", want: nil},
		{name: "nil", raw: nil, want: nil},
		{name: "bool refused", raw: true, code: CodeType},
		{name: "word refused", raw: "twelve", code: CodeType},
		{name: "hex refused", raw: "0x10", code: CodeType},
		{name: "two dots refused", raw: "1.2.3", code: CodeType},
		{name: "NaN refused", raw: math.NaN(), code: CodeType},
		{name: "Inf refused", raw: math.Inf(1), code: CodeType},
		{name: "too large", raw: 1e16, code: CodeNumberRange},
		{name: "too large text", raw: "99999999999999999999", code: CodeNumberRange},
		{name: "huge exponent refused", raw: jsonNum("1e999999999"), code: CodeType},
		{name: "min", f: form.Field{Min: ptr(0.0)}, raw: -1.0, code: CodeMin},
		{name: "max", f: form.Field{Max: ptr(100.0)}, raw: 100.5, code: CodeMax},
		{name: "bounds inclusive", f: form.Field{Min: ptr(0.0), Max: ptr(100.0)}, raw: 100.0, want: 100.0},
		{name: "precision ok", f: form.Field{Precision: ptr(2)}, raw: 1.25, want: 1.25},
		{name: "precision trailing zeros ok", f: form.Field{Precision: ptr(1)}, raw: "1.50", want: 1.5},
		{name: "precision exceeded", f: form.Field{Precision: ptr(2)}, raw: 1.255, code: CodePrecision},
		{name: "precision 0", f: form.Field{Precision: ptr(0)}, raw: "3.1", code: CodePrecision},
	})
}

func TestNumberDesign(t *testing.T) {
	runDesign(t, "number", []designCase{
		{name: "valid", f: form.Field{Min: ptr(0.0), Max: ptr(10.0), Precision: ptr(2)}},
		{name: "min > max", f: form.Field{Min: ptr(5.0), Max: ptr(1.0)}, codes: []string{"min:min_max"}},
		{name: "precision range", f: form.Field{Precision: ptr(11)}, codes: []string{"precision:range"}},
		{name: "bound out of range", f: form.Field{Max: ptr(1e20)}, codes: []string{"max:range"}},
	})
}

func TestNumberCellsAndFormat(t *testing.T) {
	roundTrip(t, "number", form.Field{}, 1234567.25)
	roundTrip(t, "number", form.Field{}, -0.5)
	runFromCell(t, "number", []cellCase{
		{name: "thousands", cell: "1,234,567.5", want: 1234567.5},
		{name: "chinese comma thousands", cell: "1，234", want: 1234.0},
		{name: "decimal comma refused", cell: "1,5", code: CodeType},
		{name: "empty", cell: " ", want: nil},
	})
	scenarios := []struct {
		f    form.Field
		v    any
		want string
	}{
		{form.Field{}, 1234567.5, "1,234,567.5"},
		{form.Field{Precision: ptr(2)}, 1234.5, "1,234.50"},
		{form.Field{}, -1000.0, "-1,000"},
		{form.Field{}, nil, ""},
	}
	for _, s := range scenarios {
		if got := format("number", s.f, s.v, "en"); got != s.want {
			t.Errorf("Format(%v) = %q, want %q", s.v, got, s.want)
		}
	}
}
