package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func matchCases() []testCase {
	return []testCase{
		{name: "Parity", run: testMatchParity},
		{name: "InvalidParity", run: testMatchInvalidParity},
	}
}

// matchSeed fixes the generated corpus and filters, so a failure reproduces.
const matchSeed = 20261203

// matchFilterCount is how many generated filters the parity case checks.
const matchFilterCount = 500

// matchScalars are the values documents and filters draw from: each type,
// numbers as int and float, strings in several cases and scripts, text that
// looks like a number, a date, a time, JSON or a regular expression.
var matchScalars = []any{
	nil, true, false,
	0, 1, -1, 2, 2.5, 5, 5.0, 10, -2.5, 1e6, 0.1,
	"", "a", "A", "abc", "ABC", "Abd", "abd", "b", "z", "Z",
	"école", "ÉCOLE", "École maternelle", "北京", "北京市朝阳区", "朝阳", "straße", "STRASSE", "K", "\u212a",
	"5", "10", "2026-01-01", "2026-03-31", "2026-01-01T00:00:00.000000Z", "2026-06-30T12:00:00.000000Z",
	"[x]", "{", "(x)+[y]", "50% off_a.b*", " ", "red", "Red", "blue",
}

// matchFields are the paths filters use: top level, nested objects, arrays
// of scalars, subform rows and their fields, never-written paths and system fields.
var matchFields = []string{
	"n", "s", "tags", "flag", "e", "obj", "obj.city", "obj.zip", "obj.inner", "obj.inner.k",
	"rows", "rows.sku", "rows.price", "rows.tags", "rows.sub.k", "when", "nope", "obj.nope", "tags.x",
	store.FieldID, store.FieldVersion, store.FieldCreatedAt, store.FieldUpdatedAt,
	store.FieldCreatedBy, store.FieldUpdatedBy, store.FieldDeletedAt,
}

type matchGen struct{ r *rand.Rand }

func (g matchGen) pick(list []any) any { return list[g.r.IntN(len(list))] }

func (g matchGen) scalar() any { return g.pick(matchScalars) }

// value draws a document value: mostly scalars, also empty and non-empty
// arrays and objects, up to depth levels deep.
func (g matchGen) value(depth int) any {
	switch k := g.r.IntN(10); {
	case k < 6 || depth <= 0:
		return g.scalar()
	case k < 8:
		n := g.r.IntN(4)
		list := make([]any, n)
		for i := range list {
			list[i] = g.value(depth - 1)
		}
		return list
	default:
		return g.object(depth - 1)
	}
}

func (g matchGen) object(depth int) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"k", "city", "zip", "sku"} {
		if g.r.IntN(2) == 0 {
			out[k] = g.value(depth)
		}
	}
	return out
}

// list draws an array of scalars (sometimes empty).
func (g matchGen) list(max int) []any {
	list := make([]any, g.r.IntN(max+1))
	for i := range list {
		list[i] = g.scalar()
	}
	return list
}

