package expr

import "fmt"

func init() {
	register("ISEMPTY", func(_ *runState, a []any) (any, error) { return IsEmpty(a[0]), nil }, new(func(any) bool))
	register(nameChanged, fnChanged, new(func(string) bool))
}

// fnChanged reports whether a field differs between the stored record and
// the one being written. Compile has already checked the key.
func fnChanged(st *runState, args []any) (any, error) {
	key, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("field key is %s, not text", describe(args[0]))
	}
	return !valuesEqual(st.new[key], st.old[key]), nil
}
