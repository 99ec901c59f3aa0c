package expr

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
	"time"
)

// sharedCases is testdata/shared_cases.json: the table both evaluators
// (this package and ui/src/expr/evaluate.ts) must agree on.
type sharedCases struct {
	Fields map[string]string `json:"fields"`
	Values map[string]any    `json:"values"`
	Cases  []struct {
		Expr   string         `json:"expr"`
		Values map[string]any `json:"values"`
		Want   any            `json:"want"`
		Error  bool           `json:"error"`
		UI     string         `json:"ui"`
	} `json:"cases"`
}

// sharedType maps the table's type names to expression types.
func sharedType(t *testing.T, name string) Type {
	switch name {
	case "number":
		return Number
	case "text":
		return Text
	case "bool":
		return Bool
	case "date":
		return Date
	case "list<text>":
		return ListOf(Text)
	case "list<number>":
		return ListOf(Number)
	case "address":
		return ObjectOf(map[string]Type{"province": Text, "city": Text, "district": Text, "detail": Text})
	case "items":
		return ListOf(ObjectOf(map[string]Type{"product": Text, "qty": Number, "price": Number}))
	}
	t.Fatalf("unknown type %q in shared_cases.json", name)
	return Any
}

// stored is what a write keeps of a result: non-finite numbers are empty.
func stored(v any) any {
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil
	}
	return v
}

func TestSharedCases(t *testing.T) {
	raw, err := os.ReadFile("testdata/shared_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var table sharedCases
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	env := Env{Fields: map[string]Type{}}
	for k, name := range table.Fields {
		env.Fields[k] = sharedType(t, name)
	}
	if len(table.Cases) < 80 {
		t.Fatalf("only %d shared cases", len(table.Cases))
	}
	for _, c := range table.Cases {
		t.Run(c.Expr, func(t *testing.T) {
			p, err := Compile(c.Expr, env, Any)
			if err != nil {
				t.Fatalf("every shared case must compile: %v", err)
			}
			values := map[string]any{}
			for k, v := range table.Values {
				values[k] = v
			}
			for k, v := range c.Values {
				values[k] = v
			}
			out, err := p.Run(Input{New: values, Now: time.Date(2024, 3, 9, 10, 0, 0, 0, time.UTC),
				User: map[string]any{"name": "李四"}})
			switch {
			case c.Error:
				if err == nil {
					t.Fatalf("= %#v, want a run-time error", out)
				}
			case err != nil:
				t.Fatalf("run: %v", err)
			case c.Want == "skip":
			case !reflect.DeepEqual(stored(out), c.Want):
				t.Fatalf("= %#v, want %#v", out, c.Want)
			}
		})
	}
}
