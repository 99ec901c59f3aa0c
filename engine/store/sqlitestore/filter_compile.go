package sqlitestore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// maxParams stays under SQLite's limit on bound parameters.
const maxParams = 32000

// inlineListMax is the longest list compiled as IN (?, ?, ...); longer ones
// are bound as one JSON array and read with json_each.
const inlineListMax = 64

// compiler turns a normalized store.Filter into a SQL boolean expression
// with numbered parameters (?1, ?2, ...). Values are always bound; field
// paths are inlined as literals only after validation (see jsonPathLiteral).
//
// Semantics follow MongoDB's, so both backends pass one conformance suite:
//   - comparisons are type-bracketed: numbers with numbers, strings with
//     strings; json_extract returns 1/0 for JSON booleans and JSON text for
//     arrays and objects, so guards on json_type exclude those where a value
//     could collide;
//   - a path that crosses an array matches when any element matches, and a
//     condition on an array field matches when any element matches. Paths
//     that never held an array (see registry) compile to the plain
//     json_extract expression that declared indexes use;
//   - ne, nin and negations match missing fields: NOT is written as
//     NOT coalesce(x, 0), so SQL's NULL never leaks out of a condition.
type compiler struct {
	args  []any
	kinds func(path string) uint8
	// column returns the value column to read for a plain path, or ""
	// (value_columns.go); nil means none.
	column func(path string) string
	alias  int
	// tableScan makes a page query read the table in rowid order instead
	// of through an index (see tableScanBetter).
	tableScan bool
	// indexedBy names the index a query must read (INDEXED BY), such as
	// an adaptive index (adaptive_indexes.go); it wins over tableScan.
	indexedBy string
	// noAx turns adaptive indexes off for this query (query_find.go,
	// readQuery).
	noAx bool
}

// slot is one candidate value: its SQL value and its JSON type name. plain
// says no array, object or boolean was ever stored at its path, so the
// SQL value alone tells the JSON type and type guards can be left out
// (which lets SQLite answer from a covering expression index).
type slot struct {
	v, t  string
	plain bool
	// col is set when v is a value column (cheap to read again).
	col bool
}

// pred builds a condition on one candidate value.
type pred func(s slot) string

func newCompiler(kinds func(string) uint8) *compiler {
	return &compiler{kinds: kinds}
}

func (c *compiler) isArray(path string) bool { return c.kinds(path)&kindArray != 0 }

// columnOf returns the value column of path, or "".
func (c *compiler) columnOf(path string) string {
	if c.column == nil {
		return ""
	}
	return c.column(path)
}

// sortExpr is the SQL value a page sorts field by: fieldExpr, or the value
// column of a plain path, which holds the same values.
func (c *compiler) sortExpr(field string) (string, error) {
	e, err := fieldExpr(field)
	if err != nil {
		return "", err
	}
	if _, _, sys := systemColumn(field); !sys && c.kinds(field) == 0 {
		if col := c.columnOf(field); col != "" {
			return col, nil
		}
	}
	return e, nil
}

// bind adds a parameter and returns its placeholder.
func (c *compiler) bind(v any) string {
	c.args = append(c.args, v)
	return "?" + strconv.Itoa(len(c.args))
}

func (c *compiler) tooMany() error {
	if len(c.args) > maxParams {
		return &store.FilterError{Reason: "filter needs too many parameters"}
	}
	return nil
}

// where compiles f; a nil filter matches everything.
func (c *compiler) where(f *store.Filter) (string, error) {
	if f == nil {
		return "1", nil
	}
	out, err := c.node(f)
	if err != nil {
		return "", err
	}
	if err := c.tooMany(); err != nil {
		return "", err
	}
	return out, nil
}

