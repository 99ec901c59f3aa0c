package field

import (
	"strings"

	"github.com/formloom/formloom/engine/form"
)

// maxPhoneInput bounds phone input before cleaning.
const maxPhoneInput = 32

func init() { Register(phoneType{}) }

// phoneType is a phone number in one canonical spelling, so duplicates are
// found by plain equality (leads are de-duplicated by phone). Spaces,
// dashes, dots and parentheses are removed first; then:
//   - a mainland mobile 1[3-9]xxxxxxxxx is stored as its 11 digits, also when
//     written +86 or 0086 before it;
//   - a 400/800 service number is stored "400-xxx-xxxx";
//   - a mainland landline 0 + area code + 7 or 8 digits is stored
//     "0xx-xxxxxxxx" (area code of 3 digits for 01x and 02x, else 4);
//   - any other number starting with + (or 00) is E.164: "+" and 8 to 15
//     digits, the first not 0.
type phoneType struct{ textLike }

func (phoneType) Name() string                    { return "phone" }
func (phoneType) CheckDesign(*form.Field) []Error { return nil }

func (phoneType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"pattern": `^(1[3-9][0-9]{9}|[48]00-[0-9]{3}-[0-9]{4}|0[0-9]{2,3}-[0-9]{7,8}|\+[1-9][0-9]{7,14})$`})
}

func (phoneType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	s, errs := trimmedText(path, raw)
	if s == "" {
		return nil, errs
	}
	if len(s) > maxPhoneInput {
		return nil, fail(path, CodePhone, nil)
	}
	if p, ok := canonicalPhone(s); ok {
		return p, nil
	}
	return nil, fail(path, CodePhone, nil)
}

// canonicalPhone applies the rules of phoneType.
func canonicalPhone(s string) (string, bool) {
	var b [maxPhoneInput]byte
	n, plus := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b[n] = c
			n++
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", false
		}
	}
	d := string(b[:n])
	if !plus && strings.HasPrefix(d, "00") {
		plus, d = true, d[2:]
	}
	if plus {
		if rest, ok := strings.CutPrefix(d, "86"); ok && isMobile(rest) {
			return rest, true
		}
		if len(d) < 8 || len(d) > 15 || d[0] == '0' {
			return "", false
		}
		return "+" + d, true
	}
	switch {
	case isMobile(d):
		return d, true
	case len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		return d[:3] + "-" + d[3:6] + "-" + d[6:], true
	case len(d) >= 10 && d[0] == '0' && d[1] != '0':
		area := 4
		if d[1] == '1' || d[1] == '2' {
			area = 3
		}
		if sub := len(d) - area; sub == 7 || sub == 8 {
			return d[:area] + "-" + d[area:], true
		}
	}
	return "", false
}

// isMobile matches a mainland mobile number: 1[3-9] and 9 more digits.
func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

func (t phoneType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, strings.TrimPrefix(strings.TrimSpace(cell), "tel:"))
}
