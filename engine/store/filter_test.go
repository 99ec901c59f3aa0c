package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func nested(depth int) store.Filter {
	f := store.Where("a", store.OpEq, 1)
	for range depth {
		f = store.And(f)
	}
	return f
}

func wide(n int) store.Filter {
	list := make([]store.Filter, n)
	for i := range list {
		list[i] = store.Where("a", store.OpEq, i)
	}
	return store.Or(list...)
}

func TestNormalizeAcceptsAndCanonicalizes(t *testing.T) {
	when := time.Date(2026, 1, 2, 11, 4, 5, 6007008, time.FixedZone("CST", 8*3600))
	tests := []struct {
		name string
		in   store.Filter
		want store.Filter
	}{
		{"int becomes float64", store.Where("n", store.OpEq, 3), store.Where("n", store.OpEq, 3.0)},
		{"eq null", store.Where("n", store.OpEq, nil), store.Where("n", store.OpEq, nil)},
		{"json number", store.Where("n", store.OpGt, json.Number("2.5")), store.Where("n", store.OpGt, 2.5)},
		{"time becomes TimeLayout", store.Where("at", store.OpLt, when), store.Where("at", store.OpLt, "2026-01-02T03:04:05.006007Z")},
		{"string list", store.Where("tags", store.OpIn, []string{"a", "b"}), store.Where("tags", store.OpIn, []any{"a", "b"})},
		{"float list", store.Where("n", store.OpNin, []float64{1, 2}), store.Where("n", store.OpNin, []any{1.0, 2.0})},
		{"in with null", store.Where("n", store.OpIn, []any{nil, int64(4)}), store.Where("n", store.OpIn, []any{nil, 4.0})},
		{"empty in list", store.Where("n", store.OpIn, []any{}), store.Where("n", store.OpIn, []any{})},
		{"between times", store.Where("at", store.OpBetween, []any{when, when}), store.Where("at", store.OpBetween, []any{"2026-01-02T03:04:05.006007Z", "2026-01-02T03:04:05.006007Z"})},
		{"between dates", store.Where("d", store.OpBetween, []string{"2026-01-01", "2026-03-31"}), store.Where("d", store.OpBetween, []any{"2026-01-01", "2026-03-31"})},
		{"system field", store.Where(store.FieldUpdatedAt, store.OpGte, "2026"), store.Where(store.FieldUpdatedAt, store.OpGte, "2026")},
		{"nested path", store.Where("customer.address.city", store.OpContains, "é"), store.Where("customer.address.city", store.OpContains, "é")},
		{"exists false", store.Where("a", store.OpExists, false), store.Where("a", store.OpExists, false)},
		{"combination", store.Or(store.Not(store.Where("a", store.OpEq, 1)), store.And(store.Where("b", store.OpEmpty, true))),
			store.Or(store.Not(store.Where("a", store.OpEq, 1.0)), store.And(store.Where("b", store.OpEmpty, true)))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Normalize()
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("Normalize = %#v, want %#v", *got, tc.want)
			}
		})
	}
	var none *store.Filter
	if got, err := none.Normalize(); got != nil || err != nil {
		t.Errorf("nil filter normalizes to %v, %v, want nil, nil", got, err)
	}
	widest, deepest := wide(store.MaxFilterNodes-1), nested(store.MaxFilterDepth)
	if _, err := widest.Normalize(); err != nil {
		t.Errorf("filter of %d nodes: %v", store.MaxFilterNodes, err)
	}
	if _, err := deepest.Normalize(); err != nil {
		t.Errorf("filter %d levels deep: %v", store.MaxFilterDepth, err)
	}
}

