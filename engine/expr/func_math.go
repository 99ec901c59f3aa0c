package expr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

func init() {
	registerValidated("SUM", fnSum, validateNumbers("SUM"))
	registerValidated("AVERAGE", fnAverage, validateNumbers("AVERAGE"))
	registerValidated("MAX", fnMax, validateNumbers("MAX"))
	registerValidated("MIN", fnMin, validateNumbers("MIN"))
	registerValidated("COUNT", fnCount, func(args []reflect.Type) (reflect.Type, error) {
		if len(args) == 0 {
			return nil, errors.New("COUNT needs at least one argument")
		}
		return numberType, nil
	})
	register("ROUND", fnRound, new(func(float64) float64), new(func(float64, float64) float64))
	register("ABS", func(_ *runState, a []any) (any, error) { return unary(a, math.Abs) }, new(func(float64) float64))
	register("INT", func(_ *runState, a []any) (any, error) { return unary(a, math.Floor) }, new(func(float64) float64))
	register("MOD", fnMod, new(func(float64, float64) float64))
}

// eachNumber calls fn for every number in args, descending into lists and
// skipping empty values like blank cells.
func eachNumber(args []any, fn func(float64)) error {
	for _, a := range args {
		switch x := a.(type) {
		case nil:
		case []any:
			if err := eachNumber(x, fn); err != nil {
				return err
			}
		default:
			if f, ok := toFloat(a); ok {
				fn(f)
				continue
			}
			rv := reflect.ValueOf(a)
			if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
				return fmt.Errorf("%s is not a number", describe(a))
			}
			for i := 0; i < rv.Len(); i++ {
				if err := eachNumber([]any{rv.Index(i).Interface()}, fn); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func fnSum(_ *runState, args []any) (any, error) {
	var sum float64
	err := eachNumber(args, func(f float64) { sum += f })
	return sum, err
}

func fnAverage(_ *runState, args []any) (any, error) {
	var sum float64
	n := 0
	if err := eachNumber(args, func(f float64) { sum += f; n++ }); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("no numbers to average")
	}
	return sum / float64(n), nil
}

func fnMax(_ *runState, args []any) (any, error) { return extreme(args, 1) }
func fnMin(_ *runState, args []any) (any, error) { return extreme(args, -1) }

// extreme returns the largest (sign 1) or smallest (sign -1) number, 0 when
// there is none, as Excel does.
func extreme(args []any, sign float64) (any, error) {
	var best float64
	seen := false
	err := eachNumber(args, func(f float64) {
		if !seen || (f-best)*sign > 0 {
			best, seen = f, true
		}
	})
	return best, err
}

// fnCount counts non-empty values, descending into lists.
func fnCount(_ *runState, args []any) (any, error) {
	n := 0
	var walk func([]any)
	walk = func(xs []any) {
		for _, x := range xs {
			if l, ok := x.([]any); ok {
				walk(l)
			} else if !IsEmpty(x) {
				n++
			}
		}
	}
	walk(args)
	return float64(n), nil
}

func unary(args []any, fn func(float64) float64) (any, error) {
	x, err := number(args[0])
	if err != nil {
		return nil, err
	}
	return fn(x), nil
}

func fnRound(_ *runState, args []any) (any, error) {
	x, err := number(args[0])
	if err != nil {
		return nil, err
	}
	digits := 0
	if len(args) > 1 {
		if digits, err = integer(args[1]); err != nil {
			return nil, err
		}
	}
	return roundHalfAway(x, digits), nil
}

// roundHalfAway rounds to digits decimals, halves away from zero, on the
// shortest decimal form of x so ROUND(2.675, 2) is 2.68 as in Excel.
func roundHalfAway(x float64, digits int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || digits > 15 {
		return x
	}
	if digits < -300 {
		return 0
	}
	sign := 1.0
	if x < 0 {
		sign, x = -1, -x
	}
	if digits < 0 {
		p := math.Pow10(-digits)
		return sign * math.Floor(x/p+0.5) * p
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) <= digits {
		return sign * x
	}
	v, _ := strconv.ParseFloat(whole+"."+frac[:digits], 64)
	if frac[digits] >= '5' {
		v += math.Pow10(-digits)
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
	return sign * v
}

func fnMod(_ *runState, args []any) (any, error) {
	a, err := number(args[0])
	if err != nil {
		return nil, err
	}
	b, err := number(args[1])
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, errors.New("division by zero")
	}
	return a - b*math.Floor(a/b), nil
}
