package sqlitestore

import (
	"encoding/json"

	"github.com/formloom/formloom/engine/store"
)

func compareKeys(a, b []any) int {
	for i := range a {
		if r := store.CompareValues(a[i], b[i]); r != 0 {
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
