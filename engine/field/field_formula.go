package field

import (
	"strings"

	"github.com/formloom/formloom/engine/form"
)

// MaxExpressionLength bounds the text of a formula.
const MaxExpressionLength = 10000

func init() { Register(formulaType{}) }

// formulaType is computed from Expression on every write. Its value type is
// the expression's, known only once the expression package checks it, so it
// is Any here.
type formulaType struct{ untyped }

func (formulaType) Name() string { return "formula" }

func (formulaType) CheckDesign(f *form.Field) []Error {
	switch {
	case strings.TrimSpace(f.Expression) == "":
		return []Error{designErr("expression", CodeFormulaExpression, nil)}
	case len(f.Expression) > MaxExpressionLength:
		return []Error{designErr("expression", CodeMaxLength, map[string]any{"max": MaxExpressionLength})}
	}
	return nil
}
