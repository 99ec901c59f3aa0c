package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestTextNormalize(t *testing.T) {
	runNormalize(t, "text", []normCase{
		{name: "plain", raw: "Acme 有限公司", want: "Acme 有限公司"},
		{name: "trimmed", raw: "  Acme \t", want: "Acme"},
		{name: "nil", raw: nil, want: nil},
		{name: "empty", raw: "", want: nil},
		{name: "blank", raw: "   ", want: nil},
		{name: "number refused", raw: 12.0, code: CodeType},
		{name: "list refused", raw: []any{"a"}, code: CodeType},
		{name: "newline refused", raw: "a\nb", code: CodeSingleLine},
		{name: "line separator refused", raw: "a\u2028b", code: CodeSingleLine},
		{name: "NUL refused", raw: "a\x00b", code: CodeInvalidText},
		{name: "invalid UTF-8 refused", raw: "a\xffb", code: CodeInvalidEncoding},
		{name: "U+FFFD (a lone surrogate or bad byte after JSON decoding) refused", raw: "a\ufffdb", code: CodeInvalidEncoding},
		{name: "default max 200 runes ok", raw: strings.Repeat("字", 200), want: strings.Repeat("字", 200)},
		{name: "default max 200 runes", raw: strings.Repeat("字", 201), code: CodeMaxLength},
		{name: "MaxLength", f: form.Field{MaxLength: ptr(3)}, raw: "abcd", code: CodeMaxLength},
		{name: "MinLength", f: form.Field{MinLength: ptr(3)}, raw: "ab", code: CodeMinLength},
		{name: "pattern match", f: form.Field{Pattern: `[A-Z]{2}\d{4}`}, raw: "HT2024", want: "HT2024"},
		{name: "pattern anchored", f: form.Field{Pattern: `[A-Z]{2}\d{4}`}, raw: "xHT2024x", code: CodePattern},
		{name: "invalid pattern at run time", f: form.Field{Pattern: `(`}, raw: "a", code: CodePatternInvalid},
	})
}

func TestTextPatternCache(t *testing.T) {
	typ, _ := Get("text")
	f := form.Field{Key: "code", Type: "text", Pattern: `\d+`}
	ctx := testCtx()
	ctx.Patterns = NewPatternCache()
	for _, s := range []string{"12", "34"} {
		if v, errs := typ.Normalize(ctx, &f, "code", s); errs != nil || v != s {
			t.Fatalf("Normalize(%q) = %v, %v", s, v, errs)
		}
	}
	if _, errs := typ.Normalize(ctx, &f, "code", "x"); len(errs) != 1 || errs[0].Code != CodePattern {
		t.Fatalf("errs = %v", errs)
	}
	if len(ctx.Patterns.m) != 1 {
		t.Errorf("cache holds %d patterns, want 1", len(ctx.Patterns.m))
	}
}

func TestTextDesign(t *testing.T) {
	runDesign(t, "text", []designCase{
		{name: "valid", f: form.Field{MinLength: ptr(1), MaxLength: ptr(50), Pattern: `\w+`}},
		{name: "min > max", f: form.Field{MinLength: ptr(5), MaxLength: ptr(2)}, codes: []string{"minLength:min_max"}},
		{name: "max too large", f: form.Field{MaxLength: ptr(20000)}, codes: []string{"maxLength:range"}},
		{name: "negative min", f: form.Field{MinLength: ptr(-1)}, codes: []string{"minLength:range"}},
		{name: "bad pattern", f: form.Field{Pattern: `a(`}, codes: []string{"pattern:pattern_invalid"}},
	})
}

func TestTextCellsAndFormat(t *testing.T) {
	roundTrip(t, "text", form.Field{}, "Acme")
	runFromCell(t, "text", []cellCase{
		{name: "cell", cell: " Acme ", want: "Acme"},
		{name: "empty cell", cell: "", want: nil},
	})
	if got := format("text", form.Field{}, "Acme", "zh-CN"); got != "Acme" {
		t.Errorf("Format = %q", got)
	}
}
