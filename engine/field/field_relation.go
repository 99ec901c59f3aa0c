package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

func init() { Register(relationType{}) }

// relationType links records of the form Form: one record id, or a list of
// unique ids (at most 500) when Multiple. Ids are checked for shape only;
// the pipeline checks that the records exist.
type relationType struct{}

func (relationType) Name() string { return "relation" }
func (relationType) Input() bool  { return true }

// RefKind makes the pipeline check the linked records exist in f.Form, a
// form of the workspace.
func (relationType) RefKind(*form.Field) RefKind { return RefRecords }

// IndexHint asks for an index: records are found by the records they link to.
func (relationType) IndexHint() IndexHint { return IndexAlways }

func (relationType) CheckDesign(f *form.Field) []Error {
	var errs []Error
	if f.Form == "" || !validID(f.Form) {
		errs = append(errs, designErr("form", CodeRelationForm, nil))
	}
	if f.DisplayField != "" && !ValidKey(f.DisplayField) && !store.IsSystemField(f.DisplayField) {
		errs = append(errs, designErr("displayField", CodeKeyInvalid, map[string]any{"key": f.DisplayField}))
	}
	return errs
}

func (relationType) Schema(f *form.Field) map[string]any {
	if f.Multiple {
		return idListSchema()
	}
	return idSchema()
}

func (relationType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if f.Multiple {
		return readIDList(path, raw)
	}
	return readID(path, raw)
}

func (relationType) ExprType(f *form.Field) expr.Type {
	if f.Multiple {
		return expr.ListOf(expr.Text)
	}
	return expr.Text
}

func (relationType) ExprValue(_ Context, f *form.Field, stored any) any {
	if f.Multiple {
		if stored == nil {
			return nil
		}
		return stringsToAny(storedStrings(stored))
	}
	if s, ok := stored.(string); ok {
		return s
	}
	return nil
}

// Operators are those of a single reference, or of a list when Multiple.
func (relationType) Operators(f *form.Field) []store.Op {
	if f.Multiple {
		return listOps
	}
	return choiceOps
}

func (relationType) Format(_ Context, f *form.Field, stored any, lang string) string {
	if s, ok := stored.(string); ok {
		return s
	}
	return joinList(storedStrings(stored), lang)
}

func (relationType) ToCell(_ Context, f *form.Field, stored any) string {
	if s, ok := stored.(string); ok {
		return s
	}
	return idsToCell(storedStrings(stored))
}

func (t relationType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	if f.Multiple {
		v, ok := idsFromCell(cell)
		if !ok {
			return nil, typeErr(path, "array")
		}
		return t.Normalize(ctx, f, path, v)
	}
	return t.Normalize(ctx, f, path, strings.TrimSpace(cell))
}
