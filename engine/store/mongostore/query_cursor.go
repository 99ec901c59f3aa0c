package mongostore

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

// BSON types in MongoDB's sort order after null/missing. Values of this
// store's model are only ever stored as these types.
var (
	typesNumber = bson.A{"number"}
	typesString = bson.A{"string"}
	typesObject = bson.A{"object"}
	typesArray  = bson.A{"array"}
	typesBool   = bson.A{"bool"}
)

// sortSpec renders the sort keys with _id ascending as the final tiebreak.
func sortSpec(keys []store.SortKey) (bson.D, error) {
	out := make(bson.D, 0, len(keys)+1)
	hasID := false
	for _, k := range keys {
		p, err := storedPath(k.Field)
		if err != nil {
			return nil, err
		}
		if p == keyID {
			hasID = true
		}
		dir := 1
		if k.Desc {
			dir = -1
		}
		out = append(out, bson.E{Key: p, Value: dir})
	}
	if !hasID {
		out = append(out, bson.E{Key: keyID, Value: 1})
	}
	return out, nil
}

// afterClause selects the documents that come strictly after cursor c under
// keys (then _id ascending), following MongoDB's sort order: missing and
// null first, then numbers, strings, objects, arrays, booleans.
func afterClause(keys []store.SortKey, c store.Cursor) (bson.D, error) {
	var or bson.A
	var prefix bson.A
	for i, k := range keys {
		p, err := storedPath(k.Field)
		if err != nil {
			return nil, err
		}
		v := c.Values[i]
		if strict := strictlyAfter(p, v, k.Desc); strict != nil {
			or = append(or, allOfA(append(cloneA(prefix), strict)))
		}
		prefix = append(prefix, bson.D{{Key: p, Value: bson.D{{Key: "$eq", Value: v}}}})
		if p == keyID {
			// _id is unique: nothing is equal to it past this key.
			return bson.D{{Key: "$or", Value: nonEmpty(or)}}, nil
		}
	}
	or = append(or, allOfA(append(cloneA(prefix), bson.D{{Key: keyID, Value: bson.D{{Key: "$gt", Value: c.ID}}}})))
	return bson.D{{Key: "$or", Value: or}}, nil
}

// strictlyAfter is the condition "the value at p sorts after v" in the
// direction given, or nil when nothing can.
func strictlyAfter(p string, v any, desc bool) bson.D {
	field := func(expr any) bson.D { return bson.D{{Key: p, Value: expr}} }
	typeIn := func(lists ...bson.A) bson.D {
		var all bson.A
		for _, l := range lists {
			all = append(all, l...)
		}
		return field(bson.D{{Key: "$type", Value: all}})
	}
	anyOf := func(parts ...bson.D) bson.D {
		list := make(bson.A, len(parts))
		for i, x := range parts {
			list[i] = x
		}
		return bson.D{{Key: "$or", Value: list}}
	}
	isNull := field(bson.D{{Key: "$eq", Value: nil}})
	if !desc {
		switch x := v.(type) {
		case nil:
			return field(bson.D{{Key: "$ne", Value: nil}})
		case float64:
			return anyOf(field(bson.D{{Key: "$gt", Value: x}}), typeIn(typesString, typesObject, typesArray, typesBool))
		case string:
			return anyOf(field(bson.D{{Key: "$gt", Value: x}}), typeIn(typesObject, typesArray, typesBool))
		case bool:
			if x {
				return nil
			}
			return field(bson.D{{Key: "$eq", Value: true}})
		}
		return nil
	}
	switch x := v.(type) {
	case nil:
		return nil
	case float64:
		return anyOf(field(bson.D{{Key: "$lt", Value: x}}), isNull)
	case string:
		return anyOf(field(bson.D{{Key: "$lt", Value: x}}), typeIn(typesNumber), isNull)
	case bool:
		parts := []bson.D{typeIn(typesNumber, typesString, typesObject, typesArray), isNull}
		if x {
			parts = append(parts, field(bson.D{{Key: "$eq", Value: false}}))
		}
		return anyOf(parts...)
	}
	return nil
}

func cloneA(a bson.A) bson.A { return append(bson.A(nil), a...) }

func allOfA(a bson.A) bson.D {
	if len(a) == 1 {
		return a[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: a}}
}

func nonEmpty(a bson.A) bson.A {
	if len(a) == 0 {
		// An $or needs one clause; this one matches nothing.
		return bson.A{bson.D{{Key: keyID, Value: bson.D{{Key: "$in", Value: bson.A{}}}}}}
	}
	return a
}

// cursorValue is the sort value of d at path as stored in a cursor: the
// scalar itself, nil for missing, null, objects and arrays (which sort as
// MongoDB decides and are not meaningful page boundaries).
func cursorValue(d store.Document, path string) any {
	v, ok := lookupPath(d, path)
	if !ok || !isScalar(v) {
		return nil
	}
	return v
}
