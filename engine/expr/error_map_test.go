package expr

import (
	"regexp"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/i18n"
)

// goInternals are words of Go or expr-lang that must never reach a user.
var goInternals = regexp.MustCompile(`float64|float32|\bint\b|\bstring\b|\bbool\b|interface|map\[|\[\]|time\.Time|EOF|Operator\(|Identifier\(|runState|nature|\{\}`)

func TestDiagnosticsInTheUsersLanguage(t *testing.T) {
	env := testEnv()
	env.Fields["address"] = ObjectOf(map[string]Type{"city": Text})
	tests := []struct {
		src    string
		key    string
		line   int
		column int
		zh, en string // a part of each message
	}{
		{`amount +`, KeyUnexpectedEnd, 1, 8, "表达式不完整", "incomplete"},
		{`amount + * 2`, KeyUnexpectedToken, 1, 10, "“*”", "“*”"},
		{`winrate * 2`, KeyUnknownName, 1, 1, "找不到字段或名称“winrate”", "no field or name “winrate”"},
		{`amount.amount`, KeyNoMember, 1, 8, "数字没有属性“amount”", "a number has no property “amount”"},
		{`address.town`, KeyUnknownField, 1, 9, "没有字段“town”", "no field “town”"},
		{`stage * 2`, KeyOperatorTypes, 1, 7, "“*”不能用于文本和数字", "“*” cannot be used with text and number"},
		{`ROUND(name, 2)`, KeyArgType, 1, 7, "应为数字，这里是文本", "expects number here, not text"},
		{`FOO(1)`, KeyUnknownFunction, 1, 1, "没有名为“FOO”的函数", "no function “FOO”"},
		{`IF(amount, 1, 2)`, KeyCondition, 1, 4, "条件应为是/否，这里是数字", "must be yes/no, not number"},
		{`stage == "won`, KeyUnclosedText, 1, 14, "引号", "quote"},
		{`SUM(amount, name)`, KeyArgNumber, 1, 1, "第 2 个参数应为数字或数字列表，这里是文本", "argument 2 of SUM"},
		{`CONCATENATE(tags)`, KeyArgSingle, 1, 1, "单个值，这里是列表", "single value, not list"},
		{`changed(stage)`, KeyChangedKey, 1, 9, "changed", "changed"},
		{`let amount = 1; amount`, KeyHidesName, 1, 5, "重名", "reserved name"},
		{`name matches stage`, KeyDynamicPattern, 1, 14, "正则", "pattern"},
		{`amount ＋ 1`, KeyBadCharacter, 1, 8, "“＋”", "“＋”"},
		{`IF(true)`, KeyIFArity, 1, 1, "2 或 3", "2 or 3"},
		{"1 +\n  LEN(amount)", KeyArgType, 2, 7, "第 2 行第 7 列", "Line 2, column 7"},
		{strings.Repeat("1+", 1200) + "1", KeyTooComplex, 1, 1002, "过于复杂", "too complex"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, diags := Check(tt.src, env)
			if len(diags) == 0 {
				t.Fatalf("Check(%q): no diagnostic", tt.src)
			}
			d := diags[0]
			if d.Key != tt.key || d.Line != tt.line || d.Column != tt.column {
				t.Errorf("Check(%.40q) = %s %d:%d (%s), want %s %d:%d", tt.src, d.Key, d.Line, d.Column, d.Message, tt.key, tt.line, tt.column)
			}
			zh, en := d.Localize(i18n.ZhCN).Message, d.Localize(i18n.En).Message
			if en != d.Message {
				t.Errorf("Message %q is not the English rendering %q", d.Message, en)
			}
			if !strings.Contains(zh, tt.zh) || !strings.Contains(en, tt.en) {
				t.Errorf("messages\n zh %q (want %q)\n en %q (want %q)", zh, tt.zh, en, tt.en)
			}
			for _, msg := range []string{zh, en} {
				if goInternals.MatchString(msg) || strings.Contains(msg, "{") {
					t.Errorf("internal word or unfilled parameter in %q", msg)
				}
			}
		})
	}
}

// TestEveryKeyHasBothLanguages checks the catalog of messages_expr.go.
func TestEveryKeyHasBothLanguages(t *testing.T) {
	for _, k := range Keys() {
		if !i18n.Has(i18n.ZhCN, k) || !i18n.Has(i18n.En, k) {
			t.Errorf("key %s lacks a zh-CN or en template", k)
		}
	}
}

// TestTypeNamesNeverLeak maps every Go type name expr-lang prints.
func TestTypeNamesNeverLeak(t *testing.T) {
	for _, goName := range []string{"float64", "int", "string", "bool", "time.Time", "[]interface {}", "map[string]interface {}", "interface {}", "time.Duration", "nil", "func(float64) float64", "list<number>", "object{a}"} {
		m := typeName(goName)
		if m == nil || m[i18n.ZhCN] == "" || m[i18n.En] == "" {
			t.Errorf("typeName(%q) = %v", goName, m)
		}
	}
}
