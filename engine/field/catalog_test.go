package field

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

var update = flag.Bool("update", false, "rewrite testdata/catalog.json from the registry")

// catalogEntry is what the browser's field catalogue (ui/src/fields/catalog.ts)
// mirrors of one registered type; ui/src/fields/catalog.test.ts checks the
// catalogue against testdata/catalog.json.
type catalogEntry struct {
	Input             bool     `json:"input"`
	Operators         []string `json:"operators"`
	MultipleOperators []string `json:"multipleOperators"`
	ValuePath         string   `json:"valuePath,omitempty"`
}

func catalog() map[string]catalogEntry {
	out := map[string]catalogEntry{}
	for _, name := range Names() {
		t, _ := Get(name)
		ops := func(multiple bool) []string {
			var s []string
			for _, op := range t.Operators(&form.Field{Type: name, Multiple: multiple}) {
				s = append(s, string(op))
			}
			return s
		}
		e := catalogEntry{Input: t.Input(), Operators: ops(false), MultipleOperators: ops(true)}
		if vp, ok := t.(ValuePather); ok {
			e.ValuePath = vp.ValuePath()
		}
		out[name] = e
	}
	return out
}

// TestCatalogGolden keeps testdata/catalog.json in step with the registry.
// After changing a type's operators, input or value path, run
// go test ./engine/field/ -run TestCatalogGolden -update, then the UI's
// Vitest, which fails until catalog.ts agrees.
func TestCatalogGolden(t *testing.T) {
	got, err := json.MarshalIndent(map[string]any{"types": catalog()}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const path = "testdata/catalog.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date: run go test ./engine/field/ -run TestCatalogGolden -update\ngot:\n%s", path, got)
	}
}