// matchDocs builds the corpus: hand-written edge cases first, then
// generated documents where each field is missing, a scalar, or a container.
func matchDocs(g matchGen) []doc {
	docs := []doc{
		{"m000", map[string]any{}},
		{"m001", map[string]any{"n": nil, "s": nil, "tags": nil, "obj": nil, "rows": nil, "e": nil}},
		{"m002", map[string]any{"n": 0, "s": "", "tags": []any{}, "obj": map[string]any{}, "rows": []any{}, "e": ""}},
		{"m003", map[string]any{"n": 5, "s": "École maternelle", "tags": []any{"red", "blue", 5, true, nil}, "flag": true,
			"obj":  map[string]any{"city": "北京", "zip": "100020", "inner": map[string]any{"k": 1}},
			"rows": []any{map[string]any{"sku": "a1", "price": 10, "tags": []any{"x", "y"}}, map[string]any{"sku": "B2", "price": 25.5}},
			"when": time.Date(2026, 3, 31, 23, 59, 59, 999999000, time.UTC)}},
		{"m004", map[string]any{"n": "5", "s": 5, "tags": "red", "flag": 1, "obj": "北京",
			"rows": []any{1, "a1", nil, map[string]any{}}, "e": []any{""}}},
		{"m005", map[string]any{"n": 2.5, "s": "ÉCOLE", "tags": []any{[]any{"red"}}, "flag": false,
			"obj":  map[string]any{"city": "", "inner": map[string]any{}},
			"rows": []any{map[string]any{"sku": nil, "price": "10"}, map[string]any{"price": 100, "sub": map[string]any{"k": "v"}}},
			"e":    map[string]any{"k": nil}}},
		{"m006", map[string]any{"n": -1, "s": "straße", "tags": []any{"Red", "BLUE"}, "obj": map[string]any{"inner": map[string]any{"k": []any{1, 2}}},
			"rows": []any{map[string]any{"tags": []any{}}, map[string]any{"tags": []any{"x"}}}, "e": []any{}}},
		{"m007", map[string]any{"n": 1e6, "s": "\u212a", "tags": []any{map[string]any{"x": 1}, "x"}, "flag": nil,
			"obj": []any{map[string]any{"city": "Lyon"}, map[string]any{"city": "北京"}}, "e": map[string]any{}}},
	}
	for range 52 {
		data := map[string]any{}
		for _, k := range []string{"n", "s", "flag", "e", "when"} {
			if g.r.IntN(5) > 0 {
				data[k] = g.scalar()
			}
		}
		if g.r.IntN(4) > 0 {
			data["tags"] = g.list(4)
		} else if g.r.IntN(2) == 0 {
			data["tags"] = g.scalar()
		}
		if g.r.IntN(4) > 0 {
			o := g.object(1)
			if g.r.IntN(2) == 0 {
				o["inner"] = g.object(1)
			}
			data["obj"] = o
		}
		if g.r.IntN(3) > 0 {
			rows := make([]any, g.r.IntN(4))
			for j := range rows {
				row := map[string]any{}
				if g.r.IntN(4) > 0 {
					row["sku"] = g.scalar()
				}
				if g.r.IntN(4) > 0 {
					row["price"] = g.pick([]any{0, 1, 2.5, 5, 10, 25.5, 100, -1, "10", nil})
				}
				if g.r.IntN(3) == 0 {
					row["tags"] = g.list(3)
				}
				if g.r.IntN(4) == 0 {
					row["sub"] = g.object(0)
				}
				rows[j] = row
			}
			data["rows"] = rows
		}
		docs = append(docs, doc{fmt.Sprintf("m%03d", len(docs)), data})
	}
	return docs
}

// operand draws a value for op, usually valid, sometimes of a type the
// operator refuses (the parity case then checks both refuse it alike).
func (g matchGen) operand(field string, op store.Op) any {
	if store.IsSystemField(field) {
		return g.systemOperand(field, op)
	}
	switch op {
	case store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll:
		n := g.r.IntN(4)
		if op == store.OpContainsAny || op == store.OpContainsAll {
			n++
		}
		list := make([]any, n)
		for i := range list {
			list[i] = g.scalar()
		}
		return list
	case store.OpExists, store.OpEmpty:
		return g.r.IntN(2) == 0
	case store.OpContains, store.OpStartsWith:
		return g.pick([]any{"", "a", "A", "ab", "École", "école", "ÉCOLE", "京", "北京", "朝阳", "SS", "ß", "k", "K", "\u212a", "[", "(x)+", "%", "_a.", "1", "re", "RE", "2026-01"})
	case store.OpBetween:
		if g.r.IntN(2) == 0 {
			pairs := [][2]any{{0, 5}, {-1, 1}, {2.5, 100}, {5, 5}, {10, 0}, {-1e9, 1e9}}
			p := pairs[g.r.IntN(len(pairs))]
			return []any{p[0], p[1]}
		}
		pairs := [][2]string{{"a", "b"}, {"A", "z"}, {"", "\uffff"}, {"2026-01-01", "2026-03-31"}, {"2026-01-01T00:00:00.000000Z", "2026-12-31"}, {"北", "北京市"}, {"5", "9"}}
		p := pairs[g.r.IntN(len(pairs))]
		return []any{p[0], p[1]}
	}
	return g.scalar()
}

