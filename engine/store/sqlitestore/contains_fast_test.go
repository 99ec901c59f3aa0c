package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestContainsFoldFreeMatchesFolding checks the instr plan of "contains"
// (a needle with no cased rune) and its LIKE plan (an ASCII needle) against
// the folding rule they stand for,
// on random strings mixing cased and uncased runes, numbers, arrays and
// missing values, read from JSON and from value columns.
func TestContainsFoldFreeMatchesFolding(t *testing.T) {
	s := openTest(t)
	r := rand.New(rand.NewPCG(7, 11))
	alphabet := []rune("a1-张三K\u212aß%_é朝阳 .sSkſ\\A")
	word := func() string {
		var b strings.Builder
		for n := r.IntN(6); n >= 0; n-- {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	docs := map[string]map[string]any{}
	for i := 0; i < 300; i++ {
		var v any
		switch r.IntN(6) {
		case 0:
			v = float64(r.IntN(100))
		case 1:
			v = []any{word(), word()}
		case 2: // missing
		default:
			v = word()
		}
		d := map[string]any{}
		if v != nil {
			d["s"] = v
			if _, arr := v.([]any); !arr {
				d["p"] = v // a plain path (never an array): it gets a value column
			}
		}
		docs[fmt.Sprintf("d%03d", i)] = d
	}
	seed(t, s, "c", docs)
	matches := func(v any, needle string) bool {
		switch x := v.(type) {
		case string:
			return strings.Contains(foldString(x), foldString(needle))
		case []any:
			for _, e := range x {
				if str, ok := e.(string); ok && strings.Contains(foldString(str), foldString(needle)) {
					return true
				}
			}
		}
		return false
	}
	needles := []string{"", "1", "张", "张三", "-", "%", "_", "朝阳", " .", "1-", // instr
		"a", "A", "k", "K", "s", "ss", "aK", "%a", "_s", "\\", "a\\", "Sk", "a-1"} // LIKE
	for round := 0; round < 2; round++ { // JSON, then value columns
		for _, c := range needles {
			for _, path := range []string{"s", "p"} {
				checkContains(t, s, docs, path, c, matches)
			}
		}
		syncWriter(t, s)
	}
	for _, n := range []string{"k", "K", "é", "ss", "a"} {
		if foldFree(n) {
			t.Fatalf("%q has other cases", n)
		}
	}
}

func checkContains(t *testing.T, s *Store, docs map[string]map[string]any, path, n string, matches func(any, string) bool) {
	t.Helper()
	f := store.Where(path, store.OpContains, n)
	p, err := s.Find(context.Background(), "c", store.Query{Filter: &f, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(p)
	var want []string
	for id, d := range docs {
		if matches(d[path], n) {
			want = append(want, id)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s contains %q: got %v, want %v", path, n, got, want)
	}
}
