package expr

import "sort"

// Kind is the kind of an expression value. Field types declare the kind
// their values have inside expressions, so the environment of a form is
// typed and a mismatch is a compile error.
type Kind int

// Expression value kinds and the Go values that carry them at run time.
const (
	KindAny      Kind = iota // any value
	KindText                 // string
	KindNumber               // float64
	KindBool                 // bool
	KindDate                 // time.Time at midnight in the workspace time zone
	KindDateTime             // time.Time
	KindList                 // []any of Elem
	KindObject               // map[string]any with Fields
)

// Type describes an expression value: a kind, the element type of a list and
// the fields of an object.
type Type struct {
	Kind   Kind
	Elem   *Type
	Fields map[string]Type
}

// Common types.
var (
	Any      = Type{Kind: KindAny}
	Text     = Type{Kind: KindText}
	Number   = Type{Kind: KindNumber}
	Bool     = Type{Kind: KindBool}
	Date     = Type{Kind: KindDate}
	DateTime = Type{Kind: KindDateTime}
)

// ListOf returns the type of a list of elem.
func ListOf(elem Type) Type { return Type{Kind: KindList, Elem: &elem} }

// ObjectOf returns the type of an object with the given fields.
func ObjectOf(fields map[string]Type) Type { return Type{Kind: KindObject, Fields: fields} }

// String names the type the way the editor shows it: "text", "list<number>",
// "object{a, b}".
func (t Type) String() string {
	switch t.Kind {
	case KindText:
		return "text"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	case KindDate:
		return "date"
	case KindDateTime:
		return "datetime"
	case KindList:
		if t.Elem == nil {
			return "list"
		}
		return "list<" + t.Elem.String() + ">"
	case KindObject:
		keys := make([]string, 0, len(t.Fields))
		for k := range t.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s := "object{"
		for i, k := range keys {
			if i > 0 {
				s += ", "
			}
			s += k
		}
		return s + "}"
	}
	return "any"
}
