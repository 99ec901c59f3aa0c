package storetest

import (
	"slices"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func filterCases() []testCase {
	return []testCase{
		{name: "Operators", run: testFilterOperators},
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// filterDocs is the data every filter scenario runs against. Values are
// chosen so that each operator meets null, missing, other types, arrays,
// nested objects, subform rows (lists of objects), non-ASCII text and the
// characters that are wildcards in LIKE or regular expressions.
func filterDocs() []doc {
	return []doc{
		{"d01", map[string]any{
			"name": "Alpha", "n": 5, "s": "abc", "tags": []any{"red", "blue"}, "flag": true, "note": "",
			"date": "2026-01-01", "at": at("2026-01-01T00:00:00Z"),
			"customer": map[string]any{"name": "ÉCOLE Lyon", "city": "Lyon", "address": map[string]any{"zip": "69001"}},
			"lines":    []any{map[string]any{"sku": "a1", "price": 10, "qty": 1}, map[string]any{"sku": "b2", "price": 25.5, "qty": 2}},
		}},
		{"d02", map[string]any{
			"name": "beta", "n": 10, "s": "ABC", "tags": []any{"blue"}, "flag": false, "note": nil,
			"date": "2026-03-31", "at": at("2026-03-31T23:59:59.999999Z"),
			"customer": map[string]any{"name": "北京市朝阳区客户", "city": "北京", "address": map[string]any{"zip": "100020"}},
			"lines":    []any{map[string]any{"sku": "c3", "price": 5, "qty": 10}},
		}},
		{"d03", map[string]any{
			"name": "Gamma", "n": -2.5, "s": "xyz", "tags": []any{}, "note": "hello",
			"date": "2026-04-01", "at": at("2026-04-01T00:00:00Z"),
			"customer": map[string]any{"name": "école maternelle"},
			"lines":    []any{},
		}},
		{"d04", map[string]any{
			"name": "delta", "n": nil, "s": nil, "tags": nil, "flag": nil, "note": nil,
			"date": nil, "at": nil, "customer": nil, "lines": nil,
		}},
		{"d05", map[string]any{"name": "Epsilon", "obj": map[string]any{}}},
		{"d06", map[string]any{
			"name": "zeta", "n": "7", "s": 5, "tags": []any{"green", "red", "yellow"}, "flag": 1,
			"date": "2025-12-31", "at": at("2025-12-31T16:00:00Z"),
			"customer": map[string]any{"name": "Zeta GmbH", "city": ""},
			"lines":    []any{map[string]any{"sku": "a1", "price": 100, "qty": 0}, map[string]any{"sku": "d4", "price": 1, "qty": 3}},
		}},
		{"d07", map[string]any{
			"name": "50% off_a.b*", "n": 7, "s": "abd", "tags": []any{"Red"}, "note": "   ",
			"obj":      map[string]any{"k": 1},
			"customer": map[string]any{"name": "(x)+[y]"},
			"lines":    []any{map[string]any{"sku": "A1", "price": 10}},
		}},
	}
}

// deletedFilterDoc matches many scenarios but is in the recycle bin, so it
// must never appear.
var deletedFilterDoc = doc{"d99", map[string]any{
	"name": "Alpha", "n": 5, "s": "abc", "tags": []any{"red", "blue", "green"}, "flag": true, "note": "",
	"date": "2026-01-01", "customer": map[string]any{"name": "école", "city": "Lyon"},
	"lines": []any{map[string]any{"sku": "a1", "price": 25}},
}}

var allFilterIDs = []string{"d01", "d02", "d03", "d04", "d05", "d06", "d07"}

func w(field string, op store.Op, v any) store.Filter { return store.Where(field, op, v) }

func ids(s ...string) []string { return s }

func filterScenarios() []struct {
	name   string
	filter store.Filter
	want   []string
} {
	return []struct {
		name   string
		filter store.Filter
		want   []string
	}{
		// eq: exact type, any array element, nested paths, subform rows.
		{"eq number", w("n", store.OpEq, 5), ids("d01")},
		{"eq number is not a numeric string", w("n", store.OpEq, 7), ids("d07")},
		{"eq string is not a number", w("n", store.OpEq, "7"), ids("d06")},
		{"eq is case-sensitive", w("name", store.OpEq, "alpha"), ids()},
		{"eq string", w("name", store.OpEq, "Alpha"), ids("d01")},
		{"eq true is not 1", w("flag", store.OpEq, true), ids("d01")},
		{"eq 1 is not true", w("flag", store.OpEq, 1), ids("d06")},
		{"eq false", w("flag", store.OpEq, false), ids("d02")},
		{"eq any array element", w("tags", store.OpEq, "red"), ids("d01", "d06")},
		{"eq nested", w("customer.city", store.OpEq, "Lyon"), ids("d01")},
		{"eq nested twice", w("customer.address.zip", store.OpEq, "100020"), ids("d02")},
		{"eq through subform rows", w("lines.sku", store.OpEq, "a1"), ids("d01", "d06")},
		{"eq nil matches null and missing", w("n", store.OpEq, nil), ids("d04", "d05")},
		{"eq nil on a sparse field", w("note", store.OpEq, nil), ids("d02", "d04", "d05", "d06")},
		{"eq time", w("at", store.OpEq, at("2026-04-01T08:00:00+08:00")), ids("d03")},
		{"eq date", w("date", store.OpEq, "2026-03-31"), ids("d02")},
		{"eq empty string", w("customer.city", store.OpEq, ""), ids("d06")},
		// ne: the complement of eq, so missing and null count as not equal.
		{"ne number", w("n", store.OpNe, 5), ids("d02", "d03", "d04", "d05", "d06", "d07")},
		{"ne on arrays means no element equals", w("tags", store.OpNe, "red"), ids("d02", "d03", "d04", "d05", "d07")},
		{"ne nil means present and not null", w("n", store.OpNe, nil), ids("d01", "d02", "d03", "d06", "d07")},
		{"ne true", w("flag", store.OpNe, true), ids("d02", "d03", "d04", "d05", "d06", "d07")},
		{"ne through subform rows", w("lines.sku", store.OpNe, "a1"), ids("d02", "d03", "d04", "d05", "d07")},
		// Ordering operators compare numbers with numbers and strings with strings.
		{"gt number skips strings", w("n", store.OpGt, 5), ids("d02", "d07")},
		{"gte number", w("n", store.OpGte, 5), ids("d01", "d02", "d07")},
		{"lt number skips null and missing", w("n", store.OpLt, 5), ids("d03")},
		{"lte negative", w("n", store.OpLte, -2.5), ids("d03")},
		{"gt string skips numbers", w("n", store.OpGt, "5"), ids("d06")},
		{"gt string compares bytes", w("s", store.OpGt, "abc"), ids("d03", "d07")},
		{"lt string compares bytes", w("s", store.OpLt, "abd"), ids("d01", "d02")},
		{"gt 5 does not match text", w("s", store.OpGt, 4), ids("d06")},
		{"gt through subform rows", w("lines.price", store.OpGt, 50), ids("d06")},
		{"lt through subform rows", w("lines.price", store.OpLt, 6), ids("d02", "d06")},
		{"gte time", w("at", store.OpGte, at("2026-03-31T00:00:00Z")), ids("d02", "d03")},
		{"lt date", w("date", store.OpLt, "2026-01-01"), ids("d06")},
		// in and nin: nin is the complement of in.
		{"in mixed types", w("n", store.OpIn, []any{5, 10, "7"}), ids("d01", "d02", "d06")},
		{"in any array element", w("tags", store.OpIn, []string{"yellow", "blue"}), ids("d01", "d02", "d06")},
		{"in nil matches null and missing", w("n", store.OpIn, []any{nil}), ids("d04", "d05")},
		{"in empty list matches nothing", w("name", store.OpIn, []any{}), ids()},
		{"in through subform rows", w("lines.sku", store.OpIn, []any{"c3", "d4"}), ids("d02", "d06")},
		{"nin numbers", w("n", store.OpNin, []any{5, 10}), ids("d03", "d04", "d05", "d06", "d07")},
		{"nin empty list matches all", w("name", store.OpNin, []any{}), allFilterIDs},
		{"nin on arrays means no element is listed", w("tags", store.OpNin, []any{"red", "blue"}), ids("d03", "d04", "d05", "d07")},
		{"nin nil", w("n", store.OpNin, []any{nil}), ids("d01", "d02", "d03", "d06", "d07")},
		// exists: present, even null.
		{"exists true counts null", w("n", store.OpExists, true), ids("d01", "d02", "d03", "d04", "d06", "d07")},
		{"exists false", w("n", store.OpExists, false), ids("d05")},
		{"exists nested", w("customer.city", store.OpExists, true), ids("d01", "d02", "d06")},
		{"exists nested false", w("customer.city", store.OpExists, false), ids("d03", "d04", "d05", "d07")},
		{"exists through subform rows", w("lines.qty", store.OpExists, true), ids("d01", "d02", "d06")},
		// empty: missing, null, "", [] and {}.
		{"empty string field", w("note", store.OpEmpty, true), ids("d01", "d02", "d04", "d05", "d06")},
		{"not empty string field", w("note", store.OpEmpty, false), ids("d03", "d07")},
		{"empty array field", w("tags", store.OpEmpty, true), ids("d03", "d04", "d05")},
		{"not empty array field", w("tags", store.OpEmpty, false), ids("d01", "d02", "d06", "d07")},
		{"empty object field", w("obj", store.OpEmpty, true), ids("d01", "d02", "d03", "d04", "d05", "d06")},
		{"not empty object field", w("obj", store.OpEmpty, false), ids("d07")},
		{"empty subform", w("lines", store.OpEmpty, true), ids("d03", "d04", "d05")},
		{"empty number field", w("n", store.OpEmpty, true), ids("d04", "d05")},
		// contains: case-insensitive with Unicode folding, no wildcards.
		{"contains folds accents' case", w("customer.name", store.OpContains, "école"), ids("d01", "d03")},
		{"contains folds upper case query", w("customer.name", store.OpContains, "ÉCOLE"), ids("d01", "d03")},
		{"contains Chinese substring", w("customer.name", store.OpContains, "朝阳"), ids("d02")},
		{"contains ASCII case", w("name", store.OpContains, "ALP"), ids("d01")},
		{"contains percent is literal", w("name", store.OpContains, "%"), ids("d07")},
		{"contains underscore is literal", w("name", store.OpContains, "_"), ids("d07")},
		{"contains dot is literal", w("name", store.OpContains, "."), ids("d07")},
		{"contains star is literal", w("name", store.OpContains, "a.b*"), ids("d07")},
		{"contains regexp syntax is literal", w("customer.name", store.OpContains, "(x)+["), ids("d07")},
		{"contains does not match numbers", w("s", store.OpContains, "5"), ids()},
		{"contains through subform rows", w("lines.sku", store.OpContains, "A"), ids("d01", "d06", "d07")},
		// startsWith: case-sensitive prefix, no wildcards.
		{"startsWith", w("name", store.OpStartsWith, "Al"), ids("d01")},
		{"startsWith is case-sensitive", w("name", store.OpStartsWith, "al"), ids()},
		{"startsWith percent is literal", w("name", store.OpStartsWith, "50%"), ids("d07")},
		{"startsWith underscore is literal", w("name", store.OpStartsWith, "5_"), ids()},
		{"startsWith Chinese", w("customer.name", store.OpStartsWith, "北京"), ids("d02")},
		{"startsWith through subform rows", w("lines.sku", store.OpStartsWith, "a"), ids("d01", "d06")},
		// containsAny, containsAll on arrays.
		{"containsAny", w("tags", store.OpContainsAny, []any{"red", "green"}), ids("d01", "d06")},
		{"containsAny none", w("tags", store.OpContainsAny, []any{"purple"}), ids()},
		{"containsAll two", w("tags", store.OpContainsAll, []any{"red", "blue"}), ids("d01")},
		{"containsAll one", w("tags", store.OpContainsAll, []any{"red"}), ids("d01", "d06")},
		{"containsAll three", w("tags", store.OpContainsAll, []string{"yellow", "red", "green"}), ids("d06")},
		// between: inclusive, one element of a subform must satisfy both ends.
		{"between numbers skips numeric strings", w("n", store.OpBetween, []any{5, 10}), ids("d01", "d02", "d07")},
		{"between negative", w("n", store.OpBetween, []any{-3, 0}), ids("d03")},
		{"between dates inclusive", w("date", store.OpBetween, []any{"2026-01-01", "2026-03-31"}), ids("d01", "d02")},
		{"between times inclusive", w("at", store.OpBetween, []any{at("2026-01-01T00:00:00Z"), at("2026-03-31T23:59:59.999999Z")}), ids("d01", "d02")},
		{"between times in a zone", w("at", store.OpBetween, []any{at("2026-01-01T00:00:00+08:00"), at("2026-01-01T08:00:00+08:00")}), ids("d01", "d06")},
		{"between through subform rows needs one row", w("lines.price", store.OpBetween, []any{20, 30}), ids("d01")},
		{"between low above high", w("n", store.OpBetween, []any{10, 5}), ids()},
		// Combinations.
		{"and", store.And(w("n", store.OpGte, 5), w("tags", store.OpEq, "blue")), ids("d01", "d02")},
		{"or", store.Or(w("name", store.OpEq, "Gamma"), w("n", store.OpGt, 9)), ids("d02", "d03")},
		{"not", store.Not(w("n", store.OpGt, 5)), ids("d01", "d03", "d04", "d05", "d06")},
		{"not not", store.Not(store.Not(w("n", store.OpEq, 5))), ids("d01")},
		{"and of or and not", store.And(store.Or(w("tags", store.OpEq, "red"), w("tags", store.OpEq, "blue")), store.Not(w("flag", store.OpEq, true))), ids("d02", "d06")},
		{"or of ands", store.Or(store.And(w("n", store.OpGt, 0), w("n", store.OpLt, 6)), store.And(w("name", store.OpStartsWith, "z"), w("flag", store.OpEq, 1))), ids("d01", "d06")},
		{"not of or", store.Not(store.Or(w("n", store.OpExists, false), w("n", store.OpEq, nil), w("n", store.OpGte, 5))), ids("d03", "d06")},
		{"system field id", w(store.FieldID, store.OpIn, []any{"d02", "d07", "d99"}), ids("d02", "d07")},
		{"system field version", w(store.FieldVersion, store.OpEq, 1), allFilterIDs},
		{"system field created_at", w(store.FieldCreatedAt, store.OpLte, t0), allFilterIDs},
		{"system field created_by", w(store.FieldCreatedBy, store.OpEq, actor), allFilterIDs},
	}
}

func testFilterOperators(f *fixture) {
	f.seed("items", append(filterDocs(), deletedFilterDoc))
	f.softDelete("items", deletedFilterDoc.id)
	for _, sc := range filterScenarios() {
		flt := sc.filter
		got := f.ids("items", store.Query{Filter: &flt})
		f.sameIDs(sc.name, got, sc.want)
		n, err := f.s.Count(f.ctx, "items", store.Query{Filter: &flt})
		if err != nil || n != int64(len(sc.want)) {
			f.t.Errorf("%s: Count = %d, %v, want %d", sc.name, n, err, len(sc.want))
		}
		// Not is the exact complement on every backend.
		neg := store.Not(flt)
		var rest []string
		for _, id := range allFilterIDs {
			if !slices.Contains(sc.want, id) {
				rest = append(rest, id)
			}
		}
		f.sameIDs("not("+sc.name+")", f.ids("items", store.Query{Filter: &neg}), rest)
	}
	f.sameIDs("nil filter", f.ids("items", store.Query{}), allFilterIDs)
}
