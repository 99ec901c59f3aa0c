package expr

import (
	"testing"
	"time"
)

// TestVars: a named variable is typed at compile time (an unknown member
// or a wrong type is a compile error with a position), read at run time
// from Input.Vars, hides a field of the same name (still new.<key>), and
// cannot be redeclared with let.
func TestVars(t *testing.T) {
	env := Env{
		Fields: map[string]Type{"stage": Text, "event": Number},
		Vars: map[string]Type{"event": ObjectOf(map[string]Type{
			"from": Text, "to": Text, "at": DateTime, "n": Number,
		})},
	}
	at := time.Date(2026, 3, 9, 1, 0, 0, 0, time.UTC)
	in := Input{New: map[string]any{"stage": "won", "event": 3.0},
		Vars: map[string]any{"event": map[string]any{"from": "open", "to": "won", "at": at, "n": 2.0}}}
	scenarios := []struct {
		src  string
		want any
	}{
		{`event.to == "won" && event.from == "open"`, true},
		{`event.to == stage`, true},
		{`event.n + new.event`, 5.0},
		{`event.at > now`, false},
		{`UPPER(event.to)`, "WON"},
	}
	for _, sc := range scenarios {
		p, err := Compile(sc.src, env, Any)
		if err != nil {
			t.Fatalf("%s: %v", sc.src, err)
		}
		got, err := p.Run(in)
		if err != nil || got != sc.want {
			t.Errorf("%s = %v, %v; want %v", sc.src, got, err, sc.want)
		}
	}
	for _, bad := range []string{`event.nope == 1`, `event.to > 1`, `let event = 1; event`} {
		if _, diags := Check(bad, env); len(diags) == 0 {
			t.Errorf("%s: compiled, want a diagnostic", bad)
		}
	}
	if ty, diags := Check(`event.to`, env); len(diags) > 0 || ty.Kind != KindText {
		t.Errorf("type of event.to: %v %v", ty, diags)
	}
	// Without the variable, the name is the field again.
	p, err := Compile(`event + 1`, Env{Fields: env.Fields}, Number)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Run(in); got != 4.0 {
		t.Errorf("field event + 1 = %v", got)
	}
	// A reserved name cannot be a variable.
	if _, err := Compile(`1`, Env{Vars: map[string]Type{"now": Text}}, Any); err == nil {
		t.Error("a variable named now compiled")
	}
}
