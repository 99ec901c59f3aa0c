package builder

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Service offers the design-time operations of forms.
type Service struct {
	e *engine.Engine
}

// New returns a builder over e.
func New(e *engine.Engine) *Service { return &Service{e: e} }

// Check validates a design as publish would, without storing anything.
// It returns nil or a *engine.ValidationError with design paths.
func (s *Service) Check(def form.Definition) error {
	_, err := engine.Compile(def, nil)
	return err
}

// ExpressionResult is the answer of a live expression check: the inferred
// type, or diagnostics with line and column.
type ExpressionResult struct {
	Type        string            `json:"type,omitempty"`
	Diagnostics []expr.Diagnostic `json:"diagnostics,omitempty"`
}

// CheckExpression type-checks src against the fields of a form's draft
// (fields whose own design is incomplete are typed as any), as the designer
// does while the user types.
func (s *Service) CheckExpression(ctx context.Context, a engine.Actor, formID, src string) (ExpressionResult, error) {
	f, err := s.e.Form(ctx, a, formID)
	if err != nil {
		return ExpressionResult{}, err
	}
	t, diags := expr.Check(src, EnvOf(f.Draft))
	if len(diags) > 0 {
		return ExpressionResult{Diagnostics: diags}, nil
	}
	return ExpressionResult{Type: t.String()}, nil
}

// EnvOf builds the expression environment of a possibly incomplete design.
func EnvOf(def form.Definition) expr.Env {
	env := expr.Env{Fields: map[string]expr.Type{}}
	for i := range def.Fields {
		f := &def.Fields[i]
		if !field.ValidKey(f.Key) {
			continue
		}
		if t, ok := field.Get(f.Type); ok {
			env.Fields[f.Key] = t.ExprType(f)
		} else {
			env.Fields[f.Key] = expr.Any
		}
	}
	env.Options = engine.OptionsOf(def.Fields)
	return env
}

// Publish turns the current draft of a form into its next immutable version.
// draftVersion is the form version the caller's draft was read at. Removed
// fields are archived (their data stays readable and exportable); a field
// that comes back is taken out of the archive; a type change on an existing
// field is allowed only where stored values stay valid, otherwise refused.
func (s *Service) Publish(ctx context.Context, a engine.Actor, formID string, draftVersion int64) (*engine.Version, []engine.Change, error) {
	if _, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{Form: formID}); err != nil {
		return nil, nil, err
	}
	f, err := s.e.Form(ctx, a, formID)
	if err != nil {
		return nil, nil, err
	}
	if f.Version != draftVersion {
		return nil, nil, fmt.Errorf("%w: the draft changed since it was read", engine.ErrConflict)
	}
	var prev form.Definition
	var archived []form.Field
	if f.Published > 0 {
		cur, err := s.e.CurrentVersion(ctx, a, formID)
		if err != nil {
			return nil, nil, err
		}
		prev = cur.Def
		archived = cur.Archived
	}
	if err := checkTypeChanges(prev, archived, f.Draft); err != nil {
		return nil, nil, err
	}
	archived = nextArchive(prev, archived, f.Draft)
	changes := Diff(prev, f.Draft)
	if f.Published > 0 && len(changes) == 0 {
		return nil, nil, &engine.ValidationError{Fields: []field.Error{{Path: "definition", Code: engine.CodeNoChanges}}}
	}
	v, err := s.e.PublishVersion(ctx, a, formID, draftVersion, f.Draft, archived, changes)
	if err != nil {
		return nil, nil, err
	}
	return v, changes, nil
}

// checkTypeChanges refuses type changes that would leave stored values invalid,
// also for archived fields that come back with another type.
func checkTypeChanges(prev form.Definition, archived []form.Field, next form.Definition) error {
	old := map[string]string{}
	for _, f := range archived {
		old[f.Key] = f.Type
	}
	for _, f := range prev.Fields {
		old[f.Key] = f.Type
	}
	var errs []field.Error
	for i, f := range next.Fields {
		from, ok := old[f.Key]
		if !ok || typeChangeAllowed(from, f.Type) {
			continue
		}
		errs = append(errs, field.Error{Path: fmt.Sprintf("fields[%d].type", i), Code: engine.CodeTypeChange,
			Params: map[string]any{"field": f.Key, "from": from, "to": f.Type, "allowed": strings.Join(allowedTargets(from), ", ")}})
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

// nextArchive is the archive after publishing next: earlier archived fields
// and fields removed now, minus fields that are back.
func nextArchive(prev form.Definition, archived []form.Field, next form.Definition) []form.Field {
	inNext := map[string]bool{}
	for _, f := range next.Fields {
		inNext[f.Key] = true
	}
	var out []form.Field
	seen := map[string]bool{}
	for _, list := range [][]form.Field{prev.Fields, archived} {
		for _, f := range list {
			if inNext[f.Key] || seen[f.Key] {
				continue
			}
			seen[f.Key] = true
			out = append(out, f)
		}
	}
	return out
}

// IsValidation reports whether err is a design or input validation error.
func IsValidation(err error) bool { return errors.Is(err, engine.ErrInvalid) }
