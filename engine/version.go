package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Version is a published, immutable form version compiled for running: field
// types resolved, expressions compiled, formulas ordered by dependency and the
// JSON Schema built. Compile it once; it is safe for concurrent use.
type Version struct {
	Form        string
	Workspace   string
	App         string
	Number      int
	Def         form.Definition
	Archived    []form.Field
	PublishedAt time.Time
	PublishedBy string

	fields   []*cfield
	byKey    map[string]*cfield
	archived map[string]*form.Field
	formulas []*cfield
	rules    []crule
	schema   *jsonschema.Schema
	env      expr.Env
	// usesExpr is false when no default, condition, formula or rule
	// needs an expression input, so writes skip building one.
	usesExpr bool
}

// cfield is a compiled field.
type cfield struct {
	def      *form.Field
	typ      field.Type
	dflt     any
	dfltExpr *expr.Program
	visible  *expr.Program
	required *expr.Program
	formula  *expr.Program
	sub      []*cfield
	subByKey map[string]*cfield
}

type crule struct {
	prog    *expr.Program
	message map[string]string
	field   string
}

// Field returns the compiled definition of a current field.
func (v *Version) Field(key string) (*form.Field, bool) {
	f, ok := v.byKey[key]
	if !ok {
		return nil, false
	}
	return f.def, true
}

// Keys returns the keys of the current fields, in form order.
func (v *Version) Keys() []string {
	out := make([]string, len(v.fields))
	for i, f := range v.fields {
		out[i] = f.def.Key
	}
	return out
}

// Reads returns the keys of the fields a computed field's formula reads
// (nil for a field that computes nothing), so a permission can hide a
// formula that would show a hidden field's value.
func (v *Version) Reads(key string) []string {
	f := v.byKey[key]
	if f == nil || f.formula == nil {
		return nil
	}
	var out []string
	for _, id := range f.formula.Reads() {
		if _, ok := v.byKey[id]; ok && id != key {
			out = append(out, id)
		}
	}
	return out
}

// Env returns the typed expression environment of this version.
func (v *Version) Env() expr.Env { return v.env }

