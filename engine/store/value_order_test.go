package store

import "testing"

func TestCompareValues(t *testing.T) {
	ordered := []any{nil, -1.5, 0.0, 2.0, "", "A", "a", "b", map[string]any{"a": 1.0}, []any{1.0}, false, true}
	for i := range ordered {
		for j := range ordered {
			got := CompareValues(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if sign(got) != want {
				t.Errorf("CompareValues(%v, %v) = %d, want sign %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
