package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func TestRelationNormalize(t *testing.T) {
	single := form.Field{Form: "customers"}
	multi := form.Field{Form: "contacts", Multiple: true}
	runNormalize(t, "relation", []normCase{
		{name: "single", f: single, raw: "rec_1", want: "rec_1"},
		{name: "single empty", f: single, raw: "", want: nil},
		{name: "single list refused", f: single, raw: []any{"rec_1"}, code: CodeType},
		{name: "single bad id", f: single, raw: "a b", code: CodeID},
		{name: "multiple", f: multi, raw: []any{"r1", "r2"}, want: []any{"r1", "r2"}},
		{name: "multiple duplicate", f: multi, raw: []any{"r1", "r1"}, code: CodeDuplicate, path: "f[1]"},
		{name: "multiple string refused", f: multi, raw: "r1", code: CodeType},
	})
	roundTrip(t, "relation", single, "rec_1")
	roundTrip(t, "relation", multi, []any{"r1", "r2"})
}

func TestRelationDesignAndOperators(t *testing.T) {
	runDesign(t, "relation", []designCase{
		{name: "valid", f: form.Field{Form: "customers", DisplayField: "name"}},
		{name: "no form", f: form.Field{}, codes: []string{"form:relation_form"}},
		{name: "bad display field", f: form.Field{Form: "c", DisplayField: "Name!"}, codes: []string{"displayField:key_invalid"}},
	})
	typ, _ := Get("relation")
	if ops := typ.Operators(&form.Field{Multiple: true}); ops[0] != store.OpContainsAny {
		t.Errorf("multiple relation operators = %v", ops)
	}
	if ops := typ.Operators(&form.Field{}); ops[0] != store.OpEq {
		t.Errorf("single relation operators = %v", ops)
	}
	if got := typ.ExprType(&form.Field{Multiple: true}).String(); got != "list<text>" {
		t.Errorf("ExprType = %s", got)
	}
}