// systemOperand draws a value of the field's own type: SQLite applies its
// column affinity when a system column meets a value of another type (the
// text "1" equals version 1 there), which MongoDB does not (see
// docs/architecture.md, "Match").
func (g matchGen) systemOperand(field string, op store.Op) any {
	var pool []any
	switch field {
	case store.FieldVersion:
		pool = []any{0, 1, 2, 3}
	case store.FieldID:
		pool = []any{"m003", "m010", "m04", "m", "M0", "m059", "z"}
	case store.FieldCreatedBy, store.FieldUpdatedBy:
		pool = []any{actor, "user", "USER_TESTER", "other", "tester"}
	default:
		pool = []any{store.FormatTime(t0), store.FormatTime(t0.Add(time.Hour)), "2026", "2026-03-01", "2027"}
	}
	switch op {
	case store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll:
		list := make([]any, 1+g.r.IntN(3))
		for i := range list {
			list[i] = g.pick(pool)
		}
		if op == store.OpIn || op == store.OpNin {
			list = append(list, nil)
		}
		return list
	case store.OpExists, store.OpEmpty:
		return g.r.IntN(2) == 0
	case store.OpContains, store.OpStartsWith:
		if field == store.FieldVersion {
			// Not startsWith "1": SQLite's column affinity turns the text
			// into the number 1 (the gap above).
			if op == store.OpContains {
				return "1"
			}
			return ""
		}
		return g.pick([]any{"m0", "M0", "user", "USER", "2026-03", "t", ""})
	case store.OpBetween:
		a, b := g.pick(pool), g.pick(pool)
		if store.CompareValues(mustNorm(a), mustNorm(b)) > 0 {
			a, b = b, a
		}
		return []any{a, b}
	case store.OpEq, store.OpNe:
		if g.r.IntN(5) == 0 {
			return nil
		}
	}
	return g.pick(pool)
}

func mustNorm(v any) any {
	n, err := store.NormalizeValue(v)
	if err != nil {
		panic(err)
	}
	return n
}

// filter draws a filter tree of at most depth levels.
func (g matchGen) filter(depth int) store.Filter {
	if depth > 0 {
		switch g.r.IntN(6) {
		case 0:
			return store.And(g.filters(depth)...)
		case 1:
			return store.Or(g.filters(depth)...)
		case 2:
			return store.Not(g.filter(depth - 1))
		}
	}
	field := matchFields[g.r.IntN(len(matchFields))]
	op := store.Ops[g.r.IntN(len(store.Ops))]
	return store.Where(field, op, g.operand(field, op))
}

func (g matchGen) filters(depth int) []store.Filter {
	list := make([]store.Filter, 1+g.r.IntN(3))
	for i := range list {
		list[i] = g.filter(depth - 1)
	}
	return list
}

// matchFilters returns the hand-written filters for the edge cases, then
// generated ones.
func matchFilters(g matchGen) []store.Filter {
	var out []store.Filter
	// Every operator on every field with a few operands.
	for _, field := range matchFields {
		for _, op := range store.Ops {
			for range 2 {
				out = append(out, store.Where(field, op, g.operand(field, op)))
			}
		}
	}
	for len(out) < matchFilterCount+len(matchFields)*len(store.Ops)*2 {
		out = append(out, g.filter(3))
	}
	return out
}