// Compile checks a form design against the field registry and the expression
// language and compiles it. Problems are a *ValidationError whose paths point
// into the design ("fields[2].expression") and whose params carry line and
// column for expression errors. archived lists fields of earlier versions
// that are no longer in the design.
func Compile(def form.Definition, archived []form.Field) (*Version, error) {
	if errs := field.CheckFields(def.Fields, reservedKeys()); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	if def.Columns < 0 || def.Columns > 4 {
		return nil, invalid(fieldErr("columns", CodeRange, map[string]any{"min": 1, "max": 4}))
	}
	v := &Version{Def: def, Archived: archived, byKey: map[string]*cfield{}, archived: map[string]*form.Field{}}
	for i := range archived {
		v.archived[archived[i].Key] = &archived[i]
	}
	if errs := checkFormBudget(def); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	v.env = expr.Env{Fields: map[string]expr.Type{}}
	var errs []field.Error
	for i := range def.Fields {
		cf, ferrs := compileFieldShell(&v.Def.Fields[i], fmt.Sprintf("fields[%d]", i))
		errs = append(errs, ferrs...)
		v.fields = append(v.fields, cf)
		v.byKey[cf.def.Key] = cf
		v.env.Fields[cf.def.Key] = cf.typ.ExprType(cf.def)
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	v.env.Options = OptionsOf(def.Fields)
	for i, cf := range v.fields {
		errs = append(errs, v.compileExpressions(cf, fmt.Sprintf("fields[%d]", i))...)
	}
	for i, r := range def.SubmitRules {
		at := fmt.Sprintf("submitRules[%d]", i)
		p, err := expr.Compile(r.Expression, v.env, expr.Bool)
		if err != nil {
			errs = append(errs, exprErrors(at+".expression", err)...)
			continue
		}
		if r.Field != "" {
			if _, ok := v.byKey[r.Field]; !ok {
				errs = append(errs, fieldErr(at+".field", CodeUnknownField, map[string]any{"field": r.Field}))
			}
		}
		if strings.TrimSpace(r.Message["zh-CN"]) == "" && strings.TrimSpace(r.Message["en"]) == "" {
			errs = append(errs, fieldErr(at+".message", CodeRequired, nil))
		}
		v.rules = append(v.rules, crule{prog: p, message: r.Message, field: r.Field})
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	order, cycle := formulaOrder(v.fields)
	if cycle != "" {
		return nil, invalid(fieldErr("fields", CodeFormulaCycle, map[string]any{"field": cycle}))
	}
	v.formulas = order
	v.usesExpr = len(v.rules) > 0
	for _, f := range v.fields {
		if f.visible != nil || f.required != nil || f.formula != nil || f.dfltExpr != nil {
			v.usesExpr = true
		}
	}
	sch, err := compileSchema("design", v.fields, archived)
	if err != nil {
		return nil, err
	}
	v.schema = sch
	return v, nil
}

// compileFieldShell resolves the type of a field (and of subform row fields).
func compileFieldShell(def *form.Field, at string) (*cfield, []field.Error) {
	t, ok := field.Get(def.Type)
	if !ok {
		return nil, []field.Error{fieldErr(at+".type", CodeUnknownType, map[string]any{"type": def.Type})}
	}
	cf := &cfield{def: def, typ: t}
	var errs []field.Error
	if _, rows := t.(field.Container); rows {
		cf.subByKey = map[string]*cfield{}
		for i := range def.Fields {
			sf, e := compileFieldShell(&def.Fields[i], fmt.Sprintf("%s.fields[%d]", at, i))
			errs = append(errs, e...)
			if sf != nil {
				cf.sub = append(cf.sub, sf)
				cf.subByKey[sf.def.Key] = sf
			}
		}
	}
	return cf, errs
}

func (v *Version) compileExpressions(cf *cfield, at string) []field.Error {
	var errs []field.Error
	compile := func(src, prop string, want expr.Type) *expr.Program {
		if strings.TrimSpace(src) == "" {
			return nil
		}
		p, err := expr.Compile(src, v.env, want)
		if err != nil {
			errs = append(errs, exprErrors(at+"."+prop, err)...)
			return nil
		}
		return p
	}
	d := cf.def
	cf.visible = compile(d.VisibleWhen, "visibleWhen", expr.Bool)
	cf.required = compile(d.RequiredWhen, "requiredWhen", expr.Bool)
	cf.dfltExpr = compile(d.DefaultExpression, "defaultExpression", expr.Any)
	if fo, ok := cf.typ.(field.Formula); ok {
		src := fo.FormulaSource(d)
		cf.formula = compile(src, "expression", expr.Any)
		if strings.TrimSpace(src) == "" {
			errs = append(errs, fieldErr(at+".expression", CodeRequired, nil))
		}
	}
	if d.Default != nil {
		if !cf.typ.Input() {
			errs = append(errs, fieldErr(at+".default", CodeReadOnly, nil))
		} else {
			n, ferrs := cf.typ.Normalize(field.Context{Location: time.UTC, Now: time.Now()}, d, at+".default", d.Default)
			errs = append(errs, ferrs...)
			cf.dflt = n
		}
	}
	return errs
}

// exprErrors turns a compile error into per-design-path errors: the code
// is the diagnostic's message key (engine/i18n/messages_expr.go) and the
// params its parameters with line, column and kind (the category).
func exprErrors(path string, err error) []field.Error {
	var ee *expr.Error
	if errors.As(err, &ee) && len(ee.Diagnostics) > 0 {
		out := make([]field.Error, len(ee.Diagnostics))
		for i, d := range ee.Diagnostics {
			params := make(map[string]any, len(d.Params)+1)
			for k, v := range d.Params {
				params[k] = v
			}
			params["kind"] = d.Code
			out[i] = fieldErr(path, d.Key, params)
		}
		return out
	}
	return []field.Error{fieldErr(path, CodeExpression, map[string]any{"reason": err.Error()})}
}

// OptionsOf returns the options of the select and multiselect fields of
// fields by key, for the expression environment.
func OptionsOf(fields []form.Field) map[string][]expr.Option {
	var out map[string][]expr.Option
	for _, f := range fields {
		t, _ := field.Get(f.Type)
		ch, ok := t.(field.Chooser)
		if !ok {
			continue
		}
		choices := ch.Choices(&f)
		if len(choices) == 0 {
			continue
		}
		if out == nil {
			out = map[string][]expr.Option{}
		}
		opts := make([]expr.Option, len(choices))
		for i, o := range choices {
			opts[i] = expr.Option{Value: o.Value, Label: o.Label}
		}
		out[f.Key] = opts
	}
	return out
}

// formulaOrder sorts formula fields so that each comes after the formulas it
// reads; it returns the key of a field on a cycle if there is one.
func formulaOrder(fields []*cfield) ([]*cfield, string) {
	formulas := map[string]*cfield{}
	var keys []string
	for _, f := range fields {
		if f.formula != nil {
			formulas[f.def.Key] = f
			keys = append(keys, f.def.Key)
		}
	}
	// Dependencies are the names each program reads, from its syntax
	// tree: address.city reads address, not a field named city.
	deps := map[string][]string{}
	for _, k := range keys {
		for _, id := range formulas[k].formula.Reads() {
			if _, ok := formulas[id]; ok {
				deps[k] = append(deps[k], id)
			}
		}
		sort.Strings(deps[k])
	}
	var order []*cfield
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(k string) string
	visit = func(k string) string {
		switch state[k] {
		case 1:
			return k
		case 2:
			return ""
		}
		state[k] = 1
		for _, d := range deps[k] {
			if c := visit(d); c != "" {
				return c
			}
		}
		state[k] = 2
		order = append(order, formulas[k])
		return ""
	}
	for _, k := range keys {
		if c := visit(k); c != "" {
			return nil, c
		}
	}
	return order, ""
}

// reservedKeys are names a field key may not take: the expression
// language's own names and the record's properties.
func reservedKeys() []string {
	return append(append([]string(nil), expr.ReservedNames()...), "id", "version")
}
