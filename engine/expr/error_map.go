package expr

import (
	"regexp"
	"strings"

	"github.com/formloom/formloom/engine/i18n"
)

// Message keys of diagnostics: the i18n codes (engine/i18n/messages_expr.go)
// the editor and the publish errors render, with the parameters named in
// each template. A Diagnostic's Code is the coarse category; its Key is one
// of these.
const (
	KeyUnexpectedEnd   = "expr_unexpected_end"
	KeyUnexpectedToken = "expr_unexpected_token"
	KeyBadCharacter    = "expr_bad_character"
	KeyUnclosedText    = "expr_unclosed_text"
	KeyUnclosedComment = "expr_unclosed_comment"
	KeyBadNumber       = "expr_bad_number"
	KeyBadEscape       = "expr_bad_escape"
	KeyMixedCoalesce   = "expr_mixed_coalesce"
	KeyBadUTF8         = "expr_bad_utf8"
	KeyTooLong         = "expr_too_long"
	KeyTooComplex      = "expr_too_complex"
	KeyUnknownName     = "expr_unknown_name"
	KeyUnknownFunction = "expr_unknown_function"
	KeyNoMember        = "expr_no_member"
	KeyUnknownField    = "expr_unknown_field"
	KeyOperatorTypes   = "expr_operator_types"
	KeyOperatorType    = "expr_operator_type"
	KeyTooFewArgs      = "expr_too_few_arguments"
	KeyTooManyArgs     = "expr_too_many_arguments"
	KeyArgCount        = "expr_argument_count"
	KeyArgType         = "expr_argument_type"
	KeyArgTypes        = "expr_argument_types"
	KeyArgNumber       = "expr_argument_number"
	KeyArgSingle       = "expr_argument_single"
	KeyNeedsArgs       = "expr_needs_arguments"
	KeyNeedsList       = "expr_needs_list"
	KeyCondition       = "expr_condition_type"
	KeyResultType      = "expr_result_type"
	KeyNotCallable     = "expr_not_callable"
	KeyIndex           = "expr_index"
	KeyRedeclare       = "expr_redeclare"
	KeyHidesName       = "expr_hides_name"
	KeyReservedField   = "expr_reserved_field"
	KeyDynamicPattern  = "expr_dynamic_pattern"
	KeyBadPattern      = "expr_bad_pattern"
	KeyChangedKey      = "expr_changed_key"
	KeyIFArity         = "expr_if_arity"
	KeyNOTArity        = "expr_not_arity"
	KeyOptionLabel     = "expr_option_label"
	KeyNotOption       = "expr_not_option"
	KeyInvalidSyntax   = "expr_invalid_syntax"
	KeyInvalidType     = "expr_invalid_type"
)

// Keys returns every diagnostic message key, so a test can check that each
// has a zh-CN and an en template.
func Keys() []string {
	return []string{KeyUnexpectedEnd, KeyUnexpectedToken, KeyBadCharacter, KeyUnclosedText,
		KeyUnclosedComment, KeyBadNumber, KeyBadEscape, KeyMixedCoalesce, KeyBadUTF8, KeyTooLong,
		KeyTooComplex, KeyUnknownName, KeyUnknownFunction, KeyNoMember, KeyUnknownField,
		KeyOperatorTypes, KeyOperatorType, KeyTooFewArgs, KeyTooManyArgs, KeyArgCount, KeyArgType,
		KeyArgTypes, KeyArgNumber, KeyArgSingle, KeyNeedsArgs, KeyNeedsList, KeyCondition,
		KeyResultType, KeyNotCallable, KeyIndex, KeyRedeclare, KeyHidesName, KeyReservedField,
		KeyDynamicPattern, KeyBadPattern, KeyChangedKey, KeyIFArity, KeyNOTArity, KeyOptionLabel,
		KeyNotOption, KeyInvalidSyntax, KeyInvalidType}
}

// messageRule maps one expr-lang message shape to a key; groups names the
// parameters the submatches fill, in order. Parameters named "type", "left",
// "right", "got" and "want" are type names and are translated.
type messageRule struct {
	re     *regexp.Regexp
	key    string
	groups []string
}

func rule(pattern, key string, groups ...string) messageRule {
	return messageRule{re: regexp.MustCompile(pattern), key: key, groups: groups}
}

