package field

import (
	"net/url"
	"strings"

	"github.com/formloom/formloom/engine/form"
)

// MaxURLLength bounds URL values.
const MaxURLLength = 2048

func init() { Register(urlType{}) }

// urlType is an absolute http or https URL with a host and no user
// credentials; scheme and host are lower-cased.
type urlType struct{ textLike }

func (urlType) Name() string                    { return "url" }
func (urlType) CheckDesign(*form.Field) []Error { return nil }

func (urlType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"format": "uri", "maxLength": MaxURLLength, "pattern": "^https?://"})
}

func (urlType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	s, errs := trimmedText(path, raw)
	if s == "" {
		return nil, errs
	}
	if len(s) > MaxURLLength {
		return nil, fail(path, CodeMaxLength, map[string]any{"max": MaxURLLength})
	}
	if strings.ContainsAny(s, " \t\n\r") || textProblem(s, false) != "" {
		return nil, fail(path, CodeURL, nil)
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil {
		return nil, fail(path, CodeURL, nil)
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if (scheme != "http" && scheme != "https") || u.Hostname() == "" {
		return nil, fail(path, CodeURL, nil)
	}
	if scheme == u.Scheme && host == u.Host {
		return s, nil // already canonical: keep the client's spelling
	}
	u.Scheme, u.Host = scheme, host
	out := u.String()
	if len(out) > MaxURLLength {
		return nil, fail(path, CodeMaxLength, map[string]any{"max": MaxURLLength})
	}
	return out, nil
}

func (t urlType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, cell)
}
