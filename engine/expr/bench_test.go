package expr

import "testing"

func benchmarkRun(b *testing.B, src string) {
	p, err := Compile(src, testEnv(), Any)
	if err != nil {
		b.Fatal(err)
	}
	in := testInput()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Run(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCondition is a typical show/hide or branch condition.
func BenchmarkCondition(b *testing.B) {
	p, err := Compile(`stage == "won" && amount > 50000`, testEnv(), Bool)
	if err != nil {
		b.Fatal(err)
	}
	in := testInput()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ok, err := p.Bool(in); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkFormula is a computed field over scalars.
func BenchmarkFormula(b *testing.B) { benchmarkRun(b, `amount * probability / 100`) }

// BenchmarkFormulaLibrary is a computed field with library calls and a
// subform aggregate.
func BenchmarkFormulaLibrary(b *testing.B) {
	benchmarkRun(b, `ROUND(SUM(map(items, .qty * .price)) * (1 + probability / 100), 2)`)
}

// BenchmarkConditionContext uses old/new and changed().
func BenchmarkConditionContext(b *testing.B) {
	benchmarkRun(b, `changed("stage") && old.stage == "lost" && CONTAINS(user.roles, "admin")`)
}

// BenchmarkCompile measures compiling a typical expression, done once per
// published design.
func BenchmarkCompile(b *testing.B) {
	env := testEnv()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(`IF(stage == "won" && amount > 50000, ROUND(amount * probability / 100, 2), 0)`, env, Number); err != nil {
			b.Fatal(err)
		}
	}
}
