package field

import (
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func init() { Register(refListType{name: "users", kind: RefMembers}) }

// refListType is a list of unique ids (users, departments), at most 500,
// kept in the order given.
type refListType struct {
	name string
	kind RefKind
}

func (t refListType) Name() string { return t.name }
func (refListType) Input() bool    { return true }

// RefKind makes the pipeline check every id exists in the workspace.
func (t refListType) RefKind(*form.Field) RefKind { return t.kind }

func (refListType) CheckDesign(*form.Field) []Error  { return nil }
func (refListType) ExprType(*form.Field) expr.Type   { return expr.ListOf(expr.Text) }
func (refListType) Operators(*form.Field) []store.Op { return listOps }

func (refListType) Schema(*form.Field) map[string]any { return idListSchema() }

// idListSchema is the schema of a nullable list of ids.
func idListSchema() map[string]any {
	return nullable("array", map[string]any{"items": idSchema(), "uniqueItems": true, "minItems": 1, "maxItems": maxIDs})
}

func (refListType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	return readIDList(path, raw)
}

func (refListType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if stored == nil {
		return nil
	}
	return stringsToAny(storedStrings(stored))
}

func (refListType) Format(_ Context, _ *form.Field, stored any, lang string) string {
	return joinList(storedStrings(stored), lang)
}

func (refListType) ToCell(_ Context, _ *form.Field, stored any) string {
	return idsToCell(storedStrings(stored))
}

// FromCell reads ids separated by commas (or a JSON list).
func (t refListType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	v, ok := idsFromCell(cell)
	if !ok {
		return nil, typeErr(path, "array")
	}
	return t.Normalize(ctx, f, path, v)
}
