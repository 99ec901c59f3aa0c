package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// anyOps are the operators of values whose type the design does not fix
// (lookup, formula).
var anyOps = []store.Op{store.OpEq, store.OpNe, store.OpGt, store.OpGte, store.OpLt, store.OpLte, store.OpBetween, store.OpIn, store.OpNin, store.OpContains, store.OpEmpty, store.OpExists}

// computed holds the behaviour shared by fields the engine computes
// (formula, lookup, serial): clients cannot write them, so any non-empty
// input is a read_only problem. An importer skips their columns.
type computed struct{}

func (computed) Input() bool { return false }

func (computed) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if s, ok := raw.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	return nil, fail(path, CodeReadOnly, nil)
}

func (c computed) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return c.Normalize(ctx, f, path, cell)
}

// untyped holds the behaviour of computed values of any type.
type untyped struct{ computed }

func (untyped) Schema(*form.Field) map[string]any             { return map[string]any{} }
func (untyped) ExprType(*form.Field) expr.Type                { return expr.Any }
func (untyped) ExprValue(_ Context, _ *form.Field, v any) any { return v }
func (untyped) Operators(*form.Field) []store.Op              { return anyOps }

func (untyped) Format(_ Context, _ *form.Field, stored any, lang string) string {
	return formatAny(stored, lang)
}

func (untyped) ToCell(_ Context, _ *form.Field, stored any) string {
	switch x := stored.(type) {
	case string:
		return x
	case float64:
		return plainNumber(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return storedJSONCell(stored)
}

// formatAny renders a value of unknown type for display.
func formatAny(v any, lang string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return formatNumber(x, -1)
	case bool:
		return booleanType{}.Format(Context{}, nil, x, lang)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, formatAny(e, lang))
		}
		return joinList(parts, lang)
	}
	return storedJSONCell(v)
}
