package field

import (
	"strings"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// DateLayout is how dates are stored: "YYYY-MM-DD", a day in the workspace
// time zone, so text order is date order.
const DateLayout = "2006-01-02"

// cellDateLayouts are the extra date spellings FromCell reads.
var cellDateLayouts = []string{"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

func init() { Register(dateType{}) }

// dateType is a calendar day.
type dateType struct{}

func (dateType) Name() string { return "date" }

// DateCell renders a spreadsheet date as the day FromCell reads.
func (dateType) DateCell(t time.Time) string { return t.Format("2006-01-02") }

// IndexHint marks the type as a common sort column.
func (dateType) IndexHint() IndexHint             { return IndexSort }
func (dateType) Input() bool                      { return true }
func (dateType) CheckDesign(*form.Field) []Error  { return nil }
func (dateType) ExprType(*form.Field) expr.Type   { return expr.Date }
func (dateType) Operators(*form.Field) []store.Op { return orderedOps }

func (dateType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"format": "date", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`})
}

// Normalize reads "YYYY-MM-DD", or an RFC 3339 time (or a time.Time, as
// default expressions produce) taken as the day it is in the workspace zone.
func (dateType) Normalize(ctx Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	var t time.Time
	switch x := raw.(type) {
	case time.Time:
		t = x.In(ctx.loc())
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return nil, nil
		}
		var err error
		if len(s) == len(DateLayout) {
			// The layout takes exactly this spelling, so s is canonical.
			if t, err = time.Parse(DateLayout, s); err == nil && t.Year() >= 1 {
				return s, nil
			}
		} else {
			t, err = time.Parse(time.RFC3339Nano, s)
			t = t.In(ctx.loc())
		}
		if err != nil {
			return nil, fail(path, CodeDate, nil)
		}
	default:
		return nil, typeErr(path, "string")
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return nil, fail(path, CodeDate, nil)
	}
	return t.Format(DateLayout), nil
}

// ExprValue is midnight of the day in the workspace zone.
func (dateType) ExprValue(ctx Context, _ *form.Field, stored any) any {
	s, _ := stored.(string)
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return nil
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, ctx.loc())
}

func (dateType) Format(_ Context, _ *form.Field, stored any, _ string) string {
	s, _ := stored.(string)
	return s
}

func (dateType) ToCell(_ Context, _ *form.Field, stored any) string {
	s, _ := stored.(string)
	return s
}

// FromCell also reads "2024/3/5", "2024-3-5", "2024.3.5" and "2024年3月5日".
func (t dateType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	for _, layout := range cellDateLayouts {
		if d, err := time.Parse(layout, s); err == nil {
			return t.Normalize(ctx, f, path, d.Format(DateLayout))
		}
	}
	return t.Normalize(ctx, f, path, s)
}
