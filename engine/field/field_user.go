package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func init() { Register(refType{name: "user", kind: RefMembers}) }

// refType is one reference by id (user, department): the id's shape is
// checked here, its existence by the pipeline. Format and cells show the
// id; the server swaps in names, which this package does not know.
type refType struct {
	name string
	kind RefKind
}

func (t refType) Name() string { return t.name }
func (refType) Input() bool    { return true }

// RefKind makes the pipeline check the id exists in the workspace.
func (t refType) RefKind(*form.Field) RefKind { return t.kind }

func (refType) CheckDesign(*form.Field) []Error   { return nil }
func (refType) ExprType(*form.Field) expr.Type    { return expr.Text }
func (refType) Operators(*form.Field) []store.Op  { return choiceOps }
func (refType) Schema(*form.Field) map[string]any { return idSchema() }

// idSchema is the schema of a nullable id.
func idSchema() map[string]any {
	return nullable("string", map[string]any{"minLength": 1, "maxLength": store.MaxIDLength, "pattern": "^[!-~]+$"})
}

func (refType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	return readID(path, raw)
}

func (refType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if s, ok := stored.(string); ok {
		return s
	}
	return nil
}

func (refType) Format(_ Context, _ *form.Field, stored any, _ string) string {
	s, _ := stored.(string)
	return s
}

func (refType) ToCell(_ Context, _ *form.Field, stored any) string {
	s, _ := stored.(string)
	return s
}

func (t refType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, strings.TrimSpace(cell))
}
