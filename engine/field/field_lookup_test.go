package field

import (
	"testing"

	"github.com/formloom/formloom/engine/form"
)

func TestLookupDesign(t *testing.T) {
	runDesign(t, "lookup", []designCase{
		{name: "valid", f: form.Field{Relation: "customer", LookupField: "industry"}},
		{name: "system field", f: form.Field{Relation: "customer", LookupField: "_created_at"}},
		{name: "missing", f: form.Field{}, codes: []string{"relation:lookup_relation", "lookupField:lookup_field"}},
	})
	typ, _ := Get("lookup")
	if v := typ.ExprValue(testCtx(), &form.Field{}, "copied"); v != "copied" {
		t.Errorf("ExprValue = %v", v)
	}
}
