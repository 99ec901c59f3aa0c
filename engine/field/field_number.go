package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// MaxPrecision bounds the Precision of number fields.
const MaxPrecision = 10

// orderedOps are the operators of numbers, dates and times.
var orderedOps = []store.Op{store.OpEq, store.OpNe, store.OpGt, store.OpGte, store.OpLt, store.OpLte, store.OpBetween, store.OpIn, store.OpNin, store.OpEmpty, store.OpExists}

func init() { Register(numberType{}) }

// numberType is a float64 with optional Min, Max and Precision.
type numberType struct{}

func (numberType) Name() string { return "number" }

// NumericCell: the cell is a plain number.
func (numberType) NumericCell() {}

// IndexHint marks the type as a common sort column.
func (numberType) IndexHint() IndexHint             { return IndexSort }
func (numberType) Input() bool                      { return true }
func (numberType) ExprType(*form.Field) expr.Type   { return expr.Number }
func (numberType) Operators(*form.Field) []store.Op { return orderedOps }

func (numberType) CheckDesign(f *form.Field) []Error {
	return append(append(checkMinMax(f), checkPrecision(f, MaxPrecision)...), checkBounds(f)...)
}

// checkBounds keeps Min and Max within the storable range.
func checkBounds(f *form.Field) []Error {
	var errs []Error
	for prop, v := range map[string]*float64{"min": f.Min, "max": f.Max} {
		if v != nil && (*v > MaxNumber || *v < -MaxNumber) {
			errs = append(errs, designErr(prop, CodeRange, map[string]any{"min": -MaxNumber, "max": MaxNumber}))
		}
	}
	return errs
}

func (numberType) Schema(f *form.Field) map[string]any {
	return numberSchema(f.Min, f.Max)
}

// numberSchema is a nullable number within optional bounds.
func numberSchema(min, max *float64) map[string]any {
	s := nullable("number", nil)
	if min != nil {
		s["minimum"] = *min
	}
	if max != nil {
		s["maximum"] = *max
	}
	return s
}

func (numberType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if s, ok := raw.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, text, ok := readNumber(raw)
	if !ok {
		return nil, typeErr(path, "number")
	}
	if errs := checkNumber(path, v, text, f.Min, f.Max, f.Precision); errs != nil {
		return nil, errs
	}
	return v + 0, nil // + 0 turns -0 into 0
}

func (numberType) ExprValue(_ Context, _ *form.Field, stored any) any {
	if v, ok := storedNumber(stored); ok {
		return v
	}
	return nil
}

func (numberType) Format(_ Context, f *form.Field, stored any, _ string) string {
	v, ok := storedNumber(stored)
	if !ok {
		return ""
	}
	if f.Precision != nil {
		return formatNumber(v, *f.Precision)
	}
	return formatNumber(v, -1)
}

func (numberType) ToCell(_ Context, _ *form.Field, stored any) string {
	if v, ok := storedNumber(stored); ok {
		return plainNumber(v)
	}
	return ""
}

func (t numberType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s, ok := stripThousands(strings.TrimSpace(cell))
	if !ok {
		return nil, typeErr(path, "number")
	}
	return t.Normalize(ctx, f, path, s)
}

// stripThousands removes thousands separators typed into a cell
// ("1,234,567.5"), refusing commas anywhere else ("1,5" is not 15).
func stripThousands(s string) (string, bool) {
	if !strings.ContainsAny(s, ",，") {
		return s, true
	}
	s = strings.ReplaceAll(s, "，", ",")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(intPart, "-") || strings.HasPrefix(intPart, "+") {
		sign, intPart = intPart[:1], intPart[1:]
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", false
		}
	}
	out := sign + strings.Join(groups, "")
	if hasFrac {
		if strings.Contains(frac, ",") {
			return "", false
		}
		out += "." + frac
	}
	return out, true
}
