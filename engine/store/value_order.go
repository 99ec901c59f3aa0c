package store

import (
	"cmp"
	"encoding/json"
	"strings"
)

// typeRank orders values of different types as MongoDB's BSON order does:
// null, numbers, strings, objects, arrays, booleans.
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

// CompareValues orders two values of the canonical value model the way
// every backend sorts them: by type (null, numbers, strings, objects,
// arrays, booleans), then by value; strings by bytes, false before true,
// objects and arrays by their JSON text. Backends use it wherever they order
// values in Go (distinct values, groups, cursor checks).
func CompareValues(a, b any) int {
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
