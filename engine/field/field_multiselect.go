package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// listOps are the operators of list-valued fields.
var listOps = []store.Op{store.OpContainsAny, store.OpContainsAll, store.OpEmpty, store.OpExists}

func init() { Register(multiselectType{}) }

// multiselectType is a set of options, stored as a list of option values in
// the order of the design's options (so equal sets are equal values).
type multiselectType struct{}

func (multiselectType) Name() string { return "multiselect" }

// Choices are the design's options.
func (multiselectType) Choices(f *form.Field) []form.Option { return f.Options }
func (multiselectType) Input() bool                         { return true }
func (multiselectType) ExprType(*form.Field) expr.Type      { return expr.ListOf(expr.Text) }
func (multiselectType) Operators(*form.Field) []store.Op    { return listOps }

func (multiselectType) CheckDesign(f *form.Field) []Error {
	return append(checkOptions(f), checkDisplay(f, "checkbox", "dropdown")...)
}

func (multiselectType) Schema(f *form.Field) map[string]any {
	return nullable("array", map[string]any{
		"items":       map[string]any{"enum": optionValues(f)},
		"uniqueItems": true,
		"minItems":    1,
		"maxItems":    len(f.Options),
	})
}

func (multiselectType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	list, ok := asList(raw)
	if !ok {
		return nil, typeErr(path, "array")
	}
	if len(list) > len(f.Options) {
		return nil, fail(path, CodeTooMany, map[string]any{"max": len(f.Options)})
	}
	var chosenBuf [32]bool
	chosen := chosenBuf[:0]
	if len(f.Options) > len(chosenBuf) {
		chosen = make([]bool, len(f.Options))
	} else {
		chosen = chosenBuf[:len(f.Options)]
	}
	var errs []Error
	for i, e := range list {
		p := indexPath(path, i)
		s, ok := e.(string)
		if !ok {
			errs = append(errs, typeErr(p, "string")...)
			continue
		}
		s = strings.TrimSpace(s)
		switch j := optionIndex(f, s); {
		case j < 0:
			errs = append(errs, fail(p, CodeOption, map[string]any{"value": truncate(s)})...)
		case chosen[j]:
			errs = append(errs, fail(p, CodeDuplicate, map[string]any{"value": s})...)
		default:
			chosen[j] = true
		}
	}
	if errs != nil {
		return nil, errs
	}
	out := make([]any, 0, len(list))
	for j, o := range f.Options {
		if chosen[j] {
			out = append(out, o.Value)
		}
	}
	return out, nil
}

func (multiselectType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if stored == nil {
		return nil
	}
	return stringsToAny(storedStrings(stored))
}

// stringsToAny converts for expression lists.
func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// joinList joins items the way lang writes enumerations.
func joinList(items []string, lang string) string {
	if zh(lang) {
		return strings.Join(items, "、")
	}
	return strings.Join(items, ", ")
}

func (multiselectType) Format(_ Context, f *form.Field, stored any, lang string) string {
	vals := storedStrings(stored)
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = labelOf(f, v)
	}
	return joinList(labels, lang)
}

// ToCell writes the labels separated by ", ".
func (multiselectType) ToCell(_ Context, f *form.Field, stored any) string {
	vals := storedStrings(stored)
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = labelOf(f, v)
	}
	return strings.Join(labels, ", ")
}

// FromCell reads values or labels separated by commas, semicolons, "、" or
// line breaks; a cell that is exactly one label (even with a comma in it) is
// that option.
func (t multiselectType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if v, ok := optionFromCell(f, s); ok {
		return []any{v}, nil
	}
	parts := splitCell(s)
	for i, p := range parts {
		if v, ok := optionFromCell(f, p.(string)); ok {
			parts[i] = v
		}
	}
	return t.Normalize(ctx, f, path, parts)
}
