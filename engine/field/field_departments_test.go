package field

import (
	"testing"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
)

func TestDepartmentsRegistered(t *testing.T) {
	typ, ok := Get("departments")
	if !ok || typ.Name() != "departments" {
		t.Fatalf("departments: %v %v", typ, ok)
	}
	if got := typ.ExprType(&form.Field{}).String(); got != expr.ListOf(expr.Text).String() {
		t.Errorf("ExprType = %s", got)
	}
}
