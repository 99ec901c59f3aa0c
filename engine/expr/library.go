package expr

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/builtin"
)

// library is the registry of Formloom functions, filled at init by the
// func_*.go files and read-only afterwards. Every function receives the run
// state as a hidden first argument, which Compile inserts after type
// checking, so the declared signatures are the ones users see.
var library = map[string]*builtin.Function{}

// libImpl implements a library function; args exclude the run state and
// must not be retained, the VM reuses their backing array.
type libImpl func(st *runState, args []any) (any, error)

// allowedBuiltins are the expr-lang builtins the language keeps. The others
// (repeat, replace, join, concat, toJSON, string, now, date, ...) can build
// large values cheaply or duplicate library functions, and are disabled.
var allowedBuiltins = map[string]bool{
	"all": true, "none": true, "any": true, "one": true, "filter": true,
	"map": true, "find": true, "findIndex": true, "findLast": true,
	"findLastIndex": true, "count": true, "sum": true, "reduce": true,
	"groupBy": true, "sortBy": true, "len": true, "abs": true, "ceil": true,
	"floor": true, "round": true, "int": true, "float": true, "trim": true,
	"trimPrefix": true, "trimSuffix": true, "upper": true, "lower": true,
	"split": true, "indexOf": true, "lastIndexOf": true, "hasPrefix": true,
	"hasSuffix": true, "max": true, "min": true, "mean": true, "median": true,
	"first": true, "last": true, "get": true, "take": true, "keys": true,
	"values": true, "reverse": true, "uniq": true, "sort": true, "duration": true,
}

// costedBuiltins are the allowed builtins whose first argument is a list or
// text they walk; Compile charges its size to the work budget.
var costedBuiltins = map[string]bool{
	"all": true, "none": true, "any": true, "one": true, "filter": true,
	"map": true, "find": true, "findIndex": true, "findLast": true,
	"findLastIndex": true, "count": true, "sum": true, "reduce": true,
	"groupBy": true, "sortBy": true, "trim": true, "trimPrefix": true,
	"trimSuffix": true, "upper": true, "lower": true, "split": true,
	"indexOf": true, "lastIndexOf": true, "hasPrefix": true, "hasSuffix": true,
	"max": true, "min": true, "mean": true, "median": true, "take": true,
	"keys": true, "values": true, "reverse": true, "uniq": true, "sort": true,
}

// Hidden functions inserted by Compile; their names contain a space so no
// source text can call them.
const (
	fnCost = "fl cost"
	fnAdd  = "fl add"
)

// isHidden reports whether name is a function only Compile may insert.
func isHidden(name string) bool { return strings.HasPrefix(name, "fl ") }

// register adds a library function with typed overloads. Each signature is
// a pointer to a nil func value, e.g. new(func(float64) float64).
func register(name string, impl libImpl, signatures ...any) {
	types := make([]reflect.Type, len(signatures))
	for i, s := range signatures {
		types[i] = reflect.TypeOf(s).Elem()
	}
	library[name] = &builtin.Function{Name: name, Func: wrap(name, impl), Types: types}
}

// registerValidated adds a variadic library function whose arguments are
// checked by validate instead of a fixed signature.
func registerValidated(name string, impl libImpl, validate func([]reflect.Type) (reflect.Type, error)) {
	library[name] = &builtin.Function{Name: name, Func: wrap(name, impl), Validate: validate}
}

// wrap adapts impl to expr-lang's calling convention: it takes the run state
// from the first argument and charges the work budget for the arguments.
func wrap(name string, impl libImpl) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		if len(params) == 0 {
			return nil, fmt.Errorf("%s: missing run state", name)
		}
		st, ok := params[0].(*runState)
		if !ok {
			return nil, fmt.Errorf("%s: missing run state", name)
		}
		args := params[1:]
		work := 1
		for _, a := range args {
			work += costOf(a)
		}
		if err := st.charge(work); err != nil {
			return nil, err
		}
		out, err := impl(st, args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return out, nil
	}
}

// costOf is the work a function spends reading v.
func costOf(v any) int {
	switch x := v.(type) {
	case nil, bool, float64, int:
		return 0
	case string:
		return len(x) / 16
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return rv.Len()
	case reflect.String:
		return rv.Len() / 16
	}
	return 0
}

// numberType and friends are the reflect types validate functions return.
var (
	numberType = reflect.TypeOf(float64(0))
	textType   = reflect.TypeOf("")
)

// kindName names a reflect type the way diagnostics show it.
func kindName(t reflect.Type) string { return typeOfReflect(t).String() }

// validateNumbers accepts one or more numbers or lists (of numbers).
func validateNumbers(name string) func([]reflect.Type) (reflect.Type, error) {
	return func(args []reflect.Type) (reflect.Type, error) {
		if len(args) == 0 {
			return nil, fmt.Errorf("%s needs at least one argument", name)
		}
		for i, t := range args {
			switch typeOfReflect(t).Kind {
			case KindNumber, KindList, KindAny:
			default:
				return nil, fmt.Errorf("%s argument %d must be a number or a list of numbers, not %s", name, i+1, kindName(t))
			}
		}
		return numberType, nil
	}
}

func init() {
	library[fnCost] = &builtin.Function{Name: fnCost, Func: costFunc}
	library[fnAdd] = &builtin.Function{Name: fnAdd, Func: addFunc}
}