// testMatchParity checks store.Match against Find: for every generated
// filter, the ids Find returns (deleted documents included) are exactly the
// ids of the stored documents Match accepts, and Match gives the same answer
// on the data as written (ints, time.Time) as on the data read back.
func testMatchParity(f *fixture) {
	g := matchGen{rand.New(rand.NewPCG(matchSeed, 1))}
	docs := matchDocs(g)
	f.seed("match", docs)
	// A few documents in the recycle bin, so _deleted_at and _version vary.
	for _, id := range []string{"m003", "m010", "m020", "m041"} {
		f.oneAt(t0.Add(time.Hour), write(store.OpSoftDelete, "match", id, nil, 0))
	}
	all := store.Query{Deleted: store.IncludeDeleted, Limit: store.MaxPageSize}
	page, err := f.s.Find(f.ctx, "match", all)
	f.noErr("Find all", err)
	stored := page.Docs
	if len(stored) != len(docs) {
		f.t.Fatalf("Find all returned %d documents, want %d", len(stored), len(docs))
	}
	written := make(map[string]map[string]any, len(docs))
	for _, d := range docs {
		written[d.id] = d.data
	}
	arrays := arrayPaths(stored)
	skipped := map[string]int{}
	failures, compared, selective := 0, 0, 0
	for i, flt := range matchFilters(g) {
		if reason := matchGap(flt, f.caps.Backend, arrays); reason != "" {
			skipped[reason]++
			continue
		}
		if failures >= 40 {
			f.t.Errorf("stopping after %d mismatching filters", failures)
			return
		}
		q := all
		q.Filter = &flt
		p, findErr := f.s.Find(f.ctx, "match", q)
		var want []string
		var matchErr error
		for _, d := range stored {
			ok, err := store.Match(d, &flt)
			if err != nil {
				matchErr = err
				break
			}
			raw := d
			raw.Data = written[d.ID]
			okRaw, err := store.Match(raw, &flt)
			if err != nil || okRaw != ok {
				f.t.Errorf("filter %d %s: Match on %s is %v on the data read back and %v, %v on the data as written",
					i, showFilter(flt), d.ID, ok, okRaw, err)
				failures++
			}
			if ok {
				want = append(want, d.ID)
			}
		}
		if findErr != nil || matchErr != nil {
			if !errors.Is(findErr, store.ErrInvalidFilter) || !errors.Is(matchErr, store.ErrInvalidFilter) || findErr.Error() != matchErr.Error() {
				f.t.Errorf("filter %d %s: Find error %v, Match error %v", i, showFilter(flt), findErr, matchErr)
				failures++
			}
			continue
		}
		got := docIDs(p.Docs)
		compared++
		if len(want) > 0 && len(want) < len(stored) {
			selective++
		}
		if !slices.Equal(got, want) {
			failures++
			f.t.Errorf("filter %d %s:\n Find  %v\n Match %v\n%s", i, showFilter(flt), got, want, explainDiff(stored, got, want))
		}
	}
	// The corpus must make filters discriminate, or equal sets prove little.
	if selective < compared/3 {
		f.t.Errorf("only %d of %d compared filters select some but not all documents", selective, compared)
	}
	f.t.Logf("%d filters compared, %d of them selective", compared, selective)
	for reason, n := range skipped {
		f.t.Logf("%d filters not compared on %s: %s", n, f.caps.Backend, reason)
	}
}

// Where Find on a MongoDB-family backend differs from the portable
// semantics (which SQLite and store.Match implement), the filters that reach
// the difference are not compared there, for these reasons. The adapter's
// own choices apply to MongoDB and FerretDB; the FerretDB ones only there
// (how MongoDB itself treats null through an empty array is not assumed).
const (
	gapBetweenOnArray = "FerretDB v1 has no $elemMatch below arrays, so the adapter sends between as {$gte, $lte} and the two bounds may hold for different elements of an array value (mongostore compiler.rowRanges)"
	gapEmptyOnArray   = "the adapter compiles empty to {$eq: null}, {$eq: \"\"}, {$eq: {}} and {$size: 0}, which MongoDB also applies to each element, so an array holding null, \"\" or {} counts as empty"
	gapNullThroughArr = "null and missing through arrays: FerretDB v1 treats a path through an empty array as missing, and a row or element without the field as not null (FerretDB issue 2967)"
	gapDeletedAtNull  = "the adapter stores _deleted_at as null on live documents, so exists sees it present; SQLite and Match see it missing"
)

