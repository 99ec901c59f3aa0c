package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

var stageOptions = []form.Option{{Value: "confirm", Label: "需求确认"}, {Value: "proposal", Label: "方案提交"}, {Value: "won", Label: "赢单"}}

func TestSelectNormalize(t *testing.T) {
	f := form.Field{Options: stageOptions}
	runNormalize(t, "select", []normCase{
		{name: "option", f: f, raw: "won", want: "won"},
		{name: "trimmed", f: f, raw: " won ", want: "won"},
		{name: "empty", f: f, raw: "", want: nil},
		{name: "label is not a value", f: f, raw: "赢单", code: CodeOption},
		{name: "unknown", f: f, raw: "lost", code: CodeOption},
		{name: "list refused", f: f, raw: []any{"won"}, code: CodeType},
	})
}

func TestSelectDesign(t *testing.T) {
	runDesign(t, "select", []designCase{
		{name: "valid", f: form.Field{Options: stageOptions, Display: "radio"}},
		{name: "no options", f: form.Field{}, codes: []string{"options:options_missing"}},
		{name: "duplicate", f: form.Field{Options: []form.Option{{Value: "a", Label: "A"}, {Value: "a", Label: "B"}}}, codes: []string{"options[1].value:option_duplicate"}},
		{name: "empty value and label", f: form.Field{Options: []form.Option{{Value: "", Label: " "}}}, codes: []string{"options[0].value:option_value_required", "options[0].label:option_label_required"}},
		{name: "bad display", f: form.Field{Options: stageOptions, Display: "checkbox"}, codes: []string{"display:display_invalid"}},
	})
}

func TestSelectFormatCells(t *testing.T) {
	f := form.Field{Options: stageOptions}
	if got := format("select", f, "won", "zh-CN"); got != "赢单" {
		t.Errorf("Format = %q", got)
	}
	if got := format("select", f, "removed", "zh-CN"); got != "removed" {
		t.Errorf("Format of a removed option = %q", got)
	}
	roundTrip(t, "select", f, "proposal")
	runFromCell(t, "select", []cellCase{
		{name: "label", f: f, cell: "赢单", want: "won"},
		{name: "value", f: f, cell: "won", want: "won"},
		{name: "unknown", f: f, cell: "输单", code: CodeOption},
	})
}
