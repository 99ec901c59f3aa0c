package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// choiceOps are the operators of single-valued references (option, user,
// department, single relation).
var choiceOps = []store.Op{store.OpEq, store.OpNe, store.OpIn, store.OpNin, store.OpEmpty, store.OpExists}

func init() { Register(selectType{}) }

// selectType is one option, stored as its value.
type selectType struct{}

func (selectType) Name() string { return "select" }

// Choices are the design's options.
func (selectType) Choices(f *form.Field) []form.Option { return f.Options }
func (selectType) Input() bool                         { return true }
func (selectType) ExprType(*form.Field) expr.Type      { return expr.Text }
func (selectType) Operators(*form.Field) []store.Op    { return choiceOps }

func (selectType) CheckDesign(f *form.Field) []Error {
	return append(checkOptions(f), checkDisplay(f, "radio", "dropdown")...)
}

// optionValues lists the option values for schemas.
func optionValues(f *form.Field) []any {
	out := make([]any, 0, len(f.Options)+1)
	for _, o := range f.Options {
		out = append(out, o.Value)
	}
	return out
}

func (selectType) Schema(f *form.Field) map[string]any {
	return map[string]any{"enum": append(optionValues(f), nil)}
}

// findOption returns the option whose value is v.
func findOption(f *form.Field, v string) (form.Option, bool) {
	for _, o := range f.Options {
		if o.Value == v {
			return o, true
		}
	}
	return form.Option{}, false
}

// optionIndex returns the index of the option whose value is v, or -1.
func optionIndex(f *form.Field, v string) int {
	for i := range f.Options {
		if f.Options[i].Value == v {
			return i
		}
	}
	return -1
}

// optionFromCell finds an option by value, then by label.
func optionFromCell(f *form.Field, s string) (string, bool) {
	if _, ok := findOption(f, s); ok {
		return s, true
	}
	for _, o := range f.Options {
		if strings.TrimSpace(o.Label) == s {
			return o.Value, true
		}
	}
	return "", false
}

// labelOf returns the label of the option with value v, or v itself for a
// value whose option was removed since.
func labelOf(f *form.Field, v string) string {
	if o, ok := findOption(f, v); ok {
		return o.Label
	}
	return v
}

func (selectType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	s, errs := trimmedText(path, raw)
	if s == "" {
		return nil, errs
	}
	if _, ok := findOption(f, s); !ok {
		return nil, fail(path, CodeOption, map[string]any{"value": truncate(s)})
	}
	return s, nil
}

func (selectType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if s, ok := stored.(string); ok {
		return s
	}
	return nil
}

func (selectType) Format(_ Context, f *form.Field, stored any, _ string) string {
	s, _ := stored.(string)
	if s == "" {
		return ""
	}
	return labelOf(f, s)
}

// ToCell writes the option label, what people read in a spreadsheet.
func (t selectType) ToCell(ctx Context, f *form.Field, stored any) string {
	return t.Format(ctx, f, stored, "")
}

// FromCell reads an option value or label.
func (t selectType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if v, ok := optionFromCell(f, s); ok {
		return v, nil
	}
	return t.Normalize(ctx, f, path, s)
}

// truncate shortens a value echoed in a message.
func truncate(s string) string {
	if len(s) <= 80 {
		return s
	}
	i := 80
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
