package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestTextareaNormalize(t *testing.T) {
	runNormalize(t, "textarea", []normCase{
		{name: "lines", raw: "第一行\n第二行", want: "第一行\n第二行"},
		{name: "CR LF", raw: "a\r\nb\rc", want: "a\nb\nc"},
		{name: "tab kept", raw: "a\tb", want: "a\tb"},
		{name: "blank", raw: " \n ", want: nil},
		{name: "control refused", raw: "a\x07b", code: CodeInvalidText},
		{name: "bool refused", raw: true, code: CodeType},
		{name: "default max 10000", raw: strings.Repeat("a", 10001), code: CodeMaxLength},
		{name: "MaxLength", f: form.Field{MaxLength: ptr(5)}, raw: "abcdef", code: CodeMaxLength},
	})
}

func TestTextareaDesignAndCells(t *testing.T) {
	runDesign(t, "textarea", []designCase{
		{name: "valid", f: form.Field{MaxLength: ptr(500)}},
		{name: "too large", f: form.Field{MaxLength: ptr(10001)}, codes: []string{"maxLength:range"}},
	})
	roundTrip(t, "textarea", form.Field{}, "a\nb")
}
