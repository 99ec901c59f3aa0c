package field

import (
	"strings"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// localLayouts are the zone-less date-time spellings read in the workspace
// zone (".999999999" makes fractional seconds optional).
var localLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02T15:04:05.999999999"}

// cellTimeLayout is how date-times are written to cells, in the workspace zone.
const cellTimeLayout = "2006-01-02 15:04:05.999999"

func init() { Register(datetimeType{}) }

// datetimeType is an instant, stored as a store.TimeLayout string in UTC
// (microsecond precision).
type datetimeType struct{}

func (datetimeType) Name() string { return "datetime" }

// DateCell renders a spreadsheet date-time as the local time FromCell reads.
func (datetimeType) DateCell(t time.Time) string { return t.Format("2006-01-02 15:04:05") }

// IndexHint marks the type as a common sort column.
func (datetimeType) IndexHint() IndexHint             { return IndexSort }
func (datetimeType) Input() bool                      { return true }
func (datetimeType) CheckDesign(*form.Field) []Error  { return nil }
func (datetimeType) ExprType(*form.Field) expr.Type   { return expr.DateTime }
func (datetimeType) Operators(*form.Field) []store.Op { return orderedOps }

func (datetimeType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"format": "date-time", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$`})
}

// Normalize reads an RFC 3339 time with its zone, a time.Time, or a local
// "YYYY-MM-DD HH:mm[:ss[.fff]]" (also with "T") in the workspace zone.
func (datetimeType) Normalize(ctx Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	var t time.Time
	switch x := raw.(type) {
	case time.Time:
		t = x
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		var ok bool
		if t, ok = parseDateTime(ctx, s); !ok {
			return nil, fail(path, CodeDateTime, nil)
		}
	default:
		return nil, typeErr(path, "string")
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, fail(path, CodeDateTime, nil)
	}
	return store.FormatTime(t), nil
}

// parseDateTime reads RFC 3339 when s ends with a zone, else a local
// layout chosen by shape (a failed parse costs an allocation, so none is
// tried in vain).
func parseDateTime(ctx Context, s string) (time.Time, bool) {
	n := len(s)
	if n < 16 {
		return time.Time{}, false
	}
	if c := s[n-1]; c == 'Z' || c == 'z' || n >= 22 && (s[n-6] == '+' || s[n-6] == '-') {
		t, err := time.Parse(time.RFC3339Nano, s)
		return t, err == nil
	}
	i := 1 // with seconds
	if n == 16 {
		i = 0 // minutes only
	}
	if s[10] == 'T' {
		i += 2
	}
	layout := localLayouts[i]
	t, err := time.ParseInLocation(layout, s, ctx.loc())
	return t, err == nil
}

// storedTime reads a stored instant in the workspace zone.
func storedTime(ctx Context, stored any) (time.Time, bool) {
	s, ok := stored.(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.In(ctx.loc()), true
}

func (datetimeType) ExprValue(ctx Context, _ *form.Field, stored any) any {
	if t, ok := storedTime(ctx, stored); ok {
		return t
	}
	return nil
}

// Format shows the minute in the workspace zone: "2024-03-05 14:30".
func (datetimeType) Format(ctx Context, _ *form.Field, stored any, _ string) string {
	if t, ok := storedTime(ctx, stored); ok {
		return t.Format("2006-01-02 15:04")
	}
	return ""
}

// ToCell writes the local time in the workspace zone, to the microsecond
// when it has one, so that FromCell reads the same instant back.
func (datetimeType) ToCell(ctx Context, _ *form.Field, stored any) string {
	if t, ok := storedTime(ctx, stored); ok {
		return t.Format(cellTimeLayout)
	}
	return ""
}

// FromCell also reads "2024/3/5 14:30" and a bare date as its midnight.
func (t datetimeType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	for _, layout := range []string{"2006/1/2 15:04", "2006/1/2 15:04:05", DateLayout, "2006/1/2"} {
		if v, err := time.ParseInLocation(layout, s, ctx.loc()); err == nil {
			return t.Normalize(ctx, f, path, v)
		}
	}
	return t.Normalize(ctx, f, path, s)
}
