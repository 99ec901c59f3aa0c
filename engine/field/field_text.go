package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// DefaultTextMaxLength is the maximum length in runes of a text field
// without MaxLength.
const DefaultTextMaxLength = 200

// textOps are the operators of string-valued fields.
var textOps = []store.Op{store.OpEq, store.OpNe, store.OpContains, store.OpStartsWith, store.OpIn, store.OpNin, store.OpEmpty, store.OpExists}

func init() { Register(textType{}) }

// textLike holds the behaviour shared by fields stored as one string.
type textLike struct{}

func (textLike) Input() bool                      { return true }
func (textLike) ExprType(*form.Field) expr.Type   { return expr.Text }
func (textLike) Operators(*form.Field) []store.Op { return textOps }

func (textLike) ExprValue(_ Context, _ *form.Field, stored any) any {
	if s, ok := stored.(string); ok {
		return s
	}
	return nil
}

func (textLike) Format(_ Context, _ *form.Field, stored any, _ string) string {
	s, _ := stored.(string)
	return s
}

func (textLike) ToCell(_ Context, _ *form.Field, stored any) string {
	s, _ := stored.(string)
	return s
}

// textType is a single line of text.
type textType struct{ textLike }

func (textType) Name() string { return "text" }

func (textType) CheckDesign(f *form.Field) []Error {
	return append(checkLengths(f, DefaultTextareaMaxLength), checkPattern(f)...)
}

func (textType) Schema(f *form.Field) map[string]any {
	return stringSchema(f, DefaultTextMaxLength)
}

func (textType) Normalize(ctx Context, f *form.Field, path string, raw any) (any, []Error) {
	return normalizeString(ctx, f, path, raw, false, DefaultTextMaxLength)
}

func (t textType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, cell)
}

// stringSchema is the schema of a text or textarea value.
func stringSchema(f *form.Field, defaultMax int) map[string]any {
	limit := defaultMax
	if f.MaxLength != nil {
		limit = *f.MaxLength
	}
	s := nullable("string", map[string]any{"maxLength": limit})
	if f.MinLength != nil && *f.MinLength > 0 {
		s["minLength"] = *f.MinLength
	}
	return s
}

// normalizeString trims surrounding white space (and turns CR LF into LF in
// multi-line text), then checks characters, length and Pattern.
func normalizeString(ctx Context, f *form.Field, path string, raw any, multiline bool, defaultMax int) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	s, ok := raw.(string)
	if !ok {
		return nil, typeErr(path, "string")
	}
	if multiline && strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if code := textProblem(s, multiline); code != "" {
		return nil, fail(path, code, nil)
	}
	if errs := checkLength(path, s, f.MinLength, f.MaxLength, defaultMax); errs != nil {
		return nil, errs
	}
	if f.Pattern != "" {
		re, err := ctx.pattern(f.Pattern)
		if err != nil {
			return nil, fail(path, CodePatternInvalid, map[string]any{"error": err.Error()})
		}
		if !re.MatchString(s) {
			return nil, fail(path, CodePattern, nil)
		}
	}
	return s, nil
}
