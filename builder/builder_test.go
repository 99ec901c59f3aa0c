package builder

import (
	"reflect"
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestDiff(t *testing.T) {
	prev := form.Definition{Fields: []form.Field{
		{Key: "a", Type: "text", Label: "A"},
		{Key: "b", Type: "number", Label: "B"},
		{Key: "c", Type: "text", Label: "C"},
	}}
	next := form.Definition{Fields: []form.Field{
		{Key: "a", Type: "textarea", Label: "A2"},
		{Key: "b", Type: "number", Label: "B"},
		{Key: "d", Type: "date", Label: "D"},
	}, SubmitRules: []form.SubmitRule{{Expression: "b > 0", Message: map[string]string{"en": "b"}}}}
	got := Diff(prev, next)
	var kinds []string
	for _, c := range got {
		kinds = append(kinds, c.Kind+":"+c.Field)
	}
	want := []string{"changed:a", "added:d", "removed:c", "changed:"}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("diff kinds = %v, want %v", kinds, want)
	}
	if !reflect.DeepEqual(got[0].Props, []string{"label", "type"}) || got[0].From != "text" || got[0].To != "textarea" {
		t.Fatalf("changed a: %+v", got[0])
	}
	if len(Diff(prev, prev)) != 0 {
		t.Fatal("a design differs from itself")
	}
}

func TestNextArchive(t *testing.T) {
	prev := form.Definition{Fields: []form.Field{{Key: "a", Type: "text"}, {Key: "b", Type: "text"}}}
	archived := []form.Field{{Key: "old", Type: "number"}, {Key: "back", Type: "text"}}
	next := form.Definition{Fields: []form.Field{{Key: "a", Type: "text"}, {Key: "back", Type: "text"}}}
	var keys []string
	for _, f := range nextArchive(prev, archived, next) {
		keys = append(keys, f.Key)
	}
	if !reflect.DeepEqual(keys, []string{"b", "old"}) {
		t.Fatalf("archive = %v", keys)
	}
}

func TestTypeChanges(t *testing.T) {
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"text", "textarea", true},
		{"text", "richtext", true},
		{"select", "text", true},
		{"rating", "number", true},
		{"text", "number", false},
		{"number", "text", false},
		{"select", "multiselect", false},
		{"textarea", "text", false},
		{"date", "datetime", false},
	}
	for _, tt := range tests {
		if got := typeChangeAllowed(tt.from, tt.to); got != tt.ok {
			t.Errorf("%s -> %s: %v, want %v", tt.from, tt.to, got, tt.ok)
		}
	}
	err := checkTypeChanges(form.Definition{Fields: []form.Field{{Key: "a", Type: "text"}}}, nil,
		form.Definition{Fields: []form.Field{{Key: "a", Type: "number"}}})
	if err == nil || !IsValidation(err) {
		t.Fatalf("text -> number accepted: %v", err)
	}
}

func TestEnvOfIncompleteDesign(t *testing.T) {
	env := EnvOf(form.Definition{Fields: []form.Field{
		{Key: "amount", Type: "number"}, {Key: "Bad Key", Type: "text"}, {Key: "x", Type: "unknown"},
	}})
	if _, ok := env.Fields["amount"]; !ok {
		t.Fatal("amount missing")
	}
	if _, ok := env.Fields["Bad Key"]; ok {
		t.Fatal("invalid key in env")
	}
	if env.Fields["x"].String() != "any" {
		t.Fatalf("unknown type typed as %v", env.Fields["x"])
	}
}
