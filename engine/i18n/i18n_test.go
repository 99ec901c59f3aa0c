package i18n

import (
	"slices"
	"strings"
	"testing"
)

func TestT(t *testing.T) {
	scenarios := []struct {
		name   string
		lang   string
		code   string
		params map[string]any
		want   string
	}{
		{"zh with int param", "zh-CN", "max_length", map[string]any{"max": 200}, "不能超过 200 个字符"},
		{"zh bare tag", "zh", "max_length", map[string]any{"max": 200}, "不能超过 200 个字符"},
		{"zh-Hans", "zh-Hans", "required", nil, "此项为必填项"},
		{"zh underscore", "zh_CN", "required", nil, "此项为必填项"},
		{"en", "en", "max_length", map[string]any{"max": 200}, "Must be at most 200 characters"},
		{"en-US", "en-US", "required", nil, "This field is required"},
		{"unknown language falls back to en", "fr", "required", nil, "This field is required"},
		{"empty language falls back to en", "", "required", nil, "This field is required"},
		{"float param integral", "en", "min", map[string]any{"min": float64(3)}, "Must be at least 3"},
		{"float param fraction", "en", "min", map[string]any{"min": 0.25}, "Must be at least 0.25"},
		{"missing param stays visible", "en", "min", nil, "Must be at least {min}"},
		{"two params", "en", "money_precision", map[string]any{"currency": "JPY", "precision": 0}, "JPY amounts have at most 0 decimal places"},
		{"list param zh", "zh-CN", "option", map[string]any{"value": []string{"a", "b"}}, "“a、b”不是可选的选项"},
		{"list param en", "en", "option", map[string]any{"value": []string{"a", "b"}}, "“a, b” is not one of the options"},
		{"unknown code renders code", "zh-CN", "no_such_code", nil, "no_such_code"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := T(s.lang, s.code, s.params); got != s.want {
				t.Errorf("T(%q, %q) = %q, want %q", s.lang, s.code, got, s.want)
			}
		})
	}
}

func TestFallbackToEnglishForMissingChinese(t *testing.T) {
	Register(En, map[string]string{"test_only_en": "only {x}"})
	if got := T(ZhCN, "test_only_en", map[string]any{"x": "english"}); got != "only english" {
		t.Errorf("got %q", got)
	}
}

func TestMatch(t *testing.T) {
	scenarios := []struct {
		header string
		want   string
	}{
		{"", En},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZhCN},
		{"en-US,en;q=0.9,zh-CN;q=0.8", En},
		{"en;q=0.5, zh-Hans;q=0.9", ZhCN},
		{"zh", ZhCN},
		{"zh-TW", ZhCN},
		{"fr-FR, de;q=0.9", En},
		{"fr-FR, zh;q=0.1", ZhCN},
		{"zh;q=0, en", En},
		{"zh;q=abc, en;q=0.1", En},
		{"*", En},
		{"ZH-cn", ZhCN},
		{" , ;q=1, zh ; q=0.7", ZhCN},
		{"en, zh", En}, // a tie keeps the first
	}
	for _, s := range scenarios {
		if got := Match(s.header); got != s.want {
			t.Errorf("Match(%q) = %q, want %q", s.header, got, s.want)
		}
	}
}

func TestEveryCodeInBothLanguages(t *testing.T) {
	zh, en := Codes(ZhCN), Codes(En)
	for _, c := range zh {
		if !Has(En, c) {
			t.Errorf("code %q has Chinese but no English text", c)
		}
	}
	for _, c := range en {
		if strings.HasPrefix(c, "test_") {
			continue
		}
		if !Has(ZhCN, c) {
			t.Errorf("code %q has English but no Chinese text", c)
		}
	}
}

func TestPlaceholdersMatchAcrossLanguages(t *testing.T) {
	for _, c := range Codes(ZhCN) {
		zh, en := placeholders(catalogs[ZhCN][c]), placeholders(catalogs[En][c])
		if strings.Join(zh, ",") != strings.Join(en, ",") {
			t.Errorf("code %q: zh-CN uses %v, en uses %v", c, zh, en)
		}
	}
}

func placeholders(tmpl string) []string {
	var out []string
	seen := map[string]bool{}
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		name := tmpl[i+1 : i+j]
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		tmpl = tmpl[i+j+1:]
	}
	// Order does not matter between languages.
	slices.Sort(out)
	return out
}

func TestRegisterPanics(t *testing.T) {
	scenarios := []struct {
		name string
		lang string
		msgs map[string]string
	}{
		{"duplicate code", ZhCN, map[string]string{"required": "x"}},
		{"unsupported language", "fr", map[string]string{"x": "y"}},
		{"empty code", En, map[string]string{"": "y"}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Register did not panic")
				}
			}()
			Register(s.lang, s.msgs)
		})
	}
}

// TestNoServerMessagesInEngine guards the layering: the HTTP server's
// messages are registered by the server package, not by the engine's catalogue.
func TestNoServerMessagesInEngine(t *testing.T) {
	for _, lang := range []string{ZhCN, En} {
		for _, c := range Codes(lang) {
			if strings.HasPrefix(c, "server_") {
				t.Errorf("engine/i18n registers the server's code %q (%s); it belongs in server/messages.go", c, lang)
			}
		}
	}
}
