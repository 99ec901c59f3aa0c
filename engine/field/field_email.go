package field

import (
	"net/mail"
	"strings"

	"github.com/formloom/formloom/engine/form"
)

// MaxEmailLength is the longest address a mail server accepts (RFC 5321).
const MaxEmailLength = 254

func init() { Register(emailType{}) }

// emailType is a bare address "name@example.com": no display name, no
// quoted local part, no IP literal, a domain with a dot; stored lower-cased
// as a whole, so that unique fields and duplicate checks match addresses
// that differ only in case.
type emailType struct{ textLike }

func (emailType) Name() string                    { return "email" }
func (emailType) CheckDesign(*form.Field) []Error { return nil }

func (emailType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"format": "email", "maxLength": MaxEmailLength})
}

func (emailType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	s, errs := trimmedText(path, raw)
	if s == "" {
		return nil, errs
	}
	if len(s) > MaxEmailLength {
		return nil, fail(path, CodeMaxLength, map[string]any{"max": MaxEmailLength})
	}
	addr, ok := CanonicalEmail(s)
	if !ok {
		return nil, fail(path, CodeEmail, nil)
	}
	return addr, nil
}

// CanonicalEmail checks a bare address (already trimmed, at most
// MaxEmailLength bytes) and returns it lower-cased as a whole: providers
// treat the local part case-insensitively, and duplicates (unique fields,
// lead dedupe, account emails) must match. Email fields and accounts both
// use it, so the two never disagree on what an email is.
func CanonicalEmail(s string) (string, bool) {
	if len(s) > MaxEmailLength {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || strings.ContainsAny(s, "\"<>()[]\\, ") || textProblem(s, false) != "" {
		return "", false
	}
	if !validDomain(strings.ToLower(s[at+1:])) {
		return "", false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", false
	}
	return strings.ToLower(s), true
}

// validDomain checks dot-separated labels of letters (any script), digits
// and inner hyphens, at least two labels.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

func (t emailType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, strings.TrimPrefix(strings.TrimSpace(cell), "mailto:"))
}
