package expr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm/runtime"
)

// toFloat converts any Go number to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float32:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	}
	return 0, false
}

// number reads a numeric argument; empty counts as 0, like a blank cell.
func number(v any) (float64, error) {
	if v == nil {
		return 0, nil
	}
	if f, ok := toFloat(v); ok {
		return f, nil
	}
	return 0, fmt.Errorf("%s is not a number", describe(v))
}

// integer reads a whole-number argument such as a count or a length.
func integer(v any) (int, error) {
	f, err := number(v)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e9 {
		return 0, fmt.Errorf("%v is out of range", f)
	}
	return int(f), nil
}

// text reads a text argument; empty is "".
func text(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	return "", fmt.Errorf("%s is not text", describe(v))
}

// describe names the kind of a run-time value for error messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case string:
		return "text"
	case bool:
		return "boolean"
	case time.Time:
		return "date"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	if _, ok := toFloat(v); ok {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// formatNumber writes a number the shortest way that reads back exactly,
// without exponent for everyday magnitudes.
func formatNumber(f float64) string {
	if math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// display converts a scalar to the text CONCATENATE shows.
func display(v any, loc *time.Location) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case time.Time:
		x = x.In(loc)
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly), nil
		}
		return x.Format("2006-01-02 15:04"), nil
	}
	if f, ok := toFloat(v); ok {
		return formatNumber(f), nil
	}
	return "", fmt.Errorf("cannot show %s as text", describe(v))
}

// IsEmpty reports Excel-style blankness: nil, "" (or only spaces), an empty
// list or object. ISEMPTY and the engine's required rule both use it.
func IsEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case time.Time:
		return x.IsZero()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return false
}

// valuesEqual compares two expression values: numbers by value whatever
// their Go type, times by instant, lists and objects element by element.
func valuesEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !valuesEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !valuesEqual(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// costFunc is the hidden "fl cost" function: it charges the size of its
// second argument to the work budget and returns it unchanged.
func costFunc(params ...any) (any, error) {
	st, ok := params[0].(*runState)
	if !ok {
		return nil, errors.New("missing run state")
	}
	if err := st.charge(1 + costOf(params[1])); err != nil {
		return nil, err
	}
	return params[1], nil
}

// addFunc is the hidden "fl add" function that replaces + wherever an
// operand may be text: it refuses to build text longer than MaxTextBytes
// and charges the copy to the work budget.
func addFunc(params ...any) (any, error) {
	st, ok := params[0].(*runState)
	if !ok {
		return nil, errors.New("missing run state")
	}
	a, b := params[1], params[2]
	if x, ok := a.(string); ok {
		if y, ok := b.(string); ok {
			if len(x)+len(y) > MaxTextBytes {
				return nil, fmt.Errorf("%w: text longer than %d bytes", ErrLimit, MaxTextBytes)
			}
			if err := st.charge(1 + (len(x)+len(y))/16); err != nil {
				return nil, err
			}
			return x + y, nil
		}
	}
	if err := st.charge(1); err != nil {
		return nil, err
	}
	return runtime.Add(a, b), nil
}
