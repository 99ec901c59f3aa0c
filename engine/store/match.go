package store

import (
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Match reports whether doc matches f (nil matches everything), with the same
// semantics as Find on every backend. It validates f as Find does, so a bad
// filter is the same ErrInvalidFilter error (*FilterError).
//
// The permissions engine calls it on a document about to be written, to check
// that the write stays inside the writer's row filter. System fields are read
// from doc as they are: a caller checking a write before commit fills ID,
// Version, CreatedAt/By and UpdatedAt/By the way the commit will stamp them.
// Data may hold any value NormalizeData accepts (ints, time.Time, []string...);
// it is compared as the stored, normalized value would be.
//
// Semantics (the SQLite compiler's, which the conformance suite holds every
// backend to, and which the Match/Parity conformance case checks against Find):
//   - a path that crosses an array visits every element; an element that is
//     not an object has the rest of the path missing; an empty array has no
//     candidate at all;
//   - comparisons (eq, in, ranges, between, contains, startsWith) hold when
//     the value at the path, or one element of an array there, satisfies
//     them (between: one element for both bounds); they are type-bracketed
//     (numbers with numbers, strings with strings by bytes, booleans only
//     equal booleans) and never hold for an array or object itself;
//   - eq null and in [null] also hold for a missing value;
//   - exists and empty look at the value at the path, not at its elements;
//   - ne, nin, exists false, empty false and not are exact complements, so
//     they hold for missing values;
//   - _deleted_at of a live document is missing.
//
// Where a backend's Find differs (found by Match/Parity; those filters are
// not compared there, with the reason):
//   - MongoDB adapter: empty compiles to $eq null/""/{} and $size 0, which
//     also hold for one element, so ["a", ""] or [null] count as empty;
//     _deleted_at is stored as null, so exists true holds for live documents.
//   - FerretDB v1: a path through an empty array counts as missing (eq null
//     holds), a row without the field does not count as null (FerretDB issue
//     2967), and between on an array value may use two different elements.
//   - SQLite: a system field compared with a value of another type gets the
//     column's affinity: _version eq "1" or startsWith "1" holds for version
//     1, _id lt 5 compares the id with the text "5.0". Match compares types
//     strictly, as MongoDB does; filters on system fields should use the
//     field's own type.
//   - SQLite: a filter needing more than 32,000 bound parameters (containsAll
//     with very long lists) is refused; Match accepts it.
func Match(doc Document, f *Filter) (bool, error) {
	if f == nil {
		return true, nil
	}
	// A filter that is already valid and canonical (the usual case: one
	// built in Go with float64s, or decoded from JSON) is evaluated as it
	// is; any other goes through Normalize, which also words the error.
	nodes := 0
	if canonicalFilter(f, 0, &nodes) {
		return matchFilter(&doc, f), nil
	}
	n, err := f.Normalize()
	if err != nil {
		return false, err
	}
	return matchFilter(&doc, n), nil
}

// canonicalFilter reports, without allocating, whether Normalize would
// accept f and return it unchanged. It may say false for a valid filter
// (Normalize then decides), never true for one Normalize changes or refuses.
func canonicalFilter(f *Filter, depth int, nodes *int) bool {
	*nodes++
	if *nodes > MaxFilterNodes || depth > MaxFilterDepth {
		return false
	}
	leaf := f.Field != "" || f.Op != "" || f.Value != nil
	switch {
	case f.And != nil:
		if f.Or != nil || f.Not != nil || leaf || len(f.And) == 0 {
			return false
		}
		for i := range f.And {
			if !canonicalFilter(&f.And[i], depth+1, nodes) {
				return false
			}
		}
		return true
	case f.Or != nil:
		if f.Not != nil || leaf || len(f.Or) == 0 {
			return false
		}
		for i := range f.Or {
			if !canonicalFilter(&f.Or[i], depth+1, nodes) {
				return false
			}
		}
		return true
	case f.Not != nil:
		return !leaf && canonicalFilter(f.Not, depth+1, nodes)
	}
	return canonicalPath(f.Field) && canonicalOperand(f.Op, f.Value)
}

// canonicalPath is SplitPath's check without the split.
func canonicalPath(path string) bool {
	if IsSystemField(path) {
		return true
	}
	segs := 0
	for path != "" {
		seg, rest, _ := strings.Cut(path, ".")
		if segs++; segs > MaxPathSegments || !ValidKey(seg) {
			return false
		}
		if rest == "" && len(seg) < len(path) {
			return false // a trailing "."
		}
		path = rest
	}
	return segs > 0
}

// canonicalOperand is normalizeOperand's check for values already in the
// canonical model.
func canonicalOperand(op Op, v any) bool {
	switch op {
	case OpEq, OpNe:
		return canonicalScalar(v)
	case OpGt, OpGte, OpLt, OpLte:
		return v != nil && canonicalOrdered(v)
	case OpIn, OpNin, OpContainsAny, OpContainsAll:
		list, ok := v.([]any)
		if !ok || len(list) > MaxListValues || len(list) == 0 && (op == OpContainsAny || op == OpContainsAll) {
			return false
		}
		for _, e := range list {
			if !canonicalScalar(e) {
				return false
			}
		}
		return true
	case OpExists, OpEmpty:
		_, ok := v.(bool)
		return ok
	case OpContains, OpStartsWith:
		s, ok := v.(string)
		return ok && checkString(s) == nil
	case OpBetween:
		list, ok := v.([]any)
		if !ok || len(list) != 2 || !canonicalOrdered(list[0]) || !canonicalOrdered(list[1]) {
			return false
		}
		_, lo := list[0].(string)
		_, hi := list[1].(string)
		return lo == hi
	}
	return false
}

func canonicalScalar(v any) bool {
	switch v.(type) {
	case nil, bool:
		return true
	}
	return canonicalOrdered(v)
}

func canonicalOrdered(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		return checkString(x) == nil
	}
	return false
}