// matchGap returns why flt is not compared on backend, or "".
func matchGap(flt store.Filter, backend string, arrays map[string]arrayUse) string {
	if backend != "ferretdb" && backend != "mongodb" {
		return ""
	}
	switch {
	case flt.And != nil || flt.Or != nil:
		for _, c := range append(slices.Clone(flt.And), flt.Or...) {
			if r := matchGap(c, backend, arrays); r != "" {
				return r
			}
		}
		return ""
	case flt.Not != nil:
		return matchGap(*flt.Not, backend, arrays)
	}
	use := arrays[flt.Field]
	switch flt.Op {
	case store.OpBetween:
		if backend == "ferretdb" && use.holds {
			return gapBetweenOnArray
		}
	case store.OpEmpty:
		if use.holds {
			return gapEmptyOnArray
		}
		if backend == "ferretdb" && use.crosses {
			return gapNullThroughArr
		}
	case store.OpExists:
		if flt.Field == store.FieldDeletedAt {
			return gapDeletedAtNull
		}
	case store.OpEq, store.OpNe, store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll:
		if backend == "ferretdb" && use.crosses && hasNull(flt.Value) {
			return gapNullThroughArr
		}
	}
	return ""
}

func hasNull(v any) bool {
	if v == nil {
		return true
	}
	list, ok := v.([]any)
	return ok && slices.Contains(list, nil)
}

// arrayUse tells whether some document holds an array at a path, or at a
// prefix of it (the path crosses an array).
type arrayUse struct{ holds, crosses bool }

// arrayPaths records, for every path of matchFields, how the documents use arrays on it.
func arrayPaths(docs []store.Document) map[string]arrayUse {
	out := map[string]arrayUse{}
	for _, field := range matchFields {
		if store.IsSystemField(field) {
			continue
		}
		segs := strings.Split(field, ".")
		var use arrayUse
		for _, d := range docs {
			visitPath(d.Data, segs, func(v any, depth int) {
				if _, ok := v.([]any); ok {
					if depth == len(segs)-1 {
						use.holds = true
					} else {
						use.crosses = true
					}
				}
			})
		}
		out[field] = use
	}
	return out
}

// visitPath calls fn with every value found along segs (through arrays),
// with the index of the segment it was found at.
func visitPath(cur any, segs []string, fn func(v any, depth int)) {
	var walk func(cur any, i int)
	walk = func(cur any, i int) {
		m, ok := cur.(map[string]any)
		if !ok || i >= len(segs) {
			return
		}
		v, ok := m[segs[i]]
		if !ok {
			return
		}
		fn(v, i)
		if list, ok := v.([]any); ok {
			for _, e := range list {
				walk(e, i+1)
			}
			return
		}
		walk(v, i+1)
	}
	walk(cur, 0)
}

// testMatchInvalidParity checks that Match refuses the filters Find refuses,
// with the same error.
func testMatchInvalidParity(f *fixture) {
	f.seed("items", filterDocs())
	d := f.get("items", "d01")
	for name, flt := range badFilters() {
		_, findErr := f.s.Find(f.ctx, "items", store.Query{Filter: &flt})
		var matchErr error
		if err := safely(func() error { _, matchErr = store.Match(d, &flt); return nil }); err != nil {
			f.t.Errorf("Match %s: %v", name, err)
			continue
		}
		if !errors.Is(matchErr, store.ErrInvalidFilter) || findErr == nil || matchErr.Error() != findErr.Error() {
			f.t.Errorf("%s: Match error %v, Find error %v", name, matchErr, findErr)
		}
	}
}

func showFilter(flt store.Filter) string {
	b, err := json.Marshal(flt)
	if err != nil {
		return fmt.Sprintf("%+v", flt)
	}
	return string(b)
}

// explainDiff shows the documents only one side selected.
func explainDiff(stored []store.Document, got, want []string) string {
	var b strings.Builder
	shown := 0
	for _, d := range stored {
		inGot, inWant := slices.Contains(got, d.ID), slices.Contains(want, d.ID)
		if inGot == inWant {
			continue
		}
		if shown++; shown > 4 {
			b.WriteString("  ...\n")
			break
		}
		side := "only Find"
		if inWant {
			side = "only Match"
		}
		fmt.Fprintf(&b, "  %s %s: %s deleted=%v\n", side, d.ID, show(d.Data), d.DeletedAt != nil)
	}
	return b.String()
}
