package mongostore

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

// compileFilter turns a normalized filter into a MongoDB query document. It
// builds the query only from the engine's model: field names come from
// storedPath (validated keys), operators from a fixed switch, and values are
// scalars or lists of scalars, so no user input can become an operator. A
// nil filter compiles to an empty document (match everything).
func compileFilter(f *store.Filter) (bson.D, error) {
	return compiler{rowRanges: true}.filter(f)
}

// compiler holds what differs between servers. rowRanges makes a between
// hold for one array element (MongoDB needs $elemMatch for that; FerretDB v1
// applies a range to each element itself and does not support $elemMatch
// with paths below the array).
type compiler struct {
	rowRanges bool
}

func (c compiler) filter(f *store.Filter) (bson.D, error) {
	if f == nil {
		return bson.D{}, nil
	}
	return c.compileNode(*f, "")
}

func (c compiler) compileNode(f store.Filter, at string) (bson.D, error) {
	switch {
	case f.And != nil:
		list, err := c.compileList(f.And, at, "and")
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$and", Value: list}}, nil
	case f.Or != nil:
		list, err := c.compileList(f.Or, at, "or")
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$or", Value: list}}, nil
	case f.Not != nil:
		inner, err := c.compileNode(*f.Not, joinAt(at, "not"))
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$nor", Value: bson.A{inner}}}, nil
	}
	return c.compileCondition(f, at)
}