// Matcher is a validated filter ready to be matched against many documents
// without allocating (a row filter checked on every write). It is immutable
// and safe for concurrent use.
type Matcher struct {
	f *Filter
}

// NewMatcher validates f as Find does and returns its Matcher; a nil f
// matches everything. Errors match ErrInvalidFilter.
func NewMatcher(f *Filter) (*Matcher, error) {
	n, err := f.Normalize()
	if err != nil {
		return nil, err
	}
	return &Matcher{f: n}, nil
}

// Match reports whether doc matches, exactly as the package-level Match.
func (m *Matcher) Match(doc *Document) bool {
	if m == nil || m.f == nil {
		return true
	}
	return matchFilter(doc, m.f)
}

// matchFilter evaluates a normalized filter.
func matchFilter(d *Document, f *Filter) bool {
	switch {
	case f.And != nil:
		for i := range f.And {
			if !matchFilter(d, &f.And[i]) {
				return false
			}
		}
		return true
	case f.Or != nil:
		for i := range f.Or {
			if matchFilter(d, &f.Or[i]) {
				return true
			}
		}
		return false
	case f.Not != nil:
		return !matchFilter(d, f.Not)
	}
	return matchLeaf(d, f)
}

// matchLeaf evaluates one condition. The negative operators are the
// complement of their positive form, as both backends compile them.
func matchLeaf(d *Document, f *Filter) bool {
	c := cond{op: f.Op, value: f.Value}
	expand := true
	negate := false
	switch f.Op {
	case OpNe:
		c.op, negate = OpEq, true
	case OpNin:
		c.op, negate = OpIn, true
	case OpContainsAny:
		c.op = OpIn
	case OpContainsAll:
		// Every listed value equals some candidate (not necessarily the same).
		list, _ := f.Value.([]any)
		for _, v := range list {
			e := cond{op: OpEq, value: v}
			if !anyCandidate(d, f.Field, true, &e) {
				return false
			}
		}
		return true
	case OpExists, OpEmpty:
		expand = false
		if b, _ := f.Value.(bool); !b {
			negate = true
		}
	}
	return anyCandidate(d, f.Field, expand, &c) != negate
}

// cond is a positive condition on one candidate value.
type cond struct {
	op    Op
	value any
}

// anyCandidate reports whether one candidate value at field satisfies c.
// With expand, the elements of an array at the end of the path are
// candidates too; without, only the value at the path is.
func anyCandidate(d *Document, field string, expand bool, c *cond) bool {
	switch field {
	case FieldID:
		return c.test(d.ID, true)
	case FieldVersion:
		return c.test(float64(d.Version), true)
	case FieldCreatedAt:
		return c.test(d.CreatedAt, true)
	case FieldUpdatedAt:
		return c.test(d.UpdatedAt, true)
	case FieldCreatedBy:
		return c.test(d.CreatedBy, true)
	case FieldUpdatedBy:
		return c.test(d.UpdatedBy, true)
	case FieldDeletedAt:
		// A live document has no deletion time: missing, as on SQLite.
		if d.DeletedAt == nil {
			return c.test(nil, false)
		}
		return c.test(*d.DeletedAt, true)
	}
	return anyAt(d.Data, field, expand, c)
}

