package expr

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hostileExpressions try to burn CPU or memory. Each must be refused at
// compile time or finish (with a result or an error) within the bound.
func hostileExpressions() []string {
	doubling := func(n int, seed string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "let v0 = %s; ", seed)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "let v%d = v%d + v%d; ", i, i-1, i-1)
		}
		fmt.Fprintf(&b, "len(v%d)", n)
		return b.String()
	}
	sorts := func(n int) string {
		var b strings.Builder
		b.WriteString("let a = 1..9000; ")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "let s%d = sort(a); ", i)
		}
		b.WriteString("1")
		return b.String()
	}
	equalities := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "a == a"
		}
		return "let a = 1..9000; " + strings.Join(parts, " && ")
	}
	return []string{
		// huge ranges
		`1..1000000000`,
		`len(1..1000000000)`,
		`count(1..100000000, # > 0)`,
		`sum(1..100000000)`,
		`0..9223372036854775807`,
		`-9223372036854775807..9223372036854775807`,
		`map(1..19999, #)`,
		// nested closures
		`map(1..1000, map(1..1000, #))`,
		`all(1..1000, all(1..1000, all(1..1000, true)))`,
		`let a = 1..1000; all(a, all(a, all(a, true)))`,
		`let a = 1..5000; count(a, any(a, # == 0))`,
		`reduce(1..1000, reduce(1..1000, #acc + 1, 0), 0)`,
		`filter(1..1000, none(1..1000, # > 2000))`,
		`let a = 1..3000; sum(a, sum(a, #))`,
		`groupBy(1..5000, map(1..5000, #))`,
		`sortBy(1..9000, -#)`,
		`map(1..100, map(1..100, map(1..100, #)))`,
		`let a = map(1..9000, #); find(a, any(a, # < 0))`,
		// string growth
		doubling(40, `"xxxxxxxxxxxxxxxx"`),
		doubling(20, `name`),
		`reduce(1..30, #acc + #acc, "x")`,
		`reduce(1..5000, #acc + "0123456789abcdef0123456789abcdef", "")`,
		`CONCATENATE(` + strings.Repeat(`name, `, 300) + `name)`,
		`repeat("x", 1000000000)`,
		`replace(name, "", name)`,
		`join(map(1..9000, name), name)`,
		`toJSON(1..9000)`,
		`string(1..9000)`,
		`let s = reduce(1..12, #acc + #acc, "x"); len(split(s, ""))`,
		`let s = reduce(1..11, #acc + #acc, "xxxxxxxx"); upper(s) + lower(s) + upper(s) + lower(s)`,
		// deep nesting
		strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000),
		strings.Repeat("-", 3000) + "1",
		strings.Repeat("!", 3000) + "true",
		strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
		strings.Repeat("IF(true, ", 300) + "1" + strings.Repeat(")", 300),
		strings.Repeat("ABS(", 500) + "1" + strings.Repeat(")", 500),
		strings.Repeat("map(items, ", 200) + "1" + strings.Repeat(")", 200),
		`{` + strings.Repeat(`a: {`, 500) + `1` + strings.Repeat(`}`, 500) + `}`,
		// giant literals and long sources
		`"` + strings.Repeat("x", 5000) + `"`,
		strings.Repeat("9", 4000),
		`[` + strings.Repeat("1,", 1500) + `1]`,
		strings.Repeat("amount + ", 500) + "1",
		strings.Repeat(`name + `, 450) + `name`,
		`1e999999`,
		// recursion-like and self-reference
		`let f = 1; let f = f + 1; f`,
		`let a = [1]; let b = [a, a]; let c = [b, b]; let d = [c, c]; let e = [d, d]; let f = [e, e]; toJSON(f)`,
		`let a = [1,1,1,1,1,1,1,1,1,1]; let b = map(a, a); let c = map(b, b); let d = map(c, c); let e = map(d, d); len(e)`,
		equalities(400),
		sorts(300),
		`let a = 1..9000; ` + strings.Repeat(`5000 in a && `, 300) + `true`,
		// big number operations
		`2 ** 99999999`,
		`9223372036854775807 * 9223372036854775807`,
		`1 / 0`,
		`MOD(1e308, 1e-308)`,
		`ROUND(1e308, 15)`,
		`TEXT(1e308, "#,##0.00")`,
		`TEXT(1, "0.` + strings.Repeat("0", 3000) + `")`,
		`WORKDAY(due, 2999999)`,
		`DATEADD(due, 99999999, "minute")`,
		`DATE(9999, 120000, 1e9)`,
		`VALUE("` + strings.Repeat("9", 3000) + `")`,
		// regular expressions
		`name matches "(a*)*b"`,
		`name matches "(a|aa)*c"`,
		`name matches "(x+x+)+y"`,
		`name matches "((a{1000}){1000}){1000}"`,
		`name matches "` + strings.Repeat("(a?)", 1000) + strings.Repeat("a", 100) + `"`,
		`reduce(1..11, #acc + #acc, "a") matches "(a*)*b"`,
		`name matches stage`,
	}
}

func TestHostileExpressions(t *testing.T) {
	const bound = 5 * time.Millisecond
	exprs := hostileExpressions()
	if len(exprs) < 50 {
		t.Fatalf("only %d hostile expressions", len(exprs))
	}
	for i, src := range exprs {
		compileStart := time.Now()
		p, err := Compile(src, testEnv(), Any)
		if d := time.Since(compileStart); d > 500*time.Millisecond {
			t.Errorf("#%d %.60q: compile took %v", i, src, d)
		}
		if err != nil {
			t.Logf("#%d rejected: %.80v", i, err)
			continue // rejected at compile time
		}
		// The minimum of several runs keeps a loaded machine (go test runs
		// packages in parallel on two cores) from failing the bound; a run
		// that really loops stays slow every time.
		best := time.Hour
		var runErr error
		for range 10 {
			start := time.Now()
			_, runErr = p.Run(testInput())
			best = min(best, time.Since(start))
			if best < bound {
				break
			}
		}
		t.Logf("#%d ran in %v: %.60v", i, best, runErr)
		if best > bound && !raceEnabled {
			t.Errorf("#%d %.60q: run took %v, bound %v", i, src, best, bound)
		}
	}
}
