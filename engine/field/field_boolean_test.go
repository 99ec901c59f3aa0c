package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestBooleanNormalize(t *testing.T) {
	runNormalize(t, "boolean", []normCase{
		{name: "true", raw: true, want: true},
		{name: "false", raw: false, want: false},
		{name: "nil", raw: nil, want: nil},
		{name: "empty string", raw: "", want: nil},
		{name: "string false refused", raw: "false", code: CodeType},
		{name: "number refused", raw: 1.0, code: CodeType},
	})
}

func TestBooleanFormatCells(t *testing.T) {
	for _, s := range []struct {
		v          any
		lang, want string
	}{{true, "zh-CN", "是"}, {false, "zh-CN", "否"}, {true, "en", "Yes"}, {false, "en", "No"}, {nil, "en", ""}} {
		if got := format("boolean", form.Field{}, s.v, s.lang); got != s.want {
			t.Errorf("Format(%v, %s) = %q, want %q", s.v, s.lang, got, s.want)
		}
	}
	roundTrip(t, "boolean", form.Field{}, true)
	roundTrip(t, "boolean", form.Field{}, false)
	runFromCell(t, "boolean", []cellCase{
		{name: "是", cell: "是", want: true},
		{name: "否", cell: "否", want: false},
		{name: "YES", cell: "YES", want: true},
		{name: "0", cell: "0", want: false},
		{name: "check", cell: "✓", want: true},
		{name: "empty", cell: "", want: nil},
		{name: "maybe", cell: "maybe", code: CodeType},
	})
}
