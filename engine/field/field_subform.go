package field

import (
	"strconv"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// MaxSubformRows bounds the rows of one subform value.
const MaxSubformRows = 1000

func init() { Register(subformType{}) }

// subformType is a table inside a record: a list of row objects, each
// normalized field by field with the subform's Fields (paths
// "items[1].price"). Every row carries a stable "id" (SubformRowID): kept
// when the client sends one, generated when missing, so edits, history
// diffs and workflow comments can point at a row. Keys other than "id" and
// the fields' keys are refused; computed fields of rows must not be sent;
// empty values are left out of the row. Subforms do not nest.
type subformType struct{}

func (subformType) Name() string                     { return "subform" }
func (subformType) Input() bool                      { return true }
func (subformType) Operators(*form.Field) []store.Op { return objectOps }

// Rows returns the rows of a stored subform value.
func (subformType) Rows(stored any) []map[string]any {
	list, _ := stored.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, r := range list {
		if row, ok := r.(map[string]any); ok {
			out = append(out, row)
		}
	}
	return out
}

func (subformType) CheckDesign(f *form.Field) []Error {
	if len(f.Fields) == 0 {
		return []Error{designErr("fields", CodeSubformFields, nil)}
	}
	var errs []Error
	for i := range f.Fields {
		if f.Fields[i].Type == "subform" {
			errs = append(errs, designErr(indexPath("fields", i)+".type", CodeSubformNested, nil))
		}
	}
	if errs != nil {
		return errs
	}
	return CheckFields(f.Fields, []string{SubformRowID})
}

func (subformType) Schema(f *form.Field) map[string]any {
	props := map[string]any{SubformRowID: idSchema()}
	for i := range f.Fields {
		c := &f.Fields[i]
		if t, ok := Get(c.Type); ok {
			props[c.Key] = t.Schema(c)
		}
	}
	return nullable("array", map[string]any{
		"minItems": 1,
		"maxItems": MaxSubformRows,
		"items": map[string]any{
			"type":                 "object",
			"properties":           props,
			"required":             []any{SubformRowID},
			"additionalProperties": false,
		},
	})
}

func (subformType) Normalize(ctx Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, typeErr(path, "array")
	}
	if len(list) > MaxSubformRows {
		return nil, fail(path, CodeTooManyRows, map[string]any{"max": MaxSubformRows})
	}
	out := make([]any, len(list))
	var errs []Error
	ids := make(map[string]bool, len(list))
	for i, e := range list {
		rowPath := path + "[" + strconv.Itoa(i) + "]"
		row, ok := e.(map[string]any)
		if !ok {
			errs = append(errs, typeErr(rowPath, "object")...)
			continue
		}
		norm, rowErrs := normalizeRow(ctx, f, rowPath, row)
		errs = append(errs, rowErrs...)
		if id, ok := norm[SubformRowID].(string); ok {
			if ids[id] {
				errs = append(errs, fail(subPath(rowPath, SubformRowID), CodeDuplicate, map[string]any{"value": id})...)
			}
			ids[id] = true
		}
		out[i] = norm
	}
	if errs != nil {
		return nil, errs
	}
	return out, nil
}

// normalizeRow normalizes one row against the subform's fields.
func normalizeRow(ctx Context, f *form.Field, rowPath string, row map[string]any) (map[string]any, []Error) {
	var errs []Error
	for k := range row {
		if k == SubformRowID {
			continue
		}
		if c := childField(f, k); c == nil {
			errs = append(errs, fail(subPath(rowPath, k), CodeUnknownField, map[string]any{"key": truncate(k)})...)
		}
	}
	out := make(map[string]any, len(row)+1)
	switch id := row[SubformRowID].(type) {
	case nil:
		out[SubformRowID] = ctx.newID()
	case string:
		if id == "" {
			out[SubformRowID] = ctx.newID()
		} else if validID(id) {
			out[SubformRowID] = id
		} else {
			errs = append(errs, fail(subPath(rowPath, SubformRowID), CodeID, nil)...)
		}
	default:
		errs = append(errs, typeErr(subPath(rowPath, SubformRowID), "string")...)
	}
	for i := range f.Fields {
		c := &f.Fields[i]
		v, present := row[c.Key]
		if !present {
			continue
		}
		t, ok := Get(c.Type)
		if !ok {
			errs = append(errs, fail(subPath(rowPath, c.Key), CodeTypeUnknown, map[string]any{"type": c.Type})...)
			continue
		}
		n, cErrs := t.Normalize(ctx, c, subPath(rowPath, c.Key), v)
		if cErrs != nil {
			errs = append(errs, cErrs...)
			continue
		}
		if n != nil {
			out[c.Key] = n
		}
	}
	return out, errs
}

// childField returns the subform field with key k.
func childField(f *form.Field, k string) *form.Field {
	for i := range f.Fields {
		if f.Fields[i].Key == k {
			return &f.Fields[i]
		}
	}
	return nil
}

func (subformType) ExprType(f *form.Field) expr.Type {
	fields := map[string]expr.Type{SubformRowID: expr.Text}
	for i := range f.Fields {
		c := &f.Fields[i]
		if t, ok := Get(c.Type); ok {
			fields[c.Key] = t.ExprType(c)
		}
	}
	return expr.ListOf(expr.ObjectOf(fields))
}

// ExprValue converts every row, each with all the subform's keys (nil when
// empty) so expressions can read any column of any row.
func (subformType) ExprValue(ctx Context, f *form.Field, stored any) any {
	list, ok := stored.([]any)
	if !ok {
		return nil
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		row, ok := e.(map[string]any)
		if !ok {
			continue
		}
		r := make(map[string]any, len(f.Fields)+1)
		r[SubformRowID] = row[SubformRowID]
		for i := range f.Fields {
			c := &f.Fields[i]
			if t, ok := Get(c.Type); ok {
				r[c.Key] = t.ExprValue(ctx, c, row[c.Key])
			}
		}
		out = append(out, r)
	}
	return out
}

// Format counts the rows: "3 行" or "3 rows".
func (subformType) Format(_ Context, _ *form.Field, stored any, lang string) string {
	list, ok := stored.([]any)
	if !ok {
		return ""
	}
	n := strconv.Itoa(len(list))
	switch {
	case zh(lang):
		return n + " 行"
	case len(list) == 1:
		return "1 row"
	}
	return n + " rows"
}

// ToCell writes the rows as JSON (a spreadsheet exporter may instead give
// the subform its own sheet, one row per subform row, using the fields'
// own ToCell).
func (subformType) ToCell(_ Context, _ *form.Field, stored any) string {
	return storedJSONCell(stored)
}

func (t subformType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	if cell == "" {
		return nil, nil
	}
	v, ok := jsonCell(cell)
	if !ok {
		return nil, typeErr(path, "array")
	}
	return t.Normalize(ctx, f, path, v)
}
