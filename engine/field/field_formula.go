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

// FormulaSource is the field's expression.
func (formulaType) FormulaSource(f *form.Field) string { return f.Expression }

func (formulaType) CheckDesign(f *form.Field) []Error {
	switch {
	case strings.TrimSpace(f.Expression) == "":
		return []Error{designErr("expression", CodeFormulaExpression, nil)}
	case len(f.Expression) > MaxExpressionLength:
		return []Error{designErr("expression", CodeMaxLength, map[string]any{"max": MaxExpressionLength})}
	}
	// Display is how forms show the result: as a plain number, money (in
	// Currency) or a percent, with Precision decimals; it does not change
	// the stored value.
	errs := append(checkDisplay(f, "number", "money", "percent", "text"), checkPrecision(f, MaxPrecision)...)
	if f.Currency != "" && !validCurrency(f.Currency) {
		errs = append(errs, designErr("currency", CodeCurrencyInvalid, map[string]any{"value": f.Currency}))
	}
	return errs
}
