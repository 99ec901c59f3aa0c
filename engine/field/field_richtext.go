package field

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// MaxRichtextBytes bounds a rich text value (input and sanitized HTML).
const MaxRichtextBytes = 100 << 10

func init() {
	Register(richtextType{ugc: bluemonday.UGCPolicy(), strict: bluemonday.StrictPolicy()})
}

// richtextType is HTML, sanitized with bluemonday's UGC policy so that no
// script, style or event handler is ever stored. The policies are built once
// at init and are safe for concurrent use.
type richtextType struct {
	textLike
	ugc    *bluemonday.Policy
	strict *bluemonday.Policy
}

func (richtextType) Name() string { return "richtext" }

func (richtextType) CheckDesign(*form.Field) []Error { return nil }

func (richtextType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"maxLength": MaxRichtextBytes, "contentMediaType": "text/html"})
}

func (richtextType) Operators(*form.Field) []store.Op {
	return []store.Op{store.OpContains, store.OpEmpty, store.OpExists}
}

func (t richtextType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	s, ok := raw.(string)
	if !ok {
		return nil, typeErr(path, "string")
	}
	if len(s) > MaxRichtextBytes {
		return nil, fail(path, CodeTooLarge, map[string]any{"limit": "100 KB"})
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return nil, fail(path, CodeInvalidEncoding, nil)
	}
	clean := strings.TrimSpace(t.ugc.Sanitize(s))
	if clean == "" || (t.plain(clean) == "" && !strings.Contains(clean, "<img")) {
		return nil, nil
	}
	if len(clean) > MaxRichtextBytes {
		return nil, fail(path, CodeTooLarge, map[string]any{"limit": "100 KB"})
	}
	return clean, nil
}

// blockBreaks puts a space after the tags that end a block, so that
// paragraphs do not run together once tags are stripped.
var blockBreaks = strings.NewReplacer(
	"</p>", "</p> ", "</div>", "</div> ", "</li>", "</li> ", "</tr>", "</tr> ", "</td>", "</td> ", "</th>", "</th> ",
	"</h1>", "</h1> ", "</h2>", "</h2> ", "</h3>", "</h3> ", "</h4>", "</h4> ", "</h5>", "</h5> ", "</h6>", "</h6> ",
	"<br>", "<br> ", "<br/>", "<br/> ", "</blockquote>", "</blockquote> ", "</pre>", "</pre> ",
)

// plain strips every tag and entity, collapsing white space.
func (t richtextType) plain(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(t.strict.Sanitize(blockBreaks.Replace(h)))), " ")
}

// Format shows the text without markup.
func (t richtextType) Format(_ Context, _ *form.Field, stored any, _ string) string {
	s, _ := stored.(string)
	return t.plain(s)
}

func (t richtextType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, cell)
}
