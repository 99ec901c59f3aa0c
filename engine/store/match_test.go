package store_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

var matchT0 = time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)

// matchDoc is the document the unit scenarios run against. Data is written
// as a caller would before commit: ints, a time.Time and a []string.
func matchDoc() store.Document {
	return store.Document{
		ID: "r1", Version: 3, CreatedAt: matchT0, UpdatedAt: matchT0.Add(time.Hour),
		CreatedBy: "user_a", UpdatedBy: "user_b",
		Data: map[string]any{
			"n": 5, "f": 2.5, "s": "École Maternelle", "cn": "北京市朝阳区", "flag": true, "zero": 0,
			"null": nil, "blank": "", "none": []any{}, "obj0": map[string]any{},
			"tags":   []string{"red", "blue"},
			"mixed":  []any{"x", 1, true, nil, []any{"deep"}, map[string]any{"k": "v"}},
			"at":     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			"numstr": "7", "kilo": "Kilo", "street": "Hauptstraße",
			"obj":        map[string]any{"city": "Lyon", "inner": map[string]any{"k": 1}},
			"lines":      []any{map[string]any{"sku": "a1", "price": 10}, map[string]any{"sku": "B2", "price": 25.5, "tags": []any{"x"}}, "loose"},
			"empty_rows": []any{},
		},
	}
}