// messageRules are tried in order; the first match wins.
var messageRules = []messageRule{
	rule(`^unexpected token EOF`, KeyUnexpectedEnd),
	rule(`^unexpected end of expression`, KeyUnexpectedEnd),
	rule(`^unexpected token \w+\("?(.*?)"?\)`, KeyUnexpectedToken, "token"),
	rule(`^a map key must be .*\(unexpected token \w+\("?(.*?)"?\)\)`, KeyUnexpectedToken, "token"),
	rule(`^expected name`, KeyUnexpectedToken, "token"),
	rule(`^unrecognized character: U\+[0-9A-F]+ '(.*)'`, KeyBadCharacter, "char"),
	rule(`^literal not terminated`, KeyUnclosedText),
	rule(`^unclosed comment`, KeyUnclosedComment),
	rule(`^(bad number syntax|invalid (binary|float|hex|integer|octal) literal|(float|integer) literal is too large)`, KeyBadNumber),
	rule(`^(invalid char escape|unable to unescape)`, KeyBadEscape),
	rule(`^Operator \((.*)\) and coalesce`, KeyMixedCoalesce, "op"),
	rule(`maximum allowed nodes`, KeyTooComplex),
	rule(`^unknown name (\S+)`, KeyUnknownName, "name"),
	rule(`^unknown (?:builtin|func) (\S+)`, KeyUnknownFunction, "name"),
	rule(`^type nil has no field (\S+)`, KeyNoMember, "name"),
	rule(`^type (.+) has no (?:field|method) (\S+)`, KeyNoMember, "type", "name"),
	rule(`^unknown field (\S+)`, KeyUnknownField, "name"),
	rule(`^invalid operation: (\S+) \(mismatched types (.+) and (.+)\)`, KeyOperatorTypes, "op", "left", "right"),
	rule(`^invalid operation: (\S+) \(mismatched type (.+)\)`, KeyOperatorType, "op", "type"),
	rule(`^not enough arguments to call (\S+)`, KeyTooFewArgs, "name"),
	rule(`^too many arguments to call (\S+)`, KeyTooManyArgs, "name"),
	rule(`^invalid number of arguments(?: for (\S+))? \(expected (.+), got (\d+)\)`, KeyArgCount, "name", "expected", "count"),
	rule(`^expected at least (\d+) arguments`, KeyArgCount, "expected"),
	rule(`^cannot use nil as argument \(type (.+)\) to call (\S+)`, KeyArgType, "want", "name"),
	rule(`^cannot use (.+) as argument \(type (.+)\) to call (\S+)`, KeyArgType, "got", "want", "name"),
	rule(`^invalid argument for (\S+) \(type (.+)\)`, KeyArgTypes, "name", "type"),
	rule(`^no matching overload for (\S+)`, KeyArgTypes, "name"),
	rule(`^(\S+) argument (\d+) must be a number or a list of numbers, not (.+)`, KeyArgNumber, "name", "index", "type"),
	rule(`^(\S+) argument (\d+) must be a single value, not (.+)`, KeyArgSingle, "name", "index", "type"),
	rule(`^(\S+) needs at least one argument`, KeyNeedsArgs, "name"),
	rule(`^builtin (\S+) takes only array \(got (.+)\)`, KeyNeedsList, "name", "type"),
	rule(`^non-bool expression \(type (.+)\) used as condition`, KeyCondition, "type"),
	rule(`^predicate should return boolean \(got (.+)\)`, KeyCondition, "type"),
	rule(`^expected bool, but got (.+)`, KeyCondition, "type"),
	rule(`^(.+) is not callable`, KeyNotCallable, "name"),
	rule(`^(?:cannot use .+ to get an element from|array elements can only be selected using an integer|non-integer slice index|cannot slice|type .+ does not support indexing|type .+\[.+\] is undefined)`, KeyIndex),
	rule(`^cannot redeclare (?:builtin |function |variable )?(\S+)`, KeyRedeclare, "name"),
	rule(`^error parsing regexp`, KeyBadPattern),
}

// typeParams are the parameters that carry a type name.
var typeParams = map[string]bool{"type": true, "left": true, "right": true, "got": true, "want": true}

// translate maps an expr-lang message to a key and its parameters. An
// unknown message keeps its category's generic key; its text, with Go type
// names rewritten, goes into the detail parameter.
func translate(msg, code string) (string, map[string]any) {
	msg = strings.TrimSpace(msg)
	for _, r := range messageRules {
		m := r.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		params := map[string]any{}
		for i, name := range r.groups {
			if i+1 >= len(m) || m[i+1] == "" {
				continue
			}
			v := strings.TrimSpace(m[i+1])
			if typeParams[name] {
				params[name] = typeName(v)
			} else {
				params[name] = v
			}
		}
		return r.key, params
	}
	key := KeyInvalidType
	if code == CodeSyntax || code == CodeTooComplex || code == CodeTooLong {
		key = KeyInvalidSyntax
	}
	return key, map[string]any{"detail": friendlyTypes(msg)}
}

// typeWords are the names of types in both languages.
var typeWords = map[string]map[string]string{
	"text":     {i18n.ZhCN: "文本", i18n.En: "text"},
	"number":   {i18n.ZhCN: "数字", i18n.En: "number"},
	"boolean":  {i18n.ZhCN: "是/否", i18n.En: "yes/no"},
	"date":     {i18n.ZhCN: "日期", i18n.En: "date"},
	"datetime": {i18n.ZhCN: "日期时间", i18n.En: "date and time"},
	"list":     {i18n.ZhCN: "列表", i18n.En: "list"},
	"object":   {i18n.ZhCN: "对象", i18n.En: "object"},
	"duration": {i18n.ZhCN: "时长", i18n.En: "duration"},
	"empty":    {i18n.ZhCN: "空值", i18n.En: "empty"},
	"any":      {i18n.ZhCN: "任意值", i18n.En: "any value"},
	"function": {i18n.ZhCN: "函数", i18n.En: "function"},
}

// typeName turns a type as expr-lang or Type.String prints it ("float64",
// "[]interface {}", "map[string]interface {}", "list<number>") into the
// word users read, in both languages, so no Go type name reaches a user.
func typeName(goName string) map[string]string {
	return typeWords[typeWord(goName)]
}

func typeWord(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "any"
	case strings.HasPrefix(s, "[]") || strings.HasPrefix(s, "list"):
		return "list"
	case strings.HasPrefix(s, "map[") || strings.HasPrefix(s, "object") || strings.HasPrefix(s, "struct"):
		return "object"
	case strings.HasPrefix(s, "func"):
		return "function"
	}
	switch s {
	case "string", "text":
		return "text"
	case "float64", "float32", "int", "int64", "int32", "uint", "number":
		return "number"
	case "bool", "boolean":
		return "boolean"
	case "time.Time", "datetime":
		return "datetime"
	case "date":
		return "date"
	case "time.Duration":
		return "duration"
	case "nil", "<nil>":
		return "empty"
	}
	return "any"
}

// typeParam is the parameter value for an expression Type.
func typeParam(t Type) map[string]string { return typeName(t.String()) }
