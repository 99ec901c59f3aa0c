package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestURLNormalize(t *testing.T) {
	runNormalize(t, "url", []normCase{
		{name: "https", raw: "https://example.com/a?b=c#d", want: "https://example.com/a?b=c#d"},
		{name: "scheme and host lower-cased", raw: "HTTP://Example.COM/Path", want: "http://example.com/Path"},
		{name: "port", raw: "http://example.com:8080", want: "http://example.com:8080"},
		{name: "empty", raw: "", want: nil},
		{name: "ftp refused", raw: "ftp://example.com", code: CodeURL},
		{name: "javascript refused", raw: "javascript:alert(1)", code: CodeURL},
		{name: "no scheme refused", raw: "example.com", code: CodeURL},
		{name: "no host refused", raw: "https:///path", code: CodeURL},
		{name: "credentials refused", raw: "https://user:pw@example.com", code: CodeURL},
		{name: "space refused", raw: "https://exa mple.com", code: CodeURL},
		{name: "too long", raw: "https://example.com/" + strings.Repeat("a", 2048), code: CodeMaxLength},
		{name: "number", raw: 1.0, code: CodeType},
	})
	roundTrip(t, "url", form.Field{}, "https://example.com/x")
}
