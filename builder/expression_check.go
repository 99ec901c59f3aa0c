package builder

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
)

// CheckExpressionIn type-checks src against def, the unsaved design the
// designer holds, instead of the stored draft: the user types a rule that
// names a field they added a moment ago, and the check must know it without
// waiting for a save. The form must still exist in the actor's workspace
// (the same access check as CheckExpression); def itself is not validated
// or stored, and fields whose own design is incomplete are typed as any.
// A nil def checks against the stored draft.
func (s *Service) CheckExpressionIn(ctx context.Context, a engine.Actor, formID, src string, def *form.Definition) (ExpressionResult, error) {
	if def == nil {
		return s.CheckExpression(ctx, a, formID, src)
	}
	if _, err := s.e.Form(ctx, a, formID); err != nil {
		return ExpressionResult{}, err
	}
	t, diags := expr.Check(src, EnvOf(*def))
	if len(diags) > 0 {
		return ExpressionResult{Diagnostics: diags}, nil
	}
	return ExpressionResult{Type: t.String()}, nil
}

// Localize renders the diagnostics' messages in lang, for the editor.
func (r ExpressionResult) Localize(lang string) ExpressionResult {
	if len(r.Diagnostics) == 0 {
		return r
	}
	out := make([]expr.Diagnostic, len(r.Diagnostics))
	for i, d := range r.Diagnostics {
		out[i] = d.Localize(lang)
	}
	r.Diagnostics = out
	return r
}
