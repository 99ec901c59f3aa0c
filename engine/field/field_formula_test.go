package field

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
)

func TestFormulaDesign(t *testing.T) {
	runDesign(t, "formula", []designCase{
		{name: "valid", f: form.Field{Expression: "amount * probability"}},
		{name: "missing", f: form.Field{Expression: "  "}, codes: []string{"expression:formula_expression"}},
		{name: "too long", f: form.Field{Expression: strings.Repeat("1+", MaxExpressionLength)}, codes: []string{"expression:max_length"}},
	})
	typ, _ := Get("formula")
	if typ.ExprType(&form.Field{}).Kind != expr.KindAny {
		t.Errorf("ExprType not Any")
	}
	if len(typ.Schema(&form.Field{})) != 0 {
		t.Errorf("Schema of a formula should accept anything")
	}
}
