package engine

import "github.com/formloom/formloom/engine/store"

// resolveMe returns f with every value "$me" (PlaceholderMe), alone or in
// a list, replaced by the user id of the actor who runs the query, so a
// saved view or a chart can say "my records" (owner is me) and mean each
// viewer. It builds new nodes and never changes f, which may be a saved
// view's or a chart's shared filter. The department placeholders stay
// permission-set only: they need the organisation chart.
func resolveMe(f store.Filter, me string) store.Filter {
	switch {
	case f.And != nil:
		out := make([]store.Filter, len(f.And))
		for i, c := range f.And {
			out[i] = resolveMe(c, me)
		}
		return store.Filter{And: out}
	case f.Or != nil:
		out := make([]store.Filter, len(f.Or))
		for i, c := range f.Or {
			out[i] = resolveMe(c, me)
		}
		return store.Filter{Or: out}
	case f.Not != nil:
		n := resolveMe(*f.Not, me)
		return store.Filter{Not: &n}
	}
	switch v := f.Value.(type) {
	case string:
		if v == PlaceholderMe {
			f.Value = me
			switch f.Op {
			case store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll:
				// A placeholder stands for the whole list (as in row filters).
				f.Value = []any{me}
			}
		}
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			if x == PlaceholderMe {
				x = me
			}
			out[i] = x
		}
		f.Value = out
	case []string:
		out := make([]any, len(v))
		for i, x := range v {
			if x == PlaceholderMe {
				x = me
			}
			out[i] = x
		}
		f.Value = out
	}
	return f
}
