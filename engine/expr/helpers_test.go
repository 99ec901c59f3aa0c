package expr

import (
	"testing"
	"time"
)

// testEnv is a small CRM-like form: scalars, a date, a subform and a
// relation list.
func testEnv() Env {
	return Env{Fields: map[string]Type{
		"stage":       Text,
		"name":        Text,
		"amount":      Number,
		"probability": Number,
		"approved":    Bool,
		"due":         Date,
		"created":     DateTime,
		"tags":        ListOf(Text),
		"items": ListOf(ObjectOf(map[string]Type{
			"product": Text, "qty": Number, "price": Number,
		})),
		"note": Any,
	}}
}

var testNow = time.Date(2024, 3, 9, 23, 30, 0, 0, time.UTC) // Saturday, already Sunday in Shanghai

func testInput() Input {
	shanghai := time.FixedZone("CST", 8*3600)
	return Input{
		New: map[string]any{
			"stage": "won", "name": "张三丰 Co.", "amount": 60000.0, "probability": 50.0,
			"approved": true, "due": time.Date(2024, 1, 31, 0, 0, 0, 0, shanghai),
			"created": time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC),
			"tags":    []any{"vip", "北京"},
			"items": []any{
				map[string]any{"product": "笔", "qty": 2.0, "price": 3.5},
				map[string]any{"product": "本", "qty": 1.0, "price": 10.0},
			},
			"note": nil,
		},
		Old:      map[string]any{"stage": "lost", "name": "张三丰 Co.", "amount": 60000.0},
		User:     map[string]any{"id": "u1", "name": "李四", "email": "li@example.com", "departments": []any{"sales"}, "roles": []any{"admin", "sales"}},
		Now:      testNow,
		Location: shanghai,
	}
}

// run compiles src against testEnv and runs it on testInput.
func run(t *testing.T, src string) (any, error) {
	t.Helper()
	p, err := Compile(src, testEnv(), Any)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	return p.Run(testInput())
}
