package sqlitestore

import (
	"cmp"
	"encoding/json"
	"strings"
)

// typeRank orders JSON values of different types as MongoDB's BSON order
// does: null, numbers, strings, objects, arrays, booleans.
func typeRank(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case float64:
		return 1
	case string:
		return 2
	case map[string]any:
		return 3
	case []any:
		return 4
	case bool:
		return 5
	}
	return 6
}

// compareValues orders two JSON values (see typeRank); containers compare
// by their JSON text, which is stable and good enough for grouping output.
func compareValues(a, b any) int {
	if r := cmp.Compare(typeRank(a), typeRank(b)); r != 0 {
		return r
	}
	switch x := a.(type) {
	case float64:
		return cmp.Compare(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case nil:
		return 0
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return strings.Compare(string(ja), string(jb))
}

func compareKeys(a, b []any) int {
	for i := range a {
		if r := compareValues(a[i], b[i]); r != 0 {
			return r
		}
	}
	return 0
}

// valueKey is a map key identifying a JSON value.
func valueKey(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
