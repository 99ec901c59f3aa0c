package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// cellBools are the spellings FromCell reads as true or false.
var cellBools = map[string]bool{
	"true": true, "yes": true, "y": true, "1": true, "是": true, "对": true, "✓": true, "✔": true, "√": true,
	"false": false, "no": false, "n": false, "0": false, "否": false, "错": false, "✗": false, "×": false,
}

func init() { Register(booleanType{}) }

// booleanType is true or false (a JSON boolean; strings are refused so a
// client sending "false" does not store true by mistake).
type booleanType struct{}

func (booleanType) Name() string                      { return "boolean" }
func (booleanType) Input() bool                       { return true }
func (booleanType) CheckDesign(*form.Field) []Error   { return nil }
func (booleanType) Schema(*form.Field) map[string]any { return nullable("boolean", nil) }
func (booleanType) ExprType(*form.Field) expr.Type    { return expr.Bool }

func (booleanType) Operators(*form.Field) []store.Op {
	return []store.Op{store.OpEq, store.OpNe, store.OpEmpty, store.OpExists}
}

func (booleanType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	switch x := raw.(type) {
	case bool:
		return x, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
	}
	return nil, typeErr(path, "boolean")
}

func (booleanType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if b, ok := stored.(bool); ok {
		return b
	}
	return nil
}

// Format shows 是/否 or Yes/No.
func (booleanType) Format(_ Context, _ *form.Field, stored any, lang string) string {
	b, ok := stored.(bool)
	switch {
	case !ok:
		return ""
	case zh(lang) && b:
		return "是"
	case zh(lang):
		return "否"
	case b:
		return "Yes"
	}
	return "No"
}

func (booleanType) ToCell(_ Context, _ *form.Field, stored any) string {
	b, ok := stored.(bool)
	switch {
	case !ok:
		return ""
	case b:
		return "true"
	}
	return "false"
}

// FromCell reads true/false, yes/no, 1/0, 是/否, ✓/✗ and similar.
func (booleanType) FromCell(_ Context, _ *form.Field, path, cell string) (any, []Error) {
	s := strings.ToLower(strings.TrimSpace(cell))
	if s == "" {
		return nil, nil
	}
	if b, ok := cellBools[s]; ok {
		return b, nil
	}
	return nil, typeErr(path, "boolean")
}
