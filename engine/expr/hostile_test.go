package expr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// outcome is what a hostile expression must come to.
type outcome int

const (
	refusedTooLong     outcome = iota // compile: too_long
	refusedTooComplex                 // compile: too_complex
	refusedSyntax                     // compile: syntax
	refusedType                       // compile: type_mismatch
	refusedUnknown                    // compile: unknown_name (disabled builtins)
	refusedUnsupported                // compile: unsupported
	runRefused                        // run: ErrLimit (work, memory or text budget)
	runFails                          // run: an ordinary error (out of range, bad format)
	runs                              // run: a result, within the work budget
)

var refusedCodes = map[outcome]string{
	refusedTooLong: CodeTooLong, refusedTooComplex: CodeTooComplex, refusedSyntax: CodeSyntax,
	refusedType: CodeTypeMismatch, refusedUnknown: CodeUnknownName, refusedUnsupported: CodeUnsupported,
}

type hostile struct {
	src  string
	want outcome
}

// hostileExpressions try to burn CPU or memory. Each is refused at compile
// time, refused at run time by a budget (ErrLimit), fails with an ordinary
// run error, or runs within its work budget: the expected outcome is part
// of the table, so a change in how the budget counts shows up as a failure
// here, not as a slow run.
func hostileExpressions() []hostile {
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
	return []hostile{
		// huge ranges
		{`1..1000000000`, runRefused},
		{`len(1..1000000000)`, runRefused},
		{`count(1..100000000, # > 0)`, runRefused},
		{`sum(1..100000000)`, runRefused},
		{`0..9223372036854775807`, runs},
		{`-9223372036854775807..9223372036854775807`, runs},
		{`map(1..19999, #)`, runRefused},
		// nested closures
		{`map(1..1000, map(1..1000, #))`, runRefused},
		{`all(1..1000, all(1..1000, all(1..1000, true)))`, runRefused},
		{`let a = 1..1000; all(a, all(a, all(a, true)))`, runRefused},
		{`let a = 1..5000; count(a, any(a, # == 0))`, runRefused},
		{`reduce(1..1000, reduce(1..1000, #acc + 1, 0), 0)`, runRefused},
		{`filter(1..1000, none(1..1000, # > 2000))`, runRefused},
		{`let a = 1..3000; sum(a, sum(a, #))`, runRefused},
		{`groupBy(1..5000, map(1..5000, #))`, runRefused},
		{`sortBy(1..9000, -#)`, runs},
		{`map(1..100, map(1..100, map(1..100, #)))`, runRefused},
		{`let a = map(1..9000, #); find(a, any(a, # < 0))`, runRefused},
		// string growth
		{doubling(40, `"xxxxxxxxxxxxxxxx"`), runRefused},
		{doubling(20, `name`), runRefused},
		{`reduce(1..30, #acc + #acc, "x")`, runRefused},
		{`reduce(1..5000, #acc + "0123456789abcdef0123456789abcdef", "")`, runRefused},
		{`CONCATENATE(` + strings.Repeat(`name, `, 300) + `name)`, runs},
		{`repeat("x", 1000000000)`, refusedUnknown},
		{`replace(name, "", name)`, refusedUnknown},
		{`join(map(1..9000, name), name)`, refusedUnknown},
		{`toJSON(1..9000)`, refusedUnknown},
		{`string(1..9000)`, refusedUnknown},
		{`let s = reduce(1..12, #acc + #acc, "x"); len(split(s, ""))`, runs},
		{`let s = reduce(1..11, #acc + #acc, "xxxxxxxx"); upper(s) + lower(s) + upper(s) + lower(s)`, runRefused},
		// deep nesting
		{strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000), runs},
		{strings.Repeat("-", 3000) + "1", refusedTooComplex},
		{strings.Repeat("!", 3000) + "true", refusedTooComplex},
		{strings.Repeat("[", 1000) + strings.Repeat("]", 1000), runs},
		{strings.Repeat("IF(true, ", 300) + "1" + strings.Repeat(")", 300), runs},
		{strings.Repeat("ABS(", 500) + "1" + strings.Repeat(")", 500), refusedTooComplex},
		{strings.Repeat("map(items, ", 200) + "1" + strings.Repeat(")", 200), runRefused},
		{`{` + strings.Repeat(`a: {`, 500) + `1` + strings.Repeat(`}`, 500) + `}`, refusedSyntax},
		// giant literals and long sources
		{`"` + strings.Repeat("x", 5000) + `"`, refusedTooLong},
		{strings.Repeat("9", 4000), refusedSyntax},
		{`[` + strings.Repeat("1,", 1500) + `1]`, refusedTooComplex},
		{strings.Repeat("amount + ", 500) + "1", refusedTooLong},
		{strings.Repeat(`name + `, 450) + `name`, runRefused},
		{`1e999999`, refusedSyntax},
		// recursion-like and self-reference
		{`let f = 1; let f = f + 1; f`, refusedType},
		{`let a = [1]; let b = [a, a]; let c = [b, b]; let d = [c, c]; let e = [d, d]; let f = [e, e]; toJSON(f)`, refusedUnknown},
		{`let a = [1,1,1,1,1,1,1,1,1,1]; let b = map(a, a); let c = map(b, b); let d = map(c, c); let e = map(d, d); len(e)`, runs},
		{equalities(400), refusedTooComplex},
		{sorts(300), refusedTooLong},
		{`let a = 1..9000; ` + strings.Repeat(`5000 in a && `, 300) + `true`, refusedTooComplex},
		// big number operations
		{`2 ** 99999999`, runs},
		{`9223372036854775807 * 9223372036854775807`, runs},
		{`1 / 0`, runs},
		{`MOD(1e308, 1e-308)`, runs},
		{`ROUND(1e308, 15)`, runs},
		{`TEXT(1e308, "#,##0.00")`, runs},
		{`TEXT(1, "0.` + strings.Repeat("0", 3000) + `")`, runFails},
		{`WORKDAY(due, 2999999)`, runFails},
		{`DATEADD(due, 99999999, "minute")`, runs},
		{`DATE(9999, 120000, 1e9)`, runFails},
		{`VALUE("` + strings.Repeat("9", 3000) + `")`, runFails},
		// regular expressions
		{`name matches "(a*)*b"`, runs},
		{`name matches "(a|aa)*c"`, runs},
		{`name matches "(x+x+)+y"`, runs},
		{`name matches "((a{1000}){1000}){1000}"`, refusedType},
		{`name matches "` + strings.Repeat("(a?)", 1000) + strings.Repeat("a", 100) + `"`, refusedTooLong},
		{`reduce(1..11, #acc + #acc, "a") matches "(a*)*b"`, runs},
		{`name matches stage`, refusedUnsupported},
	}
}

