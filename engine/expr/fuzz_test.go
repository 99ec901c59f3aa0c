package expr

import (
	"testing"
	"time"
)

// FuzzCompileRun compiles arbitrary source against a small typed
// environment and runs it: neither step may panic or hang.
func FuzzCompileRun(f *testing.F) {
	for _, s := range []string{
		`stage == "won" && amount > 50000`,
		`SUM(map(items, .qty * .price))`,
		`IF(changed("stage"), TEXT(amount, "#,##0.00"), LEFT(name, 2))`,
		`DATEDIF(due, TODAY(), "M")`,
		`reduce(1..30, #acc + #acc, "x")`,
	} {
		f.Add(s)
	}
	env, in := testEnv(), testInput()
	f.Fuzz(func(t *testing.T, src string) {
		watchdog := time.AfterFunc(10*time.Second, func() { panic("WATCHDOG " + src) })
		defer watchdog.Stop()
		p, err := Compile(src, env, Any)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile(%q) returned %T, want *Error", src, err)
			}
			return
		}
		start := time.Now()
		_, _ = p.Run(in)
		_, _ = p.Bool(in)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Run(%q) took %v", src, d)
		}
	})
}
