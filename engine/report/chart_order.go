package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// orderRows sorts a chart's groups by their keys the way people read them:
// a select field's values in the order of its options (a stage axis reads
// 初步接触, 方案, 成交, not alphabetically by stored value), other values
// in their natural order, and groups without a value last.
func orderRows(v *engine.Version, groupBy []store.GroupKey, rows []ChartRow) {
	ranks := make([]map[string]int, len(groupBy))
	for i, g := range groupBy {
		options := map[string]int{}
		if f, ok := v.Field(g.Field); ok && g.Bucket == store.BucketNone && (f.Type == "select" || f.Type == "multiselect") {
			for j, o := range f.Options {
				options[o.Value] = j
			}
		}
		var values []any
		seen := map[string]bool{}
		for _, r := range rows {
			if k := fmt.Sprint(r.Keys[i]); !seen[k] {
				seen[k] = true
				values = append(values, r.Keys[i])
			}
		}
		slices.SortStableFunc(values, func(x, y any) int { return compareKey(x, y, options) })
		ranks[i] = make(map[string]int, len(values))
		for j, x := range values {
			ranks[i][fmt.Sprint(x)] = j
		}
	}
	slices.SortStableFunc(rows, func(x, y ChartRow) int {
		for i := range groupBy {
			if c := cmp.Compare(ranks[i][fmt.Sprint(x.Keys[i])], ranks[i][fmt.Sprint(y.Keys[i])]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareKey orders two group key values: nil last, option values by their
// option's place (unknown ones after), numbers and strings naturally.
func compareKey(x, y any, options map[string]int) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	if xs, ok := x.(string); ok {
		if ys, ok := y.(string); ok {
			xi, xo := options[xs]
			yi, yo := options[ys]
			switch {
			case xo && yo:
				return cmp.Compare(xi, yi)
			case xo:
				return -1
			case yo:
				return 1
			}
			return cmp.Compare(xs, ys)
		}
	}
	xf, xn := x.(float64)
	yf, yn := y.(float64)
	if xn && yn {
		return cmp.Compare(xf, yf)
	}
	return cmp.Compare(fmt.Sprint(x), fmt.Sprint(y))
}
