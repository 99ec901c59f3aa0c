package expr

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

func init() {
	registerValidated("CONCATENATE", fnConcatenate, func(args []reflect.Type) (reflect.Type, error) {
		for i, t := range args {
			switch typeOfReflect(t).Kind {
			case KindList, KindObject:
				return nil, fmt.Errorf("CONCATENATE argument %d must be a single value, not %s", i+1, kindName(t))
			}
		}
		return textType, nil
	})
	register("LEN", fnLen, new(func(string) float64))
	register("LEFT", fnLeft, new(func(string) string), new(func(string, float64) string))
	register("RIGHT", fnRight, new(func(string) string), new(func(string, float64) string))
	register("MID", fnMid, new(func(string, float64, float64) string))
	register("UPPER", textMap(strings.ToUpper), new(func(string) string))
	register("LOWER", textMap(strings.ToLower), new(func(string) string))
	register("TRIM", textMap(func(s string) string { return strings.Join(strings.Fields(s), " ") }), new(func(string) string))
	register("CONTAINS", fnContains, new(func(string, string) bool), new(func([]any, any) bool))
	register("VALUE", fnValue, new(func(string) float64))
}

func fnConcatenate(st *runState, args []any) (any, error) {
	var b strings.Builder
	for _, a := range args {
		s, err := display(a, st.loc)
		if err != nil {
			return nil, err
		}
		if b.Len()+len(s) > MaxTextBytes {
			return nil, fmt.Errorf("%w: text longer than %d bytes", ErrLimit, MaxTextBytes)
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// runes reads a text argument as characters, so Chinese counts one per
// character.
func runes(v any) ([]rune, error) {
	s, err := text(v)
	if err != nil {
		return nil, err
	}
	return []rune(s), nil
}

func fnLen(_ *runState, args []any) (any, error) {
	s, err := text(args[0])
	if err != nil {
		return nil, err
	}
	return float64(utf8.RuneCountInString(s)), nil
}

// count reads an optional character count, default 1, never negative.
func count(args []any, i int) (int, error) {
	if len(args) <= i {
		return 1, nil
	}
	n, err := integer(args[i])
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("count %d is negative", n)
	}
	return n, nil
}

func fnLeft(_ *runState, args []any) (any, error) {
	r, err := runes(args[0])
	if err != nil {
		return nil, err
	}
	n, err := count(args, 1)
	if err != nil {
		return nil, err
	}
	return string(r[:min(n, len(r))]), nil
}

func fnRight(_ *runState, args []any) (any, error) {
	r, err := runes(args[0])
	if err != nil {
		return nil, err
	}
	n, err := count(args, 1)
	if err != nil {
		return nil, err
	}
	return string(r[len(r)-min(n, len(r)):]), nil
}

// fnMid is Excel's MID: start is 1-based, n characters.
func fnMid(_ *runState, args []any) (any, error) {
	r, err := runes(args[0])
	if err != nil {
		return nil, err
	}
	start, err := integer(args[1])
	if err != nil {
		return nil, err
	}
	if start < 1 {
		return nil, fmt.Errorf("start %d is before the first character (1)", start)
	}
	n, err := count(args, 2)
	if err != nil {
		return nil, err
	}
	if start > len(r) {
		return "", nil
	}
	from := start - 1
	return string(r[from:min(from+n, len(r))]), nil
}

func textMap(fn func(string) string) libImpl {
	return func(_ *runState, args []any) (any, error) {
		s, err := text(args[0])
		if err != nil {
			return nil, err
		}
		return fn(s), nil
	}
}

// fnContains finds text in text, or a value in a list (user.roles).
func fnContains(_ *runState, args []any) (any, error) {
	switch x := args[0].(type) {
	case nil:
		return false, nil
	case string:
		sub, err := text(args[1])
		if err != nil {
			return nil, err
		}
		return strings.Contains(x, sub), nil
	case []any:
		for _, e := range x {
			if valuesEqual(e, args[1]) {
				return true, nil
			}
		}
		return false, nil
	}
	return nil, fmt.Errorf("cannot search in %s", describe(args[0]))
}

// fnValue parses a number written as text: "1,234.5", " 12 ", "15%".
func fnValue(_ *runState, args []any) (any, error) {
	if f, ok := toFloat(args[0]); ok {
		return f, nil
	}
	s, err := text(args[0])
	if err != nil {
		return nil, err
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	scale := 1.0
	if rest, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = rest, 0.01
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errors.New("text is not a number")
	}
	return f * scale, nil
}