func TestHostileExpressions(t *testing.T) {
	cases := hostileExpressions()
	if len(cases) < 50 {
		t.Fatalf("only %d hostile expressions", len(cases))
	}
	for i, c := range cases {
		p, err := Compile(c.src, testEnv(), Any)
		if code, refused := refusedCodes[c.want]; refused {
			var e *Error
			if !errors.As(err, &e) || e.Diagnostics[0].Code != code {
				t.Errorf("#%d %.60q: compile = %v, want refused as %s", i, c.src, err, code)
			}
			continue
		}
		if err != nil {
			t.Errorf("#%d %.60q: refused at compile time (%v), want a run", i, c.src, err)
			continue
		}
		// The work is counted by the same budget a write shares; a run
		// that completes must have been charged within the limits.
		b := NewBudget(0)
		in := testInput()
		in.Budget = b
		_, err = p.Run(in)
		switch c.want {
		case runRefused:
			if !errors.Is(err, ErrLimit) {
				t.Errorf("#%d %.60q: run = %v, want ErrLimit", i, c.src, err)
			}
		case runFails:
			if err == nil || errors.Is(err, ErrLimit) {
				t.Errorf("#%d %.60q: run = %v, want an ordinary error", i, c.src, err)
			}
		case runs:
			if err != nil {
				t.Errorf("#%d %.60q: run = %v, want a result", i, c.src, err)
			}
		}
		if b.Used() > MaxWork+p.Cost()+MaxNodes {
			t.Errorf("#%d %.60q: charged %d, more than one run may spend", i, c.src, b.Used())
		}
	}
}

// TestHostileWorkIsCharged runs the expensive hostile expressions that
// complete and checks that their work was counted: a walk over thousands
// of elements must charge thousands, not its static cost.
func TestHostileWorkIsCharged(t *testing.T) {
	for _, src := range []string{`sortBy(1..9000, -#)`, `CONCATENATE(` + strings.Repeat(`name, `, 300) + `name)`,
		`let s = reduce(1..12, #acc + #acc, "x"); len(split(s, ""))`} {
		p, err := Compile(src, testEnv(), Any)
		if err != nil {
			t.Fatal(err)
		}
		b := NewBudget(0)
		in := testInput()
		in.Budget = b
		if _, err := p.Run(in); err != nil {
			t.Fatal(err)
		}
		if b.Used() <= p.Cost() {
			t.Errorf("%.40q charged only its static cost %d", src, b.Used())
		}
	}
	// Nine such runs in one write: a shared budget refuses the rest.
	p, err := Compile(`sortBy(1..9000, -#)`, testEnv(), Any)
	if err != nil {
		t.Fatal(err)
	}
	in := testInput()
	in.Budget = NewBudget(5 * MaxWork)
	var refused error
	for range 9 {
		if _, refused = p.Run(in); refused != nil {
			break
		}
	}
	if !errors.Is(refused, ErrWriteBudget) {
		t.Errorf("nine full-budget runs sharing 5×MaxWork: %v, want ErrWriteBudget", refused)
	}
}
