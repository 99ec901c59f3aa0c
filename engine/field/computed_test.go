package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestComputedTypesRefuseInput(t *testing.T) {
	for _, name := range []string{"formula", "lookup", "serial"} {
		t.Run(name, func(t *testing.T) {
			typ, _ := Get(name)
			if typ.Input() {
				t.Errorf("Input() = true")
			}
			runNormalize(t, name, []normCase{
				{name: "nil", raw: nil, want: nil},
				{name: "empty", raw: "", want: nil},
				{name: "value refused", raw: "x", code: CodeReadOnly},
				{name: "number refused", raw: 1.0, code: CodeReadOnly},
			})
			runFromCell(t, name, []cellCase{
				{name: "empty cell", cell: "", want: nil},
				{name: "cell refused", cell: "x", code: CodeReadOnly},
			})
		})
	}
}

func TestUntypedFormatAndCells(t *testing.T) {
	typ, _ := Get("formula")
	f := &form.Field{Expression: "a + b"}
	scenarios := []struct {
		v          any
		lang, want string
		cell       string
	}{
		{1234.5, "en", "1,234.5", "1234.5"},
		{"x", "en", "x", "x"},
		{true, "zh-CN", "是", "true"},
		{[]any{"a", 1.0}, "zh-CN", "a、1", `["a",1]`},
		{map[string]any{"k": "v"}, "en", `{"k":"v"}`, `{"k":"v"}`},
		{nil, "en", "", ""},
	}
	for _, s := range scenarios {
		if got := typ.Format(testCtx(), f, s.v, s.lang); got != s.want {
			t.Errorf("Format(%v) = %q, want %q", s.v, got, s.want)
		}
		if got := typ.ToCell(testCtx(), f, s.v); got != s.cell {
			t.Errorf("ToCell(%v) = %q, want %q", s.v, got, s.cell)
		}
	}
}
