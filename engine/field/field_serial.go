package field

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// Serial number limits and defaults.
const (
	DefaultSerialWidth = 4
	MaxSerialWidth     = 12
	MaxSerialPrefix    = 20
)

// serialDateLayouts maps a DatePart to its Go layout.
var serialDateLayouts = map[string]string{"": "", "YYYY": "2006", "YYYYMM": "200601", "YYYYMMDD": "20060102"}

// serialResetNeeds maps a Reset period to the DateParts that can tell its
// periods apart (otherwise numbers would repeat).
var serialResetNeeds = map[string][]string{
	"": nil, "never": nil,
	"year":  {"YYYY", "YYYYMM", "YYYYMMDD"},
	"month": {"YYYYMM", "YYYYMMDD"},
	"day":   {"YYYYMMDD"},
}

func init() { Register(serialType{}) }

// serialType is a number the engine assigns on creation: Prefix, the date
// part of the creation day in the workspace zone, then the counter padded to
// Width digits ("HT202403050001"). A nil Serial means width 4, no prefix,
// no date part, never reset.
type serialType struct {
	computed
	textLike
}

func (serialType) Name() string { return "serial" }
func (serialType) Input() bool  { return false }

// IndexHint asks for an index: records are looked up by their number.
func (serialType) IndexHint() IndexHint { return IndexAlways }

// SequencePeriod is SerialPeriod.
func (serialType) SequencePeriod(ctx Context, f *form.Field) string { return SerialPeriod(ctx, f) }

// SequenceValue is SerialValue.
func (serialType) SequenceValue(ctx Context, f *form.Field, n int64) string {
	return SerialValue(ctx, f, n)
}

func (serialType) CheckDesign(f *form.Field) []Error {
	s := f.Serial
	if s == nil {
		return nil
	}
	var errs []Error
	if utf8.RuneCountInString(s.Prefix) > MaxSerialPrefix {
		errs = append(errs, designErr("serial.prefix", CodeMaxLength, map[string]any{"max": MaxSerialPrefix}))
	} else if code := textProblem(s.Prefix, false); code != "" {
		errs = append(errs, designErr("serial.prefix", code, nil))
	}
	if _, ok := serialDateLayouts[s.DatePart]; !ok {
		errs = append(errs, designErr("serial.datePart", CodeSerialDatePart, map[string]any{"value": s.DatePart}))
	}
	if s.Width < 0 || s.Width > MaxSerialWidth {
		errs = append(errs, designErr("serial.width", CodeRange, map[string]any{"min": 1, "max": MaxSerialWidth}))
	}
	needs, ok := serialResetNeeds[s.Reset]
	switch {
	case !ok:
		errs = append(errs, designErr("serial.reset", CodeSerialReset, map[string]any{"value": s.Reset}))
	case needs != nil && !contains(needs, s.DatePart):
		errs = append(errs, designErr("serial.reset", CodeSerialResetDate, map[string]any{"value": s.Reset}))
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (serialType) Schema(*form.Field) map[string]any {
	return nullable("string", map[string]any{"maxLength": 128})
}

func (serialType) ExprType(*form.Field) expr.Type { return expr.Text }

func (serialType) Normalize(ctx Context, f *form.Field, path string, raw any) (any, []Error) {
	return computed{}.Normalize(ctx, f, path, raw)
}

func (serialType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return computed{}.Normalize(ctx, f, path, cell)
}

// Operators are those of text (serials are matched and sorted as strings).
func (serialType) Operators(*form.Field) []store.Op { return textOps }

// SerialPeriod returns the counter bucket of a serial field at ctx.Now in
// the workspace zone: "" when the counter never resets, else "2024",
// "202403" or "20240305". The engine keeps one counter per field and period.
func SerialPeriod(ctx Context, f *form.Field) string {
	if f.Serial == nil {
		return ""
	}
	now := ctx.Now.In(ctx.loc())
	switch f.Serial.Reset {
	case "year":
		return now.Format("2006")
	case "month":
		return now.Format("200601")
	case "day":
		return now.Format("20060102")
	}
	return ""
}

// SerialValue renders the n-th serial number of field f at ctx.Now.
func SerialValue(ctx Context, f *form.Field, n int64) string {
	s := form.Serial{Width: DefaultSerialWidth}
	if f.Serial != nil {
		s = *f.Serial
		if s.Width <= 0 {
			s.Width = DefaultSerialWidth
		}
	}
	var b strings.Builder
	b.WriteString(s.Prefix)
	if layout := serialDateLayouts[s.DatePart]; layout != "" {
		b.WriteString(ctx.Now.In(ctx.loc()).Format(layout))
	}
	num := strconv.FormatInt(n, 10)
	for i := len(num); i < s.Width; i++ {
		b.WriteByte('0')
	}
	b.WriteString(num)
	return b.String()
}
