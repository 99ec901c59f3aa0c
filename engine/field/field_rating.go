package field

import (
	"math"
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
)

// DefaultRatingMax is the top of a rating scale without Max.
const DefaultRatingMax = 5

// MaxRatingMax bounds the Max of rating fields.
const MaxRatingMax = 10

func init() { Register(ratingType{}) }

// ratingType is a whole number of stars from 0 to Max (default 5).
type ratingType struct{ numberType }

func (ratingType) Name() string { return "rating" }

// NumericCell: the cell is a plain number.
func (ratingType) NumericCell() {}

// IndexHint marks the type as a common sort column.
func (ratingType) IndexHint() IndexHint { return IndexSort }

// ratingMax returns the top of the scale.
func ratingMax(f *form.Field) int {
	if f.Max != nil && *f.Max >= 1 && *f.Max <= MaxRatingMax && *f.Max == math.Trunc(*f.Max) {
		return int(*f.Max)
	}
	return DefaultRatingMax
}

func (ratingType) CheckDesign(f *form.Field) []Error {
	if f.Max != nil && (*f.Max < 1 || *f.Max > MaxRatingMax || *f.Max != math.Trunc(*f.Max)) {
		return []Error{designErr("max", CodeRange, map[string]any{"min": 1, "max": MaxRatingMax})}
	}
	return nil
}

func (ratingType) ExprType(*form.Field) expr.Type { return expr.Number }

func (ratingType) Schema(f *form.Field) map[string]any {
	return nullable("integer", map[string]any{"minimum": 0, "maximum": ratingMax(f)})
}

func (ratingType) Normalize(_ Context, f *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	if s, ok := raw.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, _, ok := readNumber(raw)
	if !ok {
		return nil, typeErr(path, "number")
	}
	top := ratingMax(f)
	if v != math.Trunc(v) || v < 0 || v > float64(top) {
		return nil, fail(path, CodeRating, map[string]any{"max": top})
	}
	return v + 0, nil
}

// Format draws the stars: "★★★☆☆".
func (ratingType) Format(_ Context, f *form.Field, stored any, _ string) string {
	v, ok := storedNumber(stored)
	if !ok || v < 0 || v > MaxRatingMax {
		return ""
	}
	n := int(v)
	top := ratingMax(f)
	if n > top {
		n = top
	}
	return strings.Repeat("★", n) + strings.Repeat("☆", top-n)
}

// FromCell accepts digits or stars ("★★★").
func (t ratingType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if s != "" && strings.Trim(s, "★☆") == "" {
		return t.Normalize(ctx, f, path, float64(strings.Count(s, "★")))
	}
	return t.Normalize(ctx, f, path, s)
}