func (c compiler) compileList(fs []store.Filter, at, name string) (bson.A, error) {
	if len(fs) == 0 {
		return nil, &store.FilterError{Path: at, Reason: name + " needs at least one condition"}
	}
	out := make(bson.A, len(fs))
	for i, f := range fs {
		n, err := c.compileNode(f, joinAt(at, name+"["+strconv.Itoa(i)+"]"))
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func (c compiler) compileCondition(f store.Filter, at string) (bson.D, error) {
	path, err := storedPath(f.Field)
	if err != nil {
		return nil, &store.FilterError{Path: at, Reason: err.Error()}
	}
	bad := func(reason string) error {
		return &store.FilterError{Path: at, Reason: fmt.Sprintf("%s %s: %s", f.Field, f.Op, reason)}
	}
	field := func(expr any) bson.D { return bson.D{{Key: path, Value: expr}} }
	op := func(name string, v any) bson.D { return field(bson.D{{Key: name, Value: v}}) }
	switch f.Op {
	case store.OpEq, store.OpNe, store.OpGt, store.OpGte, store.OpLt, store.OpLte:
		if !isScalar(f.Value) {
			return nil, bad("value must be a scalar")
		}
		if f.Value == nil && f.Op != store.OpEq && f.Op != store.OpNe {
			return nil, bad("value must not be null")
		}
		if f.Op == store.OpNe {
			// $nor of $eq is what MongoDB defines $ne as; FerretDB gets $ne
			// wrong through arrays of objects ("lines.sku") and $nor right.
			return nor(op("$eq", f.Value)), nil
		}
		return op("$"+string(f.Op), f.Value), nil
	case store.OpIn, store.OpNin, store.OpContainsAny, store.OpContainsAll:
		list, ok := scalarList(f.Value)
		if !ok {
			return nil, bad("value must be a list of scalars")
		}
		switch f.Op {
		case store.OpIn, store.OpContainsAny:
			return op("$in", list), nil
		case store.OpNin:
			return nor(op("$in", list)), nil
		}
		if len(list) == 0 {
			return nil, bad("needs at least one value")
		}
		return op("$all", list), nil
	case store.OpExists:
		b, ok := f.Value.(bool)
		if !ok {
			return nil, bad("value must be true or false")
		}
		return op("$exists", b), nil
	case store.OpEmpty:
		b, ok := f.Value.(bool)
		if !ok {
			return nil, bad("value must be true or false")
		}
		empty := bson.A{
			field(bson.D{{Key: "$eq", Value: nil}}), // missing or null
			field(bson.D{{Key: "$eq", Value: ""}}),
			field(bson.D{{Key: "$size", Value: 0}}),
			field(bson.D{{Key: "$eq", Value: bson.D{}}}),
		}
		if b {
			return bson.D{{Key: "$or", Value: empty}}, nil
		}
		return bson.D{{Key: "$nor", Value: empty}}, nil
	case store.OpContains, store.OpStartsWith:
		s, ok := f.Value.(string)
		if !ok {
			return nil, bad("value must be a string")
		}
		if f.Op == store.OpContains {
			return field(bson.Regex{Pattern: regexp.QuoteMeta(s), Options: "i"}), nil
		}
		return field(bson.Regex{Pattern: "^" + regexp.QuoteMeta(s)}), nil
	case store.OpBetween:
		list, ok := f.Value.([]any)
		if !ok || len(list) != 2 || !isOrdered(list[0]) || !isOrdered(list[1]) {
			return nil, bad("value must be [low, high]")
		}
		if !c.rowRanges {
			return field(bson.D{{Key: "$gte", Value: list[0]}, {Key: "$lte", Value: list[1]}}), nil
		}
		return betweenFilter(path, list[0], list[1]), nil
	}
	return nil, bad("unknown operator")
}

// betweenFilter matches when one value at path lies in [lo, hi]. MongoDB
// applies each bound of {$gte, $lte} to any element of an array on its own,
// so [100, 1] would match [20, 30]; the bounds must hold for the same
// element. The filter says so for every place the path can cross an array:
// no array on the path (plain range), or an array at a prefix whose element
// satisfies the rest of the path ($elemMatch).
func betweenFilter(path string, lo, hi any) bson.D {
	rng := bson.D{{Key: "$gte", Value: lo}, {Key: "$lte", Value: hi}}
	segs := strings.Split(path, ".")
	// The first segment is the data key wrapper (or a system key); arrays can
	// only start below it.
	start := 1
	if len(segs) == 1 {
		start = 0
	}
	var plain bson.D
	var branches bson.A
	for i := start; i < len(segs); i++ {
		prefix := strings.Join(segs[:i+1], ".")
		rest := strings.Join(segs[i+1:], ".")
		plain = append(plain, bson.E{Key: prefix, Value: bson.D{{Key: "$not", Value: bson.D{{Key: "$type", Value: "array"}}}}})
		if rest == "" {
			branches = append(branches, bson.D{{Key: prefix, Value: bson.D{{Key: "$elemMatch", Value: rng}}}})
		} else {
			branches = append(branches, bson.D{{Key: prefix, Value: bson.D{{Key: "$elemMatch", Value: bson.D{{Key: rest, Value: rng}}}}}})
		}
	}
	plain = append(plain, bson.E{Key: path, Value: rng})
	return bson.D{{Key: "$or", Value: append(bson.A{mergeAnd(plain)}, branches...)}}
}

// mergeAnd turns a list of conditions, some on the same key, into an $and.
func mergeAnd(conds bson.D) bson.D {
	and := make(bson.A, len(conds))
	for i, c := range conds {
		and[i] = bson.D{c}
	}
	return bson.D{{Key: "$and", Value: and}}
}

func nor(d bson.D) bson.D { return bson.D{{Key: "$nor", Value: bson.A{d}}} }

// isScalar reports whether v is a value of the normalized scalar model.
func isScalar(v any) bool {
	switch v.(type) {
	case nil, bool, float64, string:
		return true
	}
	return false
}

func isOrdered(v any) bool {
	switch v.(type) {
	case float64, string:
		return true
	}
	return false
}

func scalarList(v any) (bson.A, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make(bson.A, len(list))
	for i, e := range list {
		if !isScalar(e) {
			return nil, false
		}
		out[i] = e
	}
	return out, true
}

// deletedClause selects documents by recycle-bin state.
func deletedClause(d store.Deleted) bson.D {
	switch d {
	case store.OnlyDeleted:
		return bson.D{{Key: keyDeletedAt, Value: bson.D{{Key: "$ne", Value: nil}}}}
	case store.IncludeDeleted:
		return nil
	}
	return bson.D{{Key: keyDeletedAt, Value: nil}}
}

// allOf combines query documents with $and, skipping empty ones.
func allOf(parts ...bson.D) bson.D {
	var list bson.A
	for _, p := range parts {
		if len(p) > 0 {
			list = append(list, p)
		}
	}
	switch len(list) {
	case 0:
		return bson.D{}
	case 1:
		return list[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: list}}
}

func joinAt(at, s string) string {
	if at == "" {
		return s
	}
	return at + "." + s
}
