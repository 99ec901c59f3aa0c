// Package i18n is the message catalog of Formloom: every user-visible message
// the engine produces is a code plus parameters, rendered here in Simplified
// Chinese ("zh-CN") or English ("en").
//
// Each engine package owns its codes and registers them from its own file of
// this package (messages_field.go holds the field validation codes), so
// adding a feature never edits another team's table. Layers above the engine
// keep their catalogues in their own package and call Register from an init
// function there (the server's HTTP messages are in server/messages.go), so
// the engine holds no text of a layer it must not know. Register panics on a duplicate
// code, which makes a collision fail at start-up instead of silently
// replacing a message.
//
// Templates name their parameters in braces: "不能超过 {max} 个字符". A
// parameter the caller does not pass stays as written, so a missing value is
// visible instead of rendering as an empty string.
//
// Language matching: any Chinese tag ("zh", "zh-CN", "zh-Hans", "zh-SG", and
// also "zh-TW"/"zh-Hant", whose readers understand Simplified Chinese better
// than English) selects "zh-CN"; everything else selects "en", which is also
// the fallback when a code has no Chinese text.
package i18n

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Supported languages.
const (
	// ZhCN is Simplified Chinese, the first language of most users.
	ZhCN = "zh-CN"
	// En is English, the fallback language.
	En = "en"
)

// catalogs maps a language to its code -> template table. It is filled by
// Register from init functions only and read-only afterwards.
var catalogs = map[string]map[string]string{ZhCN: {}, En: {}}

// Register adds templates for lang ("zh-CN" or "en"). It is meant to be
// called from init; it panics on an unsupported language, an empty code or a
// code that is already registered for lang.
func Register(lang string, messages map[string]string) {
	cat, ok := catalogs[lang]
	if !ok {
		panic(fmt.Sprintf("i18n: register: unsupported language %q", lang))
	}
	for code, tmpl := range messages {
		if code == "" {
			panic("i18n: register: empty code")
		}
		if _, dup := cat[code]; dup {
			panic(fmt.Sprintf("i18n: register: code %q already registered for %s", code, lang))
		}
		cat[code] = tmpl
	}
}

// T renders the message code in lang (any tag Match understands) with params
// substituted. A code missing in lang falls back to English; a code unknown
// in every language renders as the code itself, so the caller still sees
// what went wrong.
func T(lang, code string, params map[string]any) string {
	lang = matchTag(lang)
	tmpl, ok := catalogs[lang][code]
	if !ok {
		lang = En
		if tmpl, ok = catalogs[En][code]; !ok {
			return code
		}
	}
	if len(params) == 0 || !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	b.Grow(len(tmpl) + 16)
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			break
		}
		name := tmpl[i+1 : i+j]
		b.WriteString(tmpl[:i])
		if v, ok := params[name]; ok {
			b.WriteString(formatParam(lang, v))
		} else {
			b.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	return b.String()
}

// formatParam renders one parameter: integral numbers without a decimal
// point, lists joined the way lang joins enumerations, texts given per
// language in lang.
func formatParam(lang string, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]string:
		// A text given per language, such as a submit rule's message.
		if s := x[lang]; s != "" {
			return s
		}
		if s := x[En]; s != "" {
			return s
		}
		return x[ZhCN]
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case []string:
		sep := ", "
		if lang == ZhCN {
			sep = "、"
		}
		return strings.Join(x, sep)
	}
	return fmt.Sprint(v)
}

// Codes returns the codes registered for lang, sorted. Tests use it to check
// that every code has both languages.
func Codes(lang string) []string {
	cat := catalogs[matchTag(lang)]
	out := make([]string, 0, len(cat))
	for c := range cat {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Has reports whether code is registered in lang itself (without fallback).
func Has(lang, code string) bool {
	_, ok := catalogs[matchTag(lang)][code]
	return ok
}

// Match picks the supported language for an HTTP Accept-Language header
// ("zh-CN,zh;q=0.9,en;q=0.8"): the acceptable tag with the highest quality
// that maps to a supported language, the earliest one on a tie. A header
// naming nothing supported, or empty, selects "en".
func Match(acceptLanguage string) string {
	best, bestQ := En, -1.0
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.TrimSpace(k) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				q = 0
			} else {
				q = f
			}
		}
		if q <= 0 {
			continue
		}
		lang, ok := supported(tag)
		if !ok {
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// matchTag maps one language tag to a supported language, defaulting to En.
func matchTag(tag string) string {
	if tag == ZhCN || tag == En {
		return tag
	}
	if lang, ok := supported(tag); ok {
		return lang
	}
	return En
}

// supported maps a tag to a supported language: the primary subtag decides.
// "*" is the wildcard and means the default, English.
func supported(tag string) (string, bool) {
	primary := tag
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		primary = tag[:i]
	}
	switch strings.ToLower(primary) {
	case "zh":
		return ZhCN, true
	case "en", "*":
		return En, true
	}
	return "", false
}
