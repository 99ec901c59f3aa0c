package template

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Check validates p against the workspace of a, writing nothing: its
// structure and references, every form's design with the builder's
// publish rules (the errors a user's own design gets), permission sets,
// then each registered part's Check in install order. It returns nil or a
// *engine.ValidationError whose paths start with the form or item:
// "forms.opportunity.definition.fields[3].key", "parts.flows.discount.steps[0]".
func (s *Service) Check(ctx context.Context, a engine.Actor, p *Package) error {
	if err := p.validate(); err != nil {
		return err
	}
	p = s.owning(p)
	var errs []field.Error
	for _, f := range p.Forms {
		at := "forms." + f.Key
		if err := s.b.Check(f.Definition); err != nil {
			var ve *engine.ValidationError
			if !errors.As(err, &ve) {
				return err
			}
			errs = append(errs, prefixed(at+".definition", ve.Fields)...)
		}
		if f.Permissions != nil {
			errs = append(errs, checkSets(at+".permissions", &f)...)
		}
	}
	errs = append(errs, p.checkSampleFields()...)
	refs := s.declared(p, a.Workspace, "")
	registered := map[string]bool{}
	for _, part := range s.e.TemplateParts().All() {
		registered[part.Kind] = true
	}
	kinds := make([]string, 0, len(p.Parts))
	for k := range p.Parts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		if !registered[k] {
			errs = append(errs, problem("parts."+k, CodeUnknownPart, map[string]any{"kind": k}))
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	parts, err := s.parts(p)
	if err != nil {
		return err
	}
	for _, part := range parts {
		if err := part.Check(ctx, a, refs, p.Parts[part.Kind]); err != nil {
			var ve *engine.ValidationError
			if !errors.As(err, &ve) {
				return fmt.Errorf("template: check %s: %w", part.Kind, err)
			}
			errs = append(errs, prefixed("parts."+part.Kind, ve.Fields)...)
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	return nil
}

// declared returns refs of app with every key p declares.
func (s *Service) declared(p *Package, ws, app string) *engine.TemplateRefs {
	refs := engine.NewTemplateRefs(ws, app)
	for _, f := range p.Forms {
		// The design, not only the key: parts check their items against
		// the forms before they are installed (TemplateFormVersion).
		refs.SetDefinition(f.Key, f.Definition)
	}
	for _, r := range p.Roles {
		refs.Declare("roles", r.Key)
	}
	for k, items := range p.Parts {
		for _, it := range items {
			refs.Declare(k, it.Key)
		}
	}
	return refs
}

func prefixed(at string, errs []field.Error) []field.Error {
	out := make([]field.Error, len(errs))
	for i, e := range errs {
		e.Path = join(at, e.Path)
		out[i] = e
	}
	return out
}

// checkSets checks what a permission set can be checked for before the
// form exists: actions, field access levels and field keys. The rest
// (row filters, grants) is checked when the set is saved at install.
func checkSets(at string, f *FormSpec) []field.Error {
	var errs []field.Error
	keys := map[string]bool{}
	for _, fd := range f.Definition.Fields {
		keys[fd.Key] = true
	}
	for i, set := range f.Permissions.Sets {
		sat := fmt.Sprintf("%s.sets[%d]", at, i)
		for j, act := range set.Actions {
			if !slices.Contains(engine.RecordActions, act) {
				errs = append(errs, problem(fmt.Sprintf("%s.actions[%d]", sat, j), engine.CodeOption, map[string]any{"value": string(act)}))
			}
		}
		if set.FieldDefault != "" && !engine.ValidFieldAccess(set.FieldDefault) {
			errs = append(errs, problem(sat+".fieldDefault", engine.CodeOption, map[string]any{"value": string(set.FieldDefault)}))
		}
		for k, fa := range set.Fields {
			switch {
			case !keys[k]:
				errs = append(errs, problem(sat+".fields."+k, engine.CodeUnknownField, map[string]any{"field": k}))
			case !engine.ValidFieldAccess(fa):
				errs = append(errs, problem(sat+".fields."+k, engine.CodeOption, map[string]any{"value": string(fa)}))
			}
		}
	}
	return errs
}

// checkSampleFields refuses sample values for fields the form does not have.
func (p *Package) checkSampleFields() []field.Error {
	if p.Sample == nil {
		return nil
	}
	var errs []field.Error
	fks := make([]string, 0, len(p.Sample.Records))
	for fk := range p.Sample.Records {
		fks = append(fks, fk)
	}
	sort.Strings(fks)
	for _, fk := range fks {
		f, ok := p.form(fk)
		if !ok {
			continue
		}
		check := func(vals map[string]any, at string) {
			ks := make([]string, 0, len(vals))
			for k := range vals {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				if _, ok := f.Definition.FieldByKey(k); !ok {
					errs = append(errs, problem(at+"."+k, engine.CodeUnknownField, map[string]any{"key": k}))
				}
			}
		}
		for _, r := range p.Sample.Records[fk] {
			at := "sample.records." + fk + "/" + r.Key
			check(r.Values, at+".values")
			for i, c := range r.Changes {
				check(c.Values, fmt.Sprintf("%s.changes[%d].values", at, i))
			}
		}
	}
	return errs
}

// translate returns def with the form references of its relations (subform
// rows included) mapped through m: keys to ids when installing, ids to keys
// when exporting. A reference m does not have is left as it is (the
// builder, or the export's own check, then reports it).
func translate(def form.Definition, m map[string]string) form.Definition {
	out := def
	out.Fields = translateFields(def.Fields, m)
	return out
}

func translateFields(fields []form.Field, m map[string]string) []form.Field {
	if fields == nil {
		return nil
	}
	out := make([]form.Field, len(fields))
	for i, f := range fields {
		if f.Form != "" {
			if id, ok := m[f.Form]; ok {
				f.Form = id
			}
		}
		f.Fields = translateFields(f.Fields, m)
		out[i] = f
	}
	return out
}
