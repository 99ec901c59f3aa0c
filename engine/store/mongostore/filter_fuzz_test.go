package mongostore

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

// compiledOperators are the only operator keys the compiler may emit.
var compiledOperators = map[string]bool{
	"$and": true, "$or": true, "$nor": true, "$not": true, "$type": true, "$elemMatch": true, "$eq": true, "$ne": true, "$gt": true, "$gte": true,
	"$lt": true, "$lte": true, "$in": true, "$nin": true, "$all": true, "$exists": true, "$size": true,
}

// FuzzCompileFilter feeds arbitrary JSON through the API's path: decode into
// store.Filter, Normalize, compile. It must never panic, refuse only with
// ErrInvalidFilter, and emit only known operators and stored field paths.
func FuzzCompileFilter(f *testing.F) {
	for _, seed := range []string{
		`{"field":"stage","op":"eq","value":"won"}`,
		`{"and":[{"field":"a","op":"in","value":[1,"x",null]},{"not":{"field":"b.c","op":"empty","value":true}}]}`,
		`{"field":"_created_at","op":"between","value":["2026-01-01","2026-12-31"]}`,
		`{"field":"name","op":"contains","value":"(.*)$"}`,
		`{"field":"a","op":"$where","value":"sleep(1)"}`,
		`{"field":"a","op":"eq","value":{"$gt":1}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var flt store.Filter
		if err := json.Unmarshal(data, &flt); err != nil {
			return
		}
		n, err := flt.Normalize()
		if err != nil {
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("Normalize error %v is not ErrInvalidFilter", err)
			}
			return
		}
		got, err := compileFilter(n)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("compile error %v is not ErrInvalidFilter", err)
			}
			return
		}
		if _, err := bson.Marshal(got); err != nil {
			t.Fatalf("compiled filter does not marshal: %v", err)
		}
		checkKeys(t, got, false)
	})
}

// checkKeys walks a compiled query: keys of a document are operators from
// compiledOperators or stored paths; inside an operator's operand only
// values (and nested query documents of $and/$or/$nor) appear.
func checkKeys(t *testing.T, v any, operand bool) {
	switch x := v.(type) {
	case bson.D:
		for _, e := range x {
			switch {
			case strings.HasPrefix(e.Key, "$"):
				if !compiledOperators[e.Key] {
					t.Fatalf("emitted operator %q", e.Key)
				}
				logical := e.Key == "$and" || e.Key == "$or" || e.Key == "$nor"
				if logical {
					for _, c := range e.Value.(bson.A) {
						checkKeys(t, c, false)
					}
					continue
				}
				if e.Key == "$not" {
					checkKeys(t, e.Value, true)
					continue
				}
				if e.Key == "$elemMatch" {
					checkElemMatch(t, e.Value)
					continue
				}
				if d, ok := e.Value.(bson.D); ok && len(d) > 0 {
					t.Fatalf("operator %s has a document operand %v", e.Key, d)
				}
			case operand:
				t.Fatalf("field %q inside an operand", e.Key)
			case e.Key == keyData || strings.HasPrefix(e.Key, keyData+"."):
				if _, err := store.SplitPath(strings.TrimPrefix(e.Key, keyData+".")); err != nil {
					t.Fatalf("emitted invalid path %q", e.Key)
				}
				checkKeys(t, e.Value, true)
			default:
				if contractPath(e.Key) == e.Key {
					t.Fatalf("emitted unknown field %q", e.Key)
				}
				checkKeys(t, e.Value, true)
			}
		}
	case bson.A:
		for _, e := range x {
			if d, ok := e.(bson.D); ok && len(d) > 0 {
				t.Fatalf("document %v inside a value list", d)
			}
		}
	}
}

// checkElemMatch checks an $elemMatch operand: operators on the element, or
// paths below the element (valid keys) holding operators.
func checkElemMatch(t *testing.T, v any) {
	d, ok := v.(bson.D)
	if !ok {
		t.Fatalf("$elemMatch operand %v", v)
	}
	for _, e := range d {
		if strings.HasPrefix(e.Key, "$") {
			checkKeys(t, bson.D{e}, true)
			continue
		}
		if _, err := store.SplitPath(e.Key); err != nil {
			t.Fatalf("$elemMatch emitted invalid path %q", e.Key)
		}
		checkKeys(t, e.Value, true)
	}
}