func TestNormalizeRefuses(t *testing.T) {
	long := make([]any, store.MaxListValues+1)
	for i := range long {
		long[i] = i
	}
	tests := []struct {
		name   string
		in     store.Filter
		reason string
	}{
		{"unknown operator", store.Where("a", "regex", "x"), "unknown operator"},
		{"dollar operator", store.Where("a", "$where", "x"), "unknown operator"},
		{"missing operator", store.Where("a", "", 1), "missing operator"},
		{"empty field", store.Where("", store.OpEq, 1), "empty field path"},
		{"dollar in path", store.Where("a.$b", store.OpEq, 1), "segment"},
		{"dollar path", store.Where("$where", store.OpEq, 1), "segment"},
		{"NUL in path", store.Where("a\x00", store.OpEq, 1), "segment"},
		{"empty segment", store.Where("a..b", store.OpEq, 1), "segment"},
		{"trailing dot", store.Where("a.", store.OpEq, 1), "segment"},
		{"upper case", store.Where("Name", store.OpEq, 1), "segment"},
		{"unknown system field", store.Where("_owner", store.OpEq, 1), "segment"},
		{"nine segments", store.Where("a.b.c.d.e.f.g.h.i", store.OpEq, 1), "deeper than"},
		{"segment too long", store.Where("a"+strings.Repeat("b", 63), store.OpEq, 1), "segment"},
		{"eq list", store.Where("a", store.OpEq, []any{1}), "single"},
		{"eq object", store.Where("a", store.OpEq, map[string]any{"$ne": 1}), "single"},
		{"eq unsupported type", store.Where("a", store.OpEq, struct{}{}), "unsupported type"},
		{"eq NaN", store.Where("a", store.OpEq, nan()), "finite"},
		{"gt bool", store.Where("a", store.OpGt, true), "number, a date or a string"},
		{"gt null", store.Where("a", store.OpGt, nil), "must not be null"},
		{"in scalar", store.Where("a", store.OpIn, "x"), "must be a list"},
		{"in object item", store.Where("a", store.OpIn, []any{map[string]any{}}), "item 0"},
		{"in too long", store.Where("a", store.OpIn, long), "more than"},
		{"containsAll empty", store.Where("a", store.OpContainsAll, []any{}), "at least one"},
		{"containsAny empty", store.Where("a", store.OpContainsAny, []string{}), "at least one"},
		{"exists string", store.Where("a", store.OpExists, "true"), "true or false"},
		{"empty null", store.Where("a", store.OpEmpty, nil), "true or false"},
		{"contains number", store.Where("a", store.OpContains, 1), "must be a string"},
		{"contains NUL", store.Where("a", store.OpContains, "x\x00y"), "NUL"},
		{"eq NUL", store.Where("a", store.OpEq, "\x00"), "NUL"},
		{"startsWith invalid UTF-8", store.Where("a", store.OpStartsWith, "\xc3"), "UTF-8"},
		{"string too long", store.Where("a", store.OpEq, strings.Repeat("é", store.MaxStringValue)), "longer than"},
		{"between one", store.Where("a", store.OpBetween, []any{1}), "two values"},
		{"between three", store.Where("a", store.OpBetween, []any{1, 2, 3}), "two values"},
		{"between scalar", store.Where("a", store.OpBetween, 1), "two values"},
		{"between mixed", store.Where("a", store.OpBetween, []any{1, "b"}), "same type"},
		{"between null", store.Where("a", store.OpBetween, []any{nil, 1}), "must not be null"},
		{"empty node", store.Filter{}, "exactly one"},
		{"value without field", store.Filter{Value: 1}, "empty field path"},
		{"two kinds", store.Filter{And: []store.Filter{store.Where("a", store.OpEq, 1)}, Field: "b", Op: store.OpEq}, "exactly one"},
		{"and and or", store.Filter{And: []store.Filter{store.Where("a", store.OpEq, 1)}, Or: []store.Filter{store.Where("a", store.OpEq, 1)}}, "exactly one"},
		{"empty and", store.Filter{And: []store.Filter{}}, "at least one"},
		{"empty or", store.Filter{Or: []store.Filter{}}, "at least one"},
		{"too deep", nested(store.MaxFilterDepth + 1), "deeper than"},
		{"too many nodes", wide(store.MaxFilterNodes), "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Normalize()
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("Normalize error = %v, want ErrInvalidFilter", err)
			}
			var fe *store.FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("%v is not a *FilterError", err)
			}
			if !strings.Contains(fe.Reason, tc.reason) {
				t.Errorf("reason %q does not mention %q", fe.Reason, tc.reason)
			}
		})
	}
}

func TestNormalizeErrorLocatesNode(t *testing.T) {
	f := store.And(store.Where("a", store.OpEq, 1), store.Or(store.Where("b", store.OpEq, 1), store.Not(store.Where("c", "like", "%"))))
	_, err := f.Normalize()
	var fe *store.FilterError
	if !errors.As(err, &fe) || fe.Path != "and[1].or[1].not" {
		t.Fatalf("error = %v, want a FilterError at and[1].or[1].not", err)
	}
	if !strings.Contains(err.Error(), "and[1].or[1].not") {
		t.Errorf("message %q does not name the node", err.Error())
	}
}

func TestNormalizeDoesNotAlias(t *testing.T) {
	list := []any{1, 2}
	f := store.Where("a", store.OpIn, list)
	got, err := f.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	got.Value.([]any)[0] = "changed"
	if list[0] != 1 {
		t.Errorf("Normalize shares the caller's list")
	}
}

func TestFilterJSONForm(t *testing.T) {
	var f store.Filter
	src := `{"and":[{"field":"stage","op":"eq","value":"won"},{"or":[{"field":"amount","op":"gt","value":10},{"not":{"field":"tags","op":"containsAny","value":["x"]}}]}]}`
	if err := json.Unmarshal([]byte(src), &f); err != nil {
		t.Fatal(err)
	}
	got, err := f.Normalize()
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	want := store.And(store.Where("stage", store.OpEq, "won"),
		store.Or(store.Where("amount", store.OpGt, 10.0), store.Not(store.Where("tags", store.OpContainsAny, []any{"x"}))))
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("decoded %#v, want %#v", *got, want)
	}
	for _, bad := range []string{`{"field":"a","op":"$regex","value":"x"}`, `{"field":"a.$gt","op":"eq","value":1}`, `{"and":[{}]}`} {
		var g store.Filter
		if err := json.Unmarshal([]byte(bad), &g); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Normalize(); !errors.Is(err, store.ErrInvalidFilter) {
			t.Errorf("%s: error %v, want ErrInvalidFilter", bad, err)
		}
	}
}

func TestOpsListsEveryOperator(t *testing.T) {
	for _, op := range store.Ops {
		var v any = 1
		switch op {
		case store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll, store.OpBetween:
			v = []any{1, 2}
		case store.OpExists, store.OpEmpty:
			v = true
		case store.OpContains, store.OpStartsWith:
			v = "x"
		}
		f := store.Where("a", op, v)
		if _, err := f.Normalize(); err != nil {
			t.Errorf("operator %s: %v", op, err)
		}
	}
	if len(store.Ops) != 15 {
		t.Errorf("Ops has %d operators, want 15", len(store.Ops))
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}
