package storetest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// The reference order the suite expects from every backend: within a sort
// key, missing and null come first, then numbers by value, then strings by
// bytes; Desc reverses that (so missing and null come last); ties are broken
// by id ascending. The suite's sort data never mixes numbers and strings in
// one field, so only the null rule and the id tie-break are contract.

// pathValue reads a dotted path of nested objects; ok is false when missing.
func pathValue(data map[string]any, path string) (any, bool) {
	var cur any = data
	for _, seg := range strings.Split(path, ".") {
		m, isMap := cur.(map[string]any)
		if !isMap {
			return nil, false
		}
		v, ok := m[seg]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

func typeRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case float64, int:
		return 1
	case string:
		return 2
	}
	return 3
}

func compareValues(a, b any) int {
	if r := cmp.Compare(typeRank(a), typeRank(b)); r != 0 {
		return r
	}
	switch x := a.(type) {
	case float64:
		return cmp.Compare(x, toFloat(b))
	case int:
		return cmp.Compare(float64(x), toFloat(b))
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}

// refOrder returns the ids of docs in the order keys prescribe.
func refOrder(docs []doc, keys []store.SortKey) []string {
	sorted := slices.Clone(docs)
	slices.SortStableFunc(sorted, func(a, b doc) int {
		for _, k := range keys {
			av, _ := pathValue(a.data, k.Field)
			bv, _ := pathValue(b.data, k.Field)
			if k.Field == store.FieldID {
				av, bv = a.id, b.id
			}
			r := compareValues(av, bv)
			if k.Desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]string, len(sorted))
	for i, d := range sorted {
		out[i] = d.id
	}
	return out
}