// anyAt walks path (dot-separated, validated) from cur.
func anyAt(cur any, path string, expand bool, c *cond) bool {
	m, ok := cur.(map[string]any)
	if !ok {
		// The rest of the path is missing under a scalar, null or array.
		return c.test(nil, false)
	}
	seg, rest, more := strings.Cut(path, ".")
	v, present := m[seg]
	if !more {
		if c.test(v, present) {
			return true
		}
		if !expand {
			return false
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if c.test(e, true) {
					return true
				}
			}
		case []string:
			for _, e := range x {
				if c.test(e, true) {
					return true
				}
			}
		case []float64:
			for _, e := range x {
				if c.test(e, true) {
					return true
				}
			}
		}
		return false
	}
	switch x := v.(type) {
	case []any:
		// Every element is a candidate row; an empty array has none.
		for _, e := range x {
			if anyAt(e, rest, expand, c) {
				return true
			}
		}
		return false
	case []string:
		return len(x) > 0 && c.test(nil, false)
	case []float64:
		return len(x) > 0 && c.test(nil, false)
	}
	if !present {
		return c.test(nil, false)
	}
	return anyAt(v, rest, expand, c)
}

// test reports whether one candidate satisfies the positive condition.
// present is false for a missing value (v is then nil).
func (c *cond) test(v any, present bool) bool {
	switch c.op {
	case OpEq:
		return equalScalar(v, present, c.value)
	case OpIn:
		list, _ := c.value.([]any)
		for _, want := range list {
			if equalScalar(v, present, want) {
				return true
			}
		}
		return false
	case OpGt, OpGte, OpLt, OpLte:
		r, ok := compareOrdered(v, c.value)
		if !ok {
			return false
		}
		switch c.op {
		case OpGt:
			return r > 0
		case OpGte:
			return r >= 0
		case OpLt:
			return r < 0
		}
		return r <= 0
	case OpBetween:
		bounds, _ := c.value.([]any)
		if len(bounds) != 2 {
			return false
		}
		lo, ok1 := compareOrdered(v, bounds[0])
		hi, ok2 := compareOrdered(v, bounds[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	case OpExists:
		return present
	case OpEmpty:
		return isEmptyValue(v, present)
	case OpContains:
		s, ok := stringValue(v)
		sub, _ := c.value.(string)
		return ok && containsFold(s, sub)
	case OpStartsWith:
		s, ok := stringValue(v)
		pre, _ := c.value.(string)
		return ok && strings.HasPrefix(s, pre)
	}
	return false
}

// equalScalar compares a candidate with a normalized scalar: null equals
// null and missing; otherwise the types must agree.
func equalScalar(v any, present bool, want any) bool {
	switch w := want.(type) {
	case nil:
		return !present || v == nil
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case float64:
		n, ok := numberValue(v)
		return ok && n == w
	case string:
		s, ok := stringValue(v)
		return ok && s == w
	}
	return false
}

// compareOrdered compares a candidate with a bound (float64 or string);
// ok is false when their types differ.
func compareOrdered(v, bound any) (int, bool) {
	switch b := bound.(type) {
	case float64:
		n, ok := numberValue(v)
		if !ok {
			return 0, false
		}
		switch {
		case n < b:
			return -1, true
		case n > b:
			return 1, true
		}
		return 0, true
	case string:
		s, ok := stringValue(v)
		if !ok {
			return 0, false
		}
		return strings.Compare(s, b), true
	}
	return 0, false
}

// isEmptyValue: missing, null, "", [] and {}.
func isEmptyValue(v any, present bool) bool {
	if !present {
		return true
	}
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case []float64:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// numberValue reads a number as NormalizeData would store it.
func numberValue(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// stringValue reads a string as NormalizeData would store it (times as
// TimeLayout text).
func stringValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case time.Time:
		return FormatTime(x), true
	}
	return "", false
}

// containsFold reports whether sub occurs in s under Unicode simple case
// folding, as the SQLite function fl_icontains and a MongoDB "i" regular
// expression decide it. It compares rune by rune without allocating.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return false
}

func hasPrefixFold(s, pre string) bool {
	for pre != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(pre)
		if r1 != r2 && foldRune(r1) != foldRune(r2) {
			return false
		}
		s, pre = s[n1:], pre[n2:]
	}
	return true
}

// foldRune maps r to a fixed member of its simple-folding orbit (ASCII
// letters to lower case), the same one sqlitestore's fl_icontains uses.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	low := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < low {
			low = f
		}
	}
	if low >= 'A' && low <= 'Z' {
		return low + ('a' - 'A')
	}
	return low
}
