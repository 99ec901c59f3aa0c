package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

var tagOptions = []form.Option{{Value: "hot", Label: "高意向"}, {Value: "follow", Label: "需跟进"}, {Value: "risk", Label: "易流失, 需关注"}}

func TestMultiselectNormalize(t *testing.T) {
	f := form.Field{Options: tagOptions}
	runNormalize(t, "multiselect", []normCase{
		{name: "option order", f: f, raw: []any{"risk", "hot"}, want: []any{"hot", "risk"}},
		{name: "go strings", f: f, raw: []string{"follow"}, want: []any{"follow"}},
		{name: "empty list", f: f, raw: []any{}, want: nil},
		{name: "duplicate", f: f, raw: []any{"hot", "hot"}, code: CodeDuplicate, path: "f[1]"},
		{name: "unknown", f: f, raw: []any{"hot", "cold"}, code: CodeOption, path: "f[1]"},
		{name: "not a string", f: f, raw: []any{1.0}, code: CodeType, path: "f[0]"},
		{name: "single string refused", f: f, raw: "hot", code: CodeType},
		{name: "too many", f: f, raw: []any{"hot", "follow", "risk", "hot"}, code: CodeTooMany},
	})
}

func TestMultiselectFormatCellsDesign(t *testing.T) {
	f := form.Field{Options: tagOptions}
	if got := format("multiselect", f, []any{"hot", "follow"}, "zh-CN"); got != "高意向、需跟进" {
		t.Errorf("Format zh = %q", got)
	}
	if got := format("multiselect", f, []any{"hot", "follow"}, "en"); got != "高意向, 需跟进" {
		t.Errorf("Format en = %q", got)
	}
	roundTrip(t, "multiselect", f, []any{"hot", "follow"})
	runFromCell(t, "multiselect", []cellCase{
		{name: "labels", f: f, cell: "需跟进，高意向", want: []any{"hot", "follow"}},
		{name: "label with comma", f: f, cell: "易流失, 需关注", want: []any{"risk"}},
		{name: "values", f: f, cell: "hot;follow", want: []any{"hot", "follow"}},
		{name: "unknown", f: f, cell: "hot, x", code: CodeOption},
	})
	runDesign(t, "multiselect", []designCase{
		{name: "valid", f: form.Field{Options: tagOptions, Display: "checkbox"}},
		{name: "no options", codes: []string{"options:options_missing"}},
	})
}