func TestMatchScenarios(t *testing.T) {
	w := store.Where
	tests := []struct {
		name string
		f    store.Filter
		want bool
	}{
		{"eq int data, float filter", w("n", store.OpEq, 5.0), true},
		{"eq float", w("f", store.OpEq, 2.5), true},
		{"eq number is not a numeric string", w("numstr", store.OpEq, 7), false},
		{"eq numeric string", w("numstr", store.OpEq, "7"), true},
		{"eq is case-sensitive", w("s", store.OpEq, "école maternelle"), false},
		{"eq true is not 1", w("flag", store.OpEq, 1), false},
		{"eq 0 is not false", w("zero", store.OpEq, false), false},
		{"eq bool", w("flag", store.OpEq, true), true},
		{"eq null on null", w("null", store.OpEq, nil), true},
		{"eq null on missing", w("nope", store.OpEq, nil), true},
		{"eq null on a value", w("n", store.OpEq, nil), false},
		{"eq null on a null element", w("mixed", store.OpEq, nil), true},
		{"eq any element of []string", w("tags", store.OpEq, "blue"), true},
		{"eq any element", w("mixed", store.OpEq, 1), true},
		{"eq does not reach into nested arrays", w("mixed", store.OpEq, "deep"), false},
		{"eq nested", w("obj.inner.k", store.OpEq, 1), true},
		{"eq through rows", w("lines.sku", store.OpEq, "B2"), true},
		{"eq null through a row without the field", w("lines.tags", store.OpEq, nil), true},
		{"eq null through an empty array has no candidate", w("empty_rows.sku", store.OpEq, nil), false},
		{"eq null under a scalar", w("n.x", store.OpEq, nil), true},
		{"eq time as TimeLayout text", w("at", store.OpEq, time.Date(2026, 1, 2, 11, 4, 5, 0, time.FixedZone("CST", 8*3600))), true},
		{"ne complement", w("n", store.OpNe, 5), false},
		{"ne missing", w("nope", store.OpNe, 5), true},
		{"ne on arrays means no element equals", w("tags", store.OpNe, "red"), false},
		{"ne null means present and not null", w("n", store.OpNe, nil), true},
		{"ne null through an empty array", w("empty_rows.sku", store.OpNe, nil), true},
		{"gt numbers", w("n", store.OpGt, 4.9), true},
		{"gt skips numeric strings", w("numstr", store.OpGt, 1), false},
		{"gt skips booleans", w("flag", store.OpGt, 0), false},
		{"strings compare by bytes, É after z", w("s", store.OpGt, "z"), true},
		{"lt string skips numbers", w("n", store.OpLt, "9"), false},
		{"gte string on time", w("at", store.OpGte, "2026-01-02T03:04:05.000000Z"), true},
		{"lte through rows", w("lines.price", store.OpLte, 10), true},
		{"in mixed", w("n", store.OpIn, []any{"5", 5}), true},
		{"in empty", w("n", store.OpIn, []any{}), false},
		{"in null missing", w("nope", store.OpIn, []any{nil}), true},
		{"nin empty", w("n", store.OpNin, []any{}), true},
		{"nin element", w("tags", store.OpNin, []any{"green", "red"}), false},
		{"exists null", w("null", store.OpExists, true), true},
		{"exists missing", w("nope", store.OpExists, false), true},
		{"exists through rows", w("lines.tags", store.OpExists, true), true},
		{"exists through an empty array", w("empty_rows.sku", store.OpExists, false), true},
		{"empty missing", w("nope", store.OpEmpty, true), true},
		{"empty null", w("null", store.OpEmpty, true), true},
		{"empty string", w("blank", store.OpEmpty, true), true},
		{"empty array", w("none", store.OpEmpty, true), true},
		{"empty object", w("obj0", store.OpEmpty, true), true},
		{"empty zero is not empty", w("zero", store.OpEmpty, true), false},
		{"empty looks at the array, not its elements", w("mixed", store.OpEmpty, true), false},
		{"not empty", w("s", store.OpEmpty, false), true},
		{"empty through an empty array has no candidate", w("empty_rows.sku", store.OpEmpty, true), false},
		{"contains folds case", w("s", store.OpContains, "maternelle"), true},
		{"contains folds non-ASCII", w("s", store.OpContains, "éCOLE"), true},
		{"contains Kelvin sign folds to k", w("kilo", store.OpContains, "\u212ailo"), true},
		{"contains simple folding keeps ß apart from ss", w("street", store.OpContains, "STRASSE"), false},
		{"contains ß folds to ẞ", w("street", store.OpContains, "STRA\u1e9eE"), true},
		{"contains Chinese", w("cn", store.OpContains, "朝阳"), true},
		{"contains empty matches strings", w("blank", store.OpContains, ""), true},
		{"contains skips numbers", w("n", store.OpContains, "5"), false},
		{"contains through rows", w("lines.sku", store.OpContains, "b"), true},
		{"contains on elements", w("tags", store.OpContains, "LU"), true},
		{"startsWith case-sensitive", w("s", store.OpStartsWith, "éc"), false},
		{"startsWith", w("cn", store.OpStartsWith, "北京"), true},
		{"startsWith empty matches strings only", w("n", store.OpStartsWith, ""), false},
		{"containsAny", w("tags", store.OpContainsAny, []any{"green", "blue"}), true},
		{"containsAny on a scalar", w("n", store.OpContainsAny, []any{5}), true},
		{"containsAll", w("tags", store.OpContainsAll, []any{"blue", "red"}), true},
		{"containsAll missing one", w("tags", store.OpContainsAll, []any{"blue", "green"}), false},
		{"containsAll across rows", w("lines.sku", store.OpContainsAll, []any{"a1", "B2"}), true},
		{"between inclusive", w("n", store.OpBetween, []any{5, 5}), true},
		{"between needs one element for both bounds", w("lines.price", store.OpBetween, []any{11, 20}), false},
		{"between strings", w("at", store.OpBetween, []any{"2026-01-01", "2026-01-03"}), true},
		{"between low above high", w("n", store.OpBetween, []any{6, 4}), false},
		{"system id", w(store.FieldID, store.OpEq, "r1"), true},
		{"system version", w(store.FieldVersion, store.OpGte, 3), true},
		{"system version is a number, not text", w(store.FieldVersion, store.OpEq, "3"), false},
		{"system created_at", w(store.FieldCreatedAt, store.OpEq, matchT0), true},
		{"system updated_at", w(store.FieldUpdatedAt, store.OpGt, matchT0), true},
		{"system created_by", w(store.FieldCreatedBy, store.OpEq, "user_a"), true},
		{"system updated_by", w(store.FieldUpdatedBy, store.OpIn, []any{"user_b"}), true},
		{"system deleted_at of a live document is missing", w(store.FieldDeletedAt, store.OpExists, false), true},
		{"system deleted_at eq null", w(store.FieldDeletedAt, store.OpEq, nil), true},
		{"and", store.And(w("n", store.OpEq, 5), w("flag", store.OpEq, true)), true},
		{"or", store.Or(w("n", store.OpEq, 6), w("flag", store.OpEq, false)), false},
		{"not", store.Not(w("n", store.OpGt, 5)), true},
		{"not of missing", store.Not(w("nope", store.OpGt, 5)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := matchDoc()
			got, err := store.Match(d, &tc.f)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
			neg := store.Not(tc.f)
			if n, _ := store.Match(d, &neg); n == got {
				t.Errorf("Match(not) = %v, want the complement", n)
			}
			m, err := store.NewMatcher(&tc.f)
			if err != nil {
				t.Fatalf("NewMatcher: %v", err)
			}
			if m.Match(&d) != got {
				t.Errorf("Matcher.Match differs from Match")
			}
		})
	}
}

func TestMatchDeletedAt(t *testing.T) {
	d := matchDoc()
	del := matchT0.Add(2 * time.Hour)
	d.DeletedAt = &del
	f := store.Where(store.FieldDeletedAt, store.OpGte, matchT0)
	if ok, err := store.Match(d, &f); err != nil || !ok {
		t.Errorf("deleted_at gte: %v, %v", ok, err)
	}
}

func TestMatchNil(t *testing.T) {
	if ok, err := store.Match(store.Document{}, nil); !ok || err != nil {
		t.Errorf("Match(nil) = %v, %v", ok, err)
	}
	m, err := store.NewMatcher(nil)
	if err != nil || !m.Match(&store.Document{}) {
		t.Errorf("NewMatcher(nil) = %v, %v", m, err)
	}
	var none *store.Matcher
	if !none.Match(&store.Document{}) {
		t.Error("nil *Matcher does not match everything")
	}
}

