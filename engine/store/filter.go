package store

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Op is a comparison operator of the portable filter model.
type Op string

// The operators every backend implements.
const (
	OpEq  Op = "eq"  // equal; on an array field, any element equals
	OpNe  Op = "ne"  // not equal (missing counts as not equal)
	OpGt  Op = "gt"  // greater than; numbers with numbers, strings with strings
	OpGte Op = "gte" // greater than or equal
	OpLt  Op = "lt"  // less than
	OpLte Op = "lte" // less than or equal
	OpIn  Op = "in"  // equal to one of a list of scalars
	OpNin Op = "nin" // equal to none of a list of scalars (missing counts)
	// OpExists with true matches documents where the path is present (even
	// null); with false, where it is absent.
	OpExists Op = "exists"
	// OpEmpty with true matches missing, null, "", [] and {}; with false, the rest.
	OpEmpty Op = "empty"
	// OpContains is a case-insensitive (Unicode simple folding) substring match on strings.
	OpContains Op = "contains"
	// OpStartsWith is a case-sensitive prefix match on strings.
	OpStartsWith Op = "startsWith"
	// OpContainsAny matches an array field holding at least one of the listed scalars.
	OpContainsAny Op = "containsAny"
	// OpContainsAll matches an array field holding every listed scalar.
	OpContainsAll Op = "containsAll"
	// OpBetween takes [low, high] and matches low <= value <= high (date ranges
	// are between on TimeLayout or YYYY-MM-DD strings).
	OpBetween Op = "between"
)

// Ops lists every operator, in documentation order.
var Ops = []Op{OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpIn, OpNin, OpExists, OpEmpty, OpContains, OpStartsWith, OpContainsAny, OpContainsAll, OpBetween}

// Limits on a filter; a larger one is refused with ErrInvalidFilter.
const (
	MaxFilterDepth  = 12
	MaxFilterNodes  = 256
	MaxListValues   = 1000
	MaxStringValue  = 4096
	MaxSortKeys     = 8
	MaxPageSize     = 1000
	MaxGroupKeys    = 4
	MaxMetrics      = 16
	DefaultPageSize = 20
)

// Filter is one node of the portable filter model. Exactly one of And, Or,
// Not or a condition (Field with Op and Value) is set. A nil *Filter matches
// everything. The JSON form is what the API accepts:
//
//	{"and":[{"field":"stage","op":"eq","value":"won"},{"or":[...]}]}
type Filter struct {
	And   []Filter `json:"and,omitempty"`
	Or    []Filter `json:"or,omitempty"`
	Not   *Filter  `json:"not,omitempty"`
	Field string   `json:"field,omitempty"`
	Op    Op       `json:"op,omitempty"`
	Value any      `json:"value,omitempty"`
}

// Convenience constructors for building filters in Go.

// Where returns a condition node.
func Where(field string, op Op, value any) Filter { return Filter{Field: field, Op: op, Value: value} }

// And returns a conjunction node.
func And(fs ...Filter) Filter { return Filter{And: fs} }

// Or returns a disjunction node.
func Or(fs ...Filter) Filter { return Filter{Or: fs} }

// Not returns a negation node.
func Not(f Filter) Filter { return Filter{Not: &f} }

