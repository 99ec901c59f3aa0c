package expr

import (
	"reflect"
	"time"

	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/types"
)

var timeType = reflect.TypeOf(time.Time{})

// exprType returns the expr-lang type checker's view of t.
func (t Type) exprType() types.Type {
	switch t.Kind {
	case KindText:
		return types.String
	case KindNumber:
		return types.Float64
	case KindBool:
		return types.Bool
	case KindDate, KindDateTime:
		return types.TypeOf(time.Time{})
	case KindList:
		if t.Elem == nil {
			return types.Array(types.Any)
		}
		return types.Array(t.Elem.exprType())
	case KindObject:
		if t.Fields == nil {
			return types.TypeOf(map[string]any{})
		}
		m := make(types.Map, len(t.Fields))
		for k, f := range t.Fields {
			m[k] = f.exprType()
		}
		return m
	}
	return types.Any
}

// typeOfNature maps a checker nature back to an expression Type.
func typeOfNature(n *nature.Nature) Type {
	if n == nil || n.Nil || n.Type == nil {
		return Any
	}
	t := n.Type
	switch t.Kind() {
	case reflect.String:
		return Text
	case reflect.Bool:
		return Bool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return Number
	case reflect.Struct:
		if t == timeType {
			return DateTime
		}
	case reflect.Slice, reflect.Array:
		if n.Ref != nil {
			return ListOf(typeOfNature(n.Ref))
		}
		return ListOf(typeOfReflect(t.Elem()))
	case reflect.Map:
		if n.TypeData != nil && len(n.Fields) > 0 {
			fields := make(map[string]Type, len(n.Fields))
			for k, f := range n.Fields {
				fields[k] = typeOfNature(&f)
			}
			return ObjectOf(fields)
		}
		return ObjectOf(nil)
	}
	return Any
}

// typeOfReflect maps a Go type to an expression Type.
func typeOfReflect(t reflect.Type) Type {
	n := nature.FromType(t)
	return typeOfNature(&n)
}

// assignable reports whether a value of type got may be used where want is
// required. Any on either side defers the check to run time.
func assignable(want, got Type) bool {
	if want.Kind == KindAny || got.Kind == KindAny {
		return true
	}
	switch want.Kind {
	case KindDate, KindDateTime:
		return got.Kind == KindDate || got.Kind == KindDateTime
	case KindList:
		if got.Kind != KindList {
			return false
		}
		if want.Elem == nil || got.Elem == nil {
			return true
		}
		return assignable(*want.Elem, *got.Elem)
	case KindObject:
		if got.Kind != KindObject {
			return false
		}
		for k, f := range want.Fields {
			g, ok := got.Fields[k]
			if ok && !assignable(f, g) {
				return false
			}
		}
		return true
	}
	return want.Kind == got.Kind
}