func (c *compiler) node(f *store.Filter) (string, error) {
	switch {
	case f.And != nil || f.Or != nil:
		list, sep := f.And, " AND "
		if f.Or != nil {
			list, sep = f.Or, " OR "
		}
		parts := make([]string, len(list))
		for i := range list {
			p, err := c.node(&list[i])
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "(" + strings.Join(parts, sep) + ")", nil
	case f.Not != nil:
		p, err := c.node(f.Not)
		if err != nil {
			return "", err
		}
		return not(p), nil
	}
	return c.leaf(f.Field, f.Op, f.Value)
}

func not(p string) string { return "(NOT coalesce(" + p + ", 0))" }

func (c *compiler) leaf(field string, op store.Op, value any) (string, error) {
	bad := func(reason string) error {
		return &store.FilterError{Path: field, Reason: reason}
	}
	switch op {
	case store.OpEq:
		return c.any(field, c.eqPred(value), true)
	case store.OpNe:
		p, err := c.any(field, c.eqPred(value), true)
		return not(p), err
	case store.OpIn, store.OpContainsAny, store.OpNin:
		list, ok := value.([]any)
		if !ok {
			return "", bad("value must be a list")
		}
		if len(list) == 0 {
			if op == store.OpNin {
				return "1", nil
			}
			return "0", nil
		}
		p, err := c.any(field, c.inPred(list), true)
		if op == store.OpNin {
			return not(p), err
		}
		return p, err
	case store.OpContainsAll:
		list, ok := value.([]any)
		if !ok || len(list) == 0 {
			return "", bad("value must be a non-empty list")
		}
		parts := make([]string, len(list))
		for i, v := range list {
			p, err := c.any(field, c.eqPred(v), true)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "(" + strings.Join(parts, " AND ") + ")", nil
	case store.OpGt, store.OpGte, store.OpLt, store.OpLte:
		p, err := c.rangePred(op, value)
		if err != nil {
			return "", bad(err.Error())
		}
		return c.any(field, p, true)
	case store.OpBetween:
		list, ok := value.([]any)
		if !ok || len(list) != 2 {
			return "", bad("value must be [low, high]")
		}
		lo, err := c.rangePred(store.OpGte, list[0])
		if err != nil {
			return "", bad(err.Error())
		}
		hi, err := c.rangePred(store.OpLte, list[1])
		if err != nil {
			return "", bad(err.Error())
		}
		// One candidate must lie in the range (a subform row, an element).
		return c.any(field, func(s slot) string { return "(" + lo(s) + " AND " + hi(s) + ")" }, true)
	case store.OpExists, store.OpEmpty:
		want, ok := value.(bool)
		if !ok {
			return "", bad("value must be true or false")
		}
		p := func(s slot) string { return "(" + s.t + " IS NOT NULL)" }
		if op == store.OpEmpty {
			p = func(s slot) string {
				return "(" + s.v + " IS NULL OR (" + s.v + " = '' AND " + s.t + " IS 'text') OR (" +
					s.v + " = '[]' AND " + s.t + " IS 'array') OR (" + s.v + " = '{}' AND " + s.t + " IS 'object'))"
			}
		}
		out, err := c.any(field, p, false)
		if !want {
			return not(out), err
		}
		return out, err
	case store.OpContains:
		sub, ok := value.(string)
		if !ok {
			return "", bad("value must be a string")
		}
		ph := c.bind(sub)
		if foldFree(sub) {
			// No rune of the needle has another case: the match under
			// folding is the plain substring test, which SQLite runs
			// without calling into Go (numbers sort before '' and are
			// no match, as in fl_icontains).
			return c.any(field, func(s slot) string {
				if s.plain {
					return "(" + s.v + " >= '' AND instr(" + s.v + ", " + ph + ") > 0)"
				}
				return "(" + s.t + " IS 'text' AND instr(" + s.v + ", " + ph + ") > 0)"
			}, true)
		}
		if pat, exact, ok := asciiLike(sub); ok && len(sub) <= 1000 {
			// An ASCII needle: SQLite's LIKE folds ASCII letters, which is
			// the folding rule except for k and s (see asciiLike).
			lp := c.bind(pat)
			test := func(v string) string {
				t := v + " LIKE " + lp + ` ESCAPE '\'`
				if !exact {
					t += " AND fl_icontains(" + v + ", " + ph + ")"
				}
				return t
			}
			return c.any(field, func(s slot) string {
				if s.plain {
					return "(" + s.v + " >= '' AND " + test(s.v) + ")"
				}
				return "(" + s.t + " IS 'text' AND " + test(s.v) + ")"
			}, true)
		}
		return c.any(field, func(s slot) string {
			if s.plain {
				// fl_icontains is false for numbers; no containers here.
				return "fl_icontains(" + s.v + ", " + ph + ")"
			}
			return "(" + s.t + " IS 'text' AND fl_icontains(" + s.v + ", " + ph + "))"
		}, true)
	case store.OpStartsWith:
		pre, ok := value.(string)
		if !ok {
			return "", bad("value must be a string")
		}
		if pre == "" {
			return c.any(field, func(s slot) string { return "(" + s.t + " IS 'text')" }, true)
		}
		lo, hi := c.bind(pre), c.bind(prefixEnd(pre))
		container := pre[0] == '[' || pre[0] == '{'
		return c.any(field, func(s slot) string {
			guard := ""
			if container && !s.plain {
				guard = " AND " + s.t + " IS 'text'"
			}
			return "(" + s.v + " >= " + lo + " AND " + s.v + " < " + hi + guard + ")"
		}, true)
	}
	return "", bad(fmt.Sprintf("unknown operator %q", op))
}

// prefixEnd returns the smallest string greater than every string that
// starts with pre, in SQLite's BINARY (byte) order. pre is valid UTF-8, so
// its last byte is below 0xFF and can be incremented.
func prefixEnd(pre string) string {
	b := []byte(pre)
	b[len(b)-1]++
	return string(b)
}

// boolGuard excludes JSON booleans, which json_extract returns as 1 and 0.
func boolGuard(t string) string {
	return " AND " + t + " IS NOT 'true' AND " + t + " IS NOT 'false'"
}

func containerLike(s string) bool { return s != "" && (s[0] == '[' || s[0] == '{') }

func (c *compiler) eqPred(v any) pred {
	switch x := v.(type) {
	case nil:
		return func(s slot) string { return "(" + s.v + " IS NULL)" }
	case bool:
		want, n := "'false'", "0"
		if x {
			want, n = "'true'", "1"
		}
		return func(s slot) string { return "(" + s.v + " = " + n + " AND " + s.t + " IS " + want + ")" }
	case float64:
		ph := c.bind(x)
		guard := x == 0 || x == 1
		return func(s slot) string {
			if guard && !s.plain {
				return "(" + s.v + " = " + ph + boolGuard(s.t) + ")"
			}
			return "(" + s.v + " = " + ph + ")"
		}
	case string:
		ph := c.bind(x)
		guard := containerLike(x)
		return func(s slot) string {
			if guard && !s.plain {
				return "(" + s.v + " = " + ph + " AND " + s.t + " IS 'text')"
			}
			return "(" + s.v + " = " + ph + ")"
		}
	}
	return func(slot) string { return "0" }
}

// inPred matches a candidate equal to one of list, grouped by type.
func (c *compiler) inPred(list []any) pred {
	var strs, nums []any
	var hasNull, hasTrue, hasFalse, strGuard, numGuard bool
	for _, v := range list {
		switch x := v.(type) {
		case nil:
			hasNull = true
		case bool:
			if x {
				hasTrue = true
			} else {
				hasFalse = true
			}
		case float64:
			nums = append(nums, x)
			numGuard = numGuard || x == 0 || x == 1
		case string:
			strs = append(strs, x)
			strGuard = strGuard || containerLike(x)
		}
	}
	strSet, numSet := c.bindSet(strs), c.bindSet(nums)
	return func(s slot) string {
		var parts []string
		if strSet != "" {
			p := s.v + " IN " + strSet
			if strGuard && !s.plain {
				p += " AND " + s.t + " IS 'text'"
			}
			parts = append(parts, "("+p+")")
		}
		if numSet != "" {
			p := s.v + " IN " + numSet
			if numGuard && !s.plain {
				p += boolGuard(s.t)
			}
			parts = append(parts, "("+p+")")
		}
		if hasNull {
			parts = append(parts, "("+s.v+" IS NULL)")
		}
		if hasTrue {
			parts = append(parts, "("+s.t+" IS 'true')")
		}
		if hasFalse {
			parts = append(parts, "("+s.t+" IS 'false')")
		}
		if len(parts) == 0 {
			return "0"
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
}

// bindSet binds values as the right-hand side of IN.
func (c *compiler) bindSet(vals []any) string {
	if len(vals) == 0 {
		return ""
	}
	if len(vals) <= inlineListMax {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = c.bind(v)
		}
		return "(" + strings.Join(ph, ", ") + ")"
	}
	// Values are strings or finite float64s, which always marshal.
	text, _ := json.Marshal(vals)
	return "(SELECT value FROM json_each(" + c.bind(string(text)) + "))"
}

func (c *compiler) rangePred(op store.Op, v any) (pred, error) {
	sym := map[store.Op]string{store.OpGt: ">", store.OpGte: ">=", store.OpLt: "<", store.OpLte: "<="}[op]
	switch x := v.(type) {
	case float64:
		ph := c.bind(x)
		upper := op == store.OpGt || op == store.OpGte
		// Booleans read as 0 and 1; guard only when the range reaches them.
		guard := true
		switch op {
		case store.OpGt:
			guard = x < 1
		case store.OpGte:
			guard = x <= 1
		case store.OpLt:
			guard = x > 0
		case store.OpLte:
			guard = x >= 0
		}
		return func(s slot) string {
			p := "(" + s.v + " " + sym + " " + ph
			if upper {
				// Every number sorts below every text value in SQLite.
				p += " AND " + s.v + " < ''"
			}
			if guard && !s.plain {
				p += boolGuard(s.t)
			}
			return p + ")"
		}, nil
	case string:
		ph := c.bind(x)
		lower := op == store.OpLt || op == store.OpLte
		return func(s slot) string {
			p := "(" + s.v + " " + sym + " " + ph
			if lower {
				p += " AND " + s.v + " >= ''"
			}
			if s.plain {
				return p + ")"
			}
			return p + " AND " + s.t + " IS 'text')"
		}, nil
	}
	return nil, fmt.Errorf("%s needs a number or a string", op)
}

// any applies p to the candidates of field. With expand, the elements of a
// terminal array are candidates too (eq, in, ranges...); without, only the
// value at the path is (exists, empty).
func (c *compiler) any(field string, p pred, expand bool) (string, error) {
	if col, typ, ok := systemColumn(field); ok {
		t := "'" + typ + "'"
		if col == "deleted_at" {
			t = "iif(deleted_at IS NULL, NULL, 'text')"
		}
		return p(slot{v: col, t: t}), nil
	}
	segs, err := store.SplitPath(field)
	if err != nil {
		return "", &store.FilterError{Path: field, Reason: err.Error()}
	}
	for _, s := range segs {
		if !store.ValidKey(s) {
			return "", &store.FilterError{Path: field, Reason: "invalid path segment"}
		}
	}
	slow := false
	for i := range segs {
		if (i < len(segs)-1 || expand) && c.isArray(strings.Join(segs[:i+1], ".")) {
			slow = true
			break
		}
	}
	if !slow {
		lit, _ := jsonPathLiteral(segs)
		plain := c.kinds(field) == 0
		v := "json_extract(data," + lit + ")"
		if plain {
			if col := c.columnOf(field); col != "" {
				v = col
			}
		}
		return p(slot{v: v, t: "json_type(data," + lit + ")", plain: plain}), nil
	}
	return c.walk("", "", segs, 0, p, expand), nil
}

// pathSQL renders a JSON path: a literal from the root, or the fullkey of
// an array element plus a literal suffix.
func pathSQL(base, suffix string) string {
	if base == "" {
		return "'$" + suffix + "'"
	}
	if suffix == "" {
		return base
	}
	return "(" + base + " || '" + suffix + "')"
}

// walk builds the condition for segs[i:], starting at the JSON path
// base+suffix, descending into arrays wherever the registry saw one.
func (c *compiler) walk(base, suffix string, segs []string, i int, p pred, expand bool) string {
	for j := i; j < len(segs); j++ {
		suffix += "." + segs[j]
		full := strings.Join(segs[:j+1], ".")
		path := pathSQL(base, suffix)
		t := "json_type(data," + path + ")"
		if j == len(segs)-1 {
			s := slot{v: "json_extract(data," + path + ")", t: t}
			out := p(s)
			if expand && c.isArray(full) {
				c.alias++
				a := "j" + strconv.Itoa(c.alias)
				out = "(" + out + " OR (" + t + " IS 'array' AND EXISTS (SELECT 1 FROM json_each(data," + path + ") AS " + a +
					" WHERE " + p(slot{v: a + ".value", t: a + ".type"}) + ")))"
			}
			return out
		}
		if c.isArray(full) {
			direct := c.walk(base, suffix, segs, j+1, p, expand)
			c.alias++
			a := "j" + strconv.Itoa(c.alias)
			iter := c.walk(a+".fullkey", "", segs, j+1, p, expand)
			return "((" + t + " IS NOT 'array' AND " + direct + ") OR (" + t + " IS 'array' AND EXISTS (SELECT 1 FROM json_each(data," +
				path + ") AS " + a + " WHERE " + iter + ")))"
		}
	}
	return "0"
}
