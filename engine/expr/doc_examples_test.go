package expr

import "testing"

// TestDocExamples runs examples quoted in docs/expressions.md that the
// library table does not already cover.
func TestDocExamples(t *testing.T) {
	for _, src := range []string{
		`now - created > duration("24h")`,
		`due < TODAY()`,
		`items | map(.qty) | sum()`,
		`"amount" in new`,
		`(note ?? 0) * 2`,
		`COUNT(filter(items, .qty > 10))`,
		`reduce(items, #acc + .qty, 0)`,
		`user?.email endsWith "@example.com"`,
	} {
		if _, err := run(t, src); err != nil {
			t.Errorf("%s: %v", src, err)
		}
	}
}
