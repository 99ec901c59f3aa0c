package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestEmailNormalize(t *testing.T) {
	runNormalize(t, "email", []normCase{
		{name: "plain", raw: "li.lei@example.com", want: "li.lei@example.com"},
		{name: "whole address lower-cased", raw: " Li.Lei@Example.COM ", want: "li.lei@example.com"},
		{name: "plus tag", raw: "a+crm@example.co.uk", want: "a+crm@example.co.uk"},
		{name: "unicode domain", raw: "a@例子.中国", want: "a@例子.中国"},
		{name: "empty", raw: "", want: nil},
		{name: "display name refused", raw: "Li Lei <li@example.com>", code: CodeEmail},
		{name: "angle brackets refused", raw: "<li@example.com>", code: CodeEmail},
		{name: "no at", raw: "example.com", code: CodeEmail},
		{name: "no dot in domain", raw: "a@localhost", code: CodeEmail},
		{name: "empty label", raw: "a@example..com", code: CodeEmail},
		{name: "ip literal", raw: "a@[1.2.3.4]", code: CodeEmail},
		{name: "double dot local", raw: "a..b@example.com", code: CodeEmail},
		{name: "two ats", raw: "a@b@example.com", code: CodeEmail},
		{name: "too long", raw: strings.Repeat("a", 250) + "@x.com", code: CodeMaxLength},
		{name: "number", raw: 1.0, code: CodeType},
	})
	roundTrip(t, "email", form.Field{}, "li@example.com")
	runFromCell(t, "email", []cellCase{{name: "mailto", cell: "mailto:li@example.com", want: "li@example.com"}})
}
