package field

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// maxPercent bounds stored fractions so that the percentage stays within MaxNumber.
const maxPercent = MaxNumber / 100

func init() { Register(percentType{}) }

// percentType is a ratio stored as a fraction: 15% is stored as 0.15, the
// value expressions compute with. Min and Max are fractions too. Precision
// counts the decimals of the percentage (Precision 1 allows 15.5%, stored
// 0.155). Input is a number (the fraction) or a string, either a fraction
// ("0.15") or a percentage with a percent sign ("15%").
type percentType struct{}

func (percentType) Name() string { return "percent" }

// IndexHint marks the type as a common sort column.
func (percentType) IndexHint() IndexHint             { return IndexSort }
func (percentType) Input() bool                      { return true }
func (percentType) ExprType(*form.Field) expr.Type   { return expr.Number }
func (percentType) Operators(*form.Field) []store.Op { return orderedOps }

func (percentType) CheckDesign(f *form.Field) []Error {
	return append(append(checkMinMax(f), checkPrecision(f, MaxPrecision-2)...), checkBounds(f)...)
}

func (percentType) Schema(f *form.Field) map[string]any { return numberSchema(f.Min, f.Max) }

func (percentType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if s, ok := raw.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		if pct, ok := strings.CutSuffix(s, "%"); ok {
			_, text, ok := parseNumberText(strings.TrimSpace(pct))
			if !ok {
				return nil, typeErr(path, "number")
			}
			if text == "" {
				return nil, fail(path, CodeNumberRange, map[string]any{"max": MaxNumber})
			}
			raw = decimal.RequireFromString(text).Shift(-2).String()
		}
	}
	v, text, ok := readNumber(raw)
	if !ok {
		return nil, typeErr(path, "number")
	}
	if v > maxPercent || v < -maxPercent {
		// The percentage (v * 100) must itself stay within MaxNumber.
		return nil, fail(path, CodeNumberRange, map[string]any{"max": maxPercent})
	}
	var precision *int
	if f.Precision != nil {
		p := *f.Precision + 2
		precision = &p
	}
	if errs := checkNumber(path, v, text, f.Min, f.Max, precision); errs != nil {
		if errs[0].Code == CodePrecision {
			errs[0].Params["precision"] = *f.Precision
		}
		return nil, errs
	}
	return v + 0, nil
}

func (percentType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if v, ok := storedNumber(stored); ok {
		return v
	}
	return nil
}

// percentText renders a fraction as a percentage without binary noise:
// 0.155 -> "15.5".
func percentText(v float64, precision *int) string {
	d := decimal.NewFromFloat(v).Shift(2)
	if precision != nil {
		return d.StringFixed(int32(*precision))
	}
	return d.String()
}

func (percentType) Format(_ Context, f *form.Field, stored any, _ string) string {
	v, ok := storedNumber(stored)
	if !ok {
		return ""
	}
	return percentText(v, f.Precision) + "%"
}

// ToCell writes the percentage with its sign ("15.5%"), which spreadsheets
// read as the fraction 0.155.
func (percentType) ToCell(_ Context, _ *form.Field, stored any) string {
	v, ok := storedNumber(stored)
	if !ok {
		return ""
	}
	return percentText(v, nil) + "%"
}

func (t percentType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	return t.Normalize(ctx, f, path, strings.ReplaceAll(strings.TrimSpace(cell), "％", "%"))
}