func TestMatchRefusesLikeNormalize(t *testing.T) {
	tests := map[string]store.Filter{
		"unknown operator": store.Where("a", "regex", ".*"),
		"bad path":         store.Where("a..b", store.OpEq, 1),
		"system typo":      store.Where("_secret", store.OpEq, 1),
		"gt null":          store.Where("a", store.OpGt, nil),
		"eq list":          store.Where("a", store.OpEq, []any{1}),
		"empty and":        {And: []store.Filter{}},
		"bad node inside":  store.And(store.Where("a", store.OpEq, 1), store.Not(store.Where("b", "like", "%"))),
		"between mixed":    store.Where("a", store.OpBetween, []any{1, "z"}),
		"containsAll none": store.Where("a", store.OpContainsAll, []any{}),
	}
	for name, f := range tests {
		_, want := f.Normalize()
		_, err := store.Match(matchDoc(), &f)
		var fe *store.FilterError
		if !errors.Is(err, store.ErrInvalidFilter) || !errors.As(err, &fe) || want == nil || err.Error() != want.Error() {
			t.Errorf("%s: Match error %v, Normalize error %v", name, err, want)
		}
		if _, err := store.NewMatcher(&f); err == nil || err.Error() != want.Error() {
			t.Errorf("%s: NewMatcher error %v, want %v", name, err, want)
		}
	}
}

// FuzzMatch feeds arbitrary JSON filters and documents: Match never panics,
// agrees with Matcher, and not is its exact complement.
func FuzzMatch(f *testing.F) {
	f.Add([]byte(`{"field":"a","op":"eq","value":1}`), []byte(`{"a":[1,{"b":null}]}`))
	f.Add([]byte(`{"and":[{"field":"a.b","op":"contains","value":"É"},{"not":{"field":"_id","op":"in","value":["x",null]}}]}`), []byte(`{"a":[{"b":"école"},[]]}`))
	f.Add([]byte(`{"or":[{"field":"a","op":"between","value":[1,2]},{"field":"a","op":"empty","value":true}]}`), []byte(`{"a":{}}`))
	f.Add([]byte(`{"field":"a","op":"containsAll","value":["x","y"]}`), []byte(`{"a":["y","x"]}`))
	f.Add([]byte(`{"field":"a","op":"startsWith","value":"\u00ff"}`), []byte(`{"a":"\u00ffz"}`))
	f.Fuzz(func(t *testing.T, filterJSON, dataJSON []byte) {
		var flt store.Filter
		if json.Unmarshal(filterJSON, &flt) != nil {
			return
		}
		var data map[string]any
		if json.Unmarshal(dataJSON, &data) != nil {
			return
		}
		d := store.Document{ID: "x", Version: 1, CreatedAt: matchT0, UpdatedAt: matchT0, CreatedBy: "u", UpdatedBy: "u", Data: data}
		ok, err := store.Match(d, &flt)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("error %v is not ErrInvalidFilter", err)
			}
			return
		}
		m, err := store.NewMatcher(&flt)
		if err != nil || m.Match(&d) != ok {
			t.Fatalf("Matcher disagrees: %v", err)
		}
		neg := store.Not(flt)
		if n, err := store.Match(d, &neg); err == nil && n == ok {
			t.Fatalf("not is not the complement")
		}
	})
}

// BenchmarkMatch measures one row-filter check on a typical record: Match
// on a canonical filter (float64 numbers, as decoded from JSON), Match on a
// filter built with ints (normalized on every call), and a prepared Matcher.
func BenchmarkMatch(b *testing.B) {
	rowFilter := func(amount any) store.Filter {
		return store.And(
			store.Where(store.FieldCreatedBy, store.OpEq, "user_a"),
			store.Or(store.Where("stage", store.OpIn, []any{"won", "lost", "open"}), store.Where("amount", store.OpGte, amount)),
			store.Where("lines.sku", store.OpContains, "b2"),
			store.Not(store.Where("archived", store.OpEq, true)),
		)
	}
	d := store.Document{ID: "r1", Version: 3, CreatedAt: matchT0, UpdatedAt: matchT0, CreatedBy: "user_a", UpdatedBy: "user_a",
		Data: map[string]any{
			"stage": "open", "amount": 250.0, "archived": false, "customer": map[string]any{"name": "北京市朝阳区客户"},
			"lines": []any{map[string]any{"sku": "a1", "price": 10.0}, map[string]any{"sku": "B2", "price": 25.5}},
		}}
	for _, bc := range []struct {
		name string
		flt  store.Filter
	}{{"Match/canonical", rowFilter(1000.0)}, {"Match/ints", rowFilter(1000)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := store.Match(d, &bc.flt); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
	b.Run("Matcher", func(b *testing.B) {
		flt := rowFilter(1000)
		m, err := store.NewMatcher(&flt)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if !m.Match(&d) {
				b.Fatal("no match")
			}
		}
	})
}
