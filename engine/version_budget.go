package engine

import (
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Caps on the size of one form version. Every expression compiles on publish
// and may run on every write, so the form as a whole gets a budget, on top
// of the limits of each expression (engine/expr) and the work budget each
// write shares across its expressions (expr.MaxWriteWork). They are
// constants so a design that publishes on one server publishes on every
// other; docs/expressions.md lists them.
const (
	// MaxFormFields is the most fields a form version may have, the fields
	// of subforms included.
	MaxFormFields = 300
	// MaxFormExpressions is the most expressions a form version may have:
	// formulas, default expressions, show and required conditions (of
	// subform fields too) and submit rules.
	MaxFormExpressions = 200
)

// checkFormBudget refuses a design above MaxFormFields or MaxFormExpressions,
// before anything is compiled.
func checkFormBudget(def form.Definition) []field.Error {
	fields, exprs := countDesign(def.Fields)
	for _, r := range def.SubmitRules {
		if strings.TrimSpace(r.Expression) != "" {
			exprs++
		}
	}
	var errs []field.Error
	if fields > MaxFormFields {
		errs = append(errs, fieldErr("fields", CodeExprFormFields, map[string]any{"max": MaxFormFields, "count": fields}))
	}
	if exprs > MaxFormExpressions {
		errs = append(errs, fieldErr("fields", CodeExprFormExpressions, map[string]any{"max": MaxFormExpressions, "count": exprs}))
	}
	return errs
}

func countDesign(fs []form.Field) (fields, exprs int) {
	for i := range fs {
		f := &fs[i]
		fields++
		for _, src := range []string{f.VisibleWhen, f.RequiredWhen, f.DefaultExpression, f.Expression} {
			if strings.TrimSpace(src) != "" {
				exprs++
			}
		}
		n, e := countDesign(f.Fields)
		fields += n
		exprs += e
	}
	return fields, exprs
}
