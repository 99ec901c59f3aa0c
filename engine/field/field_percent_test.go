package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestPercentNormalize(t *testing.T) {
	runNormalize(t, "percent", []normCase{
		{name: "fraction", raw: 0.15, want: 0.15},
		{name: "percent string", raw: "15%", want: 0.15},
		{name: "percent string with decimals", raw: "15.5 %", want: 0.155},
		{name: "fraction string", raw: "0.3", want: 0.3},
		{name: "over 100 percent allowed", raw: "150%", want: 1.5},
		{name: "empty", raw: "", want: nil},
		{name: "bad percent", raw: "abc%", code: CodeType},
		{name: "fraction too large", raw: 1e14, code: CodeNumberRange},
		{name: "percentage too large", raw: "1000000000000100%", code: CodeNumberRange},
		{name: "bool", raw: true, code: CodeType},
		{name: "precision 1 ok", f: form.Field{Precision: ptr(1)}, raw: "15.5%", want: 0.155},
		{name: "precision 1 exceeded", f: form.Field{Precision: ptr(1)}, raw: 0.1555, code: CodePrecision},
		{name: "precision 0", f: form.Field{Precision: ptr(0)}, raw: "15.5%", code: CodePrecision},
		{name: "max fraction", f: form.Field{Min: ptr(0.0), Max: ptr(1.0)}, raw: "101%", code: CodeMax},
	})
}

func TestPercentFormatDesignCells(t *testing.T) {
	if got := format("percent", form.Field{}, 0.155, "en"); got != "15.5%" {
		t.Errorf("Format = %q", got)
	}
	if got := format("percent", form.Field{Precision: ptr(2)}, 0.15, "en"); got != "15.00%" {
		t.Errorf("Format = %q", got)
	}
	roundTrip(t, "percent", form.Field{}, 0.155)
	roundTrip(t, "percent", form.Field{}, 0.07)
	runFromCell(t, "percent", []cellCase{{name: "full-width sign", cell: "20％", want: 0.2}})
	runDesign(t, "percent", []designCase{
		{name: "valid", f: form.Field{Precision: ptr(2), Min: ptr(0.0), Max: ptr(1.0)}},
		{name: "precision", f: form.Field{Precision: ptr(9)}, codes: []string{"precision:range"}},
	})
}