// Normalize validates f and returns a copy whose values are in the canonical
// value model (numbers as float64, times as TimeLayout strings, lists as []any).
// Backends compile only normalized filters. Errors match ErrInvalidFilter.
func (f *Filter) Normalize() (*Filter, error) {
	if f == nil {
		return nil, nil
	}
	nodes := 0
	out, err := normalizeFilter(*f, "", 0, &nodes)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func normalizeFilter(f Filter, at string, depth int, nodes *int) (Filter, error) {
	*nodes++
	if *nodes > MaxFilterNodes {
		return Filter{}, filterErr(at, "more than %d nodes", MaxFilterNodes)
	}
	if depth > MaxFilterDepth {
		return Filter{}, filterErr(at, "nested deeper than %d", MaxFilterDepth)
	}
	kinds := 0
	if f.And != nil {
		kinds++
	}
	if f.Or != nil {
		kinds++
	}
	if f.Not != nil {
		kinds++
	}
	if f.Field != "" || f.Op != "" || f.Value != nil {
		kinds++
	}
	if kinds != 1 {
		return Filter{}, filterErr(at, "a node must have exactly one of and, or, not, or field/op/value")
	}
	switch {
	case f.And != nil || f.Or != nil:
		list, name := f.And, "and"
		if f.Or != nil {
			list, name = f.Or, "or"
		}
		if len(list) == 0 {
			return Filter{}, filterErr(at, "%s needs at least one condition", name)
		}
		out := make([]Filter, len(list))
		for i, c := range list {
			n, err := normalizeFilter(c, join(at, name+"["+strconv.Itoa(i)+"]"), depth+1, nodes)
			if err != nil {
				return Filter{}, err
			}
			out[i] = n
		}
		if name == "and" {
			return Filter{And: out}, nil
		}
		return Filter{Or: out}, nil
	case f.Not != nil:
		n, err := normalizeFilter(*f.Not, join(at, "not"), depth+1, nodes)
		if err != nil {
			return Filter{}, err
		}
		return Filter{Not: &n}, nil
	}
	if _, err := SplitPath(f.Field); err != nil {
		return Filter{}, filterErr(at, "%v", unwrapMsg(err))
	}
	v, err := normalizeOperand(f.Op, f.Value)
	if err != nil {
		return Filter{}, filterErr(at, "%s %s: %v", f.Field, f.Op, err)
	}
	return Filter{Field: f.Field, Op: f.Op, Value: v}, nil
}

func normalizeOperand(op Op, v any) (any, error) {
	switch op {
	case OpEq, OpNe:
		return scalar(v, true)
	case OpGt, OpGte, OpLt, OpLte:
		return ordered(v)
	case OpIn, OpNin, OpContainsAny, OpContainsAll:
		list, err := scalarList(v)
		if err != nil {
			return nil, err
		}
		if len(list) == 0 && (op == OpContainsAny || op == OpContainsAll) {
			return nil, fmt.Errorf("needs at least one value")
		}
		return list, nil
	case OpExists, OpEmpty:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("value must be true or false")
		}
		return b, nil
	case OpContains, OpStartsWith:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("value must be a string")
		}
		if err := checkString(s); err != nil {
			return nil, err
		}
		return s, nil
	case OpBetween:
		list, ok := toList(v)
		if !ok || len(list) != 2 {
			return nil, fmt.Errorf("value must be a list of two values [low, high]")
		}
		lo, err := ordered(list[0])
		if err != nil {
			return nil, err
		}
		hi, err := ordered(list[1])
		if err != nil {
			return nil, err
		}
		if fmt.Sprintf("%T", lo) != fmt.Sprintf("%T", hi) {
			return nil, fmt.Errorf("low and high must be of the same type")
		}
		return []any{lo, hi}, nil
	case "":
		return nil, fmt.Errorf("missing operator")
	default:
		return nil, fmt.Errorf("unknown operator %q", truncate(string(op)))
	}
}

// scalar accepts nil (when allowNull), bool, numbers, strings and times.
func scalar(v any, allowNull bool) (any, error) {
	if v == nil {
		if allowNull {
			return nil, nil
		}
		return nil, fmt.Errorf("value must not be null")
	}
	switch v.(type) {
	case []any, map[string]any, []string, []float64:
		return nil, fmt.Errorf("value must be a single string, number, boolean or null, not %s", kindOf(v))
	}
	n, err := NormalizeValue(v)
	if err != nil {
		return nil, fmt.Errorf("%v", unwrapMsg(err))
	}
	if s, ok := n.(string); ok {
		if err := checkString(s); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// ordered accepts a number or a string (times are strings).
func ordered(v any) (any, error) {
	n, err := scalar(v, false)
	if err != nil {
		return nil, err
	}
	switch n.(type) {
	case float64, string:
		return n, nil
	}
	return nil, fmt.Errorf("value must be a number, a date or a string, not %s", kindOf(n))
}

func scalarList(v any) ([]any, error) {
	list, ok := toList(v)
	if !ok {
		return nil, fmt.Errorf("value must be a list")
	}
	if len(list) > MaxListValues {
		return nil, fmt.Errorf("list has more than %d values", MaxListValues)
	}
	out := make([]any, len(list))
	for i, e := range list {
		n, err := scalar(e, true)
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i, err)
		}
		out[i] = n
	}
	return out, nil
}

func toList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, true
	}
	return nil, false
}

func checkString(s string) error {
	if len(s) > MaxStringValue {
		return fmt.Errorf("string value is longer than %d bytes", MaxStringValue)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("string value is not valid UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return fmt.Errorf("string value contains NUL")
		}
	}
	return nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func join(at, s string) string {
	if at == "" {
		return s
	}
	return at + "." + s
}

// unwrapMsg strips the sentinel prefix from a wrapped error message.
func unwrapMsg(err error) string {
	msg := err.Error()
	for _, p := range []string{ErrInvalidFilter.Error() + ": ", ErrInvalidInput.Error() + ": "} {
		if len(msg) > len(p) && msg[:len(p)] == p {
			return msg[len(p):]
		}
	}
	return msg
}
