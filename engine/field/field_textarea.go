package field

import "github.com/formloom/formloom/engine/form"

// DefaultTextareaMaxLength is the maximum length in runes of a textarea
// field without MaxLength, and the largest MaxLength of text fields.
const DefaultTextareaMaxLength = 10000

func init() { Register(textareaType{}) }

// textareaType is multi-line plain text.
type textareaType struct{ textLike }

func (textareaType) Name() string { return "textarea" }

func (textareaType) CheckDesign(f *form.Field) []Error {
	return append(checkLengths(f, DefaultTextareaMaxLength), checkPattern(f)...)
}

func (textareaType) Schema(f *form.Field) map[string]any {
	return stringSchema(f, DefaultTextareaMaxLength)
}

func (textareaType) Normalize(ctx Context, f *form.Field, path string, raw any) (any, []Error) {
	return normalizeString(ctx, f, path, raw, true, DefaultTextareaMaxLength)
}

func (t textareaType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, cell)
}
