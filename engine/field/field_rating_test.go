package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestRatingNormalize(t *testing.T) {
	runNormalize(t, "rating", []normCase{
		{name: "three", raw: 3.0, want: 3.0},
		{name: "zero", raw: 0.0, want: 0.0},
		{name: "string", raw: "4", want: 4.0},
		{name: "max default 5", raw: 6.0, code: CodeRating},
		{name: "custom max", f: form.Field{Max: ptr(10.0)}, raw: 10.0, want: 10.0},
		{name: "fraction", raw: 2.5, code: CodeRating},
		{name: "negative", raw: -1.0, code: CodeRating},
		{name: "text", raw: "good", code: CodeType},
	})
}

func TestRatingFormatDesignCells(t *testing.T) {
	if got := format("rating", form.Field{}, 3.0, "en"); got != "★★★☆☆" {
		t.Errorf("Format = %q", got)
	}
	runFromCell(t, "rating", []cellCase{
		{name: "stars", cell: "★★★★☆", want: 4.0},
		{name: "too many stars", cell: "★★★★★★", code: CodeRating},
		{name: "digits", cell: "2", want: 2.0},
	})
	roundTrip(t, "rating", form.Field{}, 5.0)
	runDesign(t, "rating", []designCase{
		{name: "valid", f: form.Field{Max: ptr(10.0)}},
		{name: "too large", f: form.Field{Max: ptr(11.0)}, codes: []string{"max:range"}},
		{name: "fraction", f: form.Field{Max: ptr(4.5)}, codes: []string{"max:range"}},
	})
}
