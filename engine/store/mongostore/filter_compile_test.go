package mongostore

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/formloom/formloom/engine/store"
)

// extJSON renders a query document in canonical form for comparisons.
func extJSON(t *testing.T, d bson.D) string {
	t.Helper()
	b, err := bson.MarshalExtJSON(d, false, false)
	if err != nil {
		t.Fatalf("marshal %v: %v", d, err)
	}
	return string(b)
}

func TestCompileFilterShapes(t *testing.T) {
	scenarios := []struct {
		name   string
		filter store.Filter
		want   string
	}{
		{"eq on data", store.Where("stage", store.OpEq, "won"), `{"d.stage":{"$eq":"won"}}`},
		{"eq null", store.Where("stage", store.OpEq, nil), `{"d.stage":{"$eq":null}}`},
		{"ne number", store.Where("amount", store.OpNe, 5), `{"$nor":[{"d.amount":{"$eq":5.0}}]}`},
		{"gt nested", store.Where("customer.age", store.OpGt, 18), `{"d.customer.age":{"$gt":18.0}}`},
		{"lte system time", store.Where(store.FieldCreatedAt, store.OpLte, "2026-01-01"), `{"_ca":{"$lte":"2026-01-01"}}`},
		{"version", store.Where(store.FieldVersion, store.OpGte, 2), `{"_v":{"$gte":2.0}}`},
		{"id in", store.Where(store.FieldID, store.OpIn, []any{"a", "b"}), `{"_id":{"$in":["a","b"]}}`},
		{"nin", store.Where("stage", store.OpNin, []string{"lost"}), `{"$nor":[{"d.stage":{"$in":["lost"]}}]}`},
		{"exists", store.Where("phone", store.OpExists, false), `{"d.phone":{"$exists":false}}`},
		{"empty", store.Where("phone", store.OpEmpty, true),
			`{"$or":[{"d.phone":{"$eq":null}},{"d.phone":{"$eq":""}},{"d.phone":{"$size":0}},{"d.phone":{"$eq":{}}}]}`},
		{"not empty", store.Where("phone", store.OpEmpty, false),
			`{"$nor":[{"d.phone":{"$eq":null}},{"d.phone":{"$eq":""}},{"d.phone":{"$size":0}},{"d.phone":{"$eq":{}}}]}`},
		{"contains quotes regex syntax", store.Where("name", store.OpContains, "a.b*(c)$"),
			`{"d.name":{"$regularExpression":{"pattern":"a\\.b\\*\\(c\\)\\$","options":"i"}}}`},
		{"startsWith anchors", store.Where("name", store.OpStartsWith, "^Ad"),
			`{"d.name":{"$regularExpression":{"pattern":"^\\^Ad","options":""}}}`},
		{"containsAny", store.Where("tags", store.OpContainsAny, []any{"x", 1}), `{"d.tags":{"$in":["x",1.0]}}`},
		{"containsAll", store.Where("tags", store.OpContainsAll, []any{"x", "y"}), `{"d.tags":{"$all":["x","y"]}}`},
		{"between", store.Where("closed", store.OpBetween, []any{"2026-01-01", "2026-12-31"}),
			`{"$or":[{"$and":[{"d.closed":{"$not":{"$type":"array"}}},{"d.closed":{"$gte":"2026-01-01","$lte":"2026-12-31"}}]},{"d.closed":{"$elemMatch":{"$gte":"2026-01-01","$lte":"2026-12-31"}}}]}`},
		{"between through rows holds for one row", store.Where("lines.price", store.OpBetween, []any{20, 30}),
			`{"$or":[{"$and":[{"d.lines":{"$not":{"$type":"array"}}},{"d.lines.price":{"$not":{"$type":"array"}}},{"d.lines.price":{"$gte":20.0,"$lte":30.0}}]},{"d.lines":{"$elemMatch":{"price":{"$gte":20.0,"$lte":30.0}}}},{"d.lines.price":{"$elemMatch":{"$gte":20.0,"$lte":30.0}}}]}`},
		{"and or not", store.And(store.Where("a", store.OpEq, 1), store.Or(store.Where("b", store.OpEq, true), store.Not(store.Where("c", store.OpEq, "x")))),
			`{"$and":[{"d.a":{"$eq":1.0}},{"$or":[{"d.b":{"$eq":true}},{"$nor":[{"d.c":{"$eq":"x"}}]}]}]}`},
		{"operator-looking value stays a value", store.Where("a", store.OpEq, "$where"), `{"d.a":{"$eq":"$where"}}`},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			n, err := sc.filter.Normalize()
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			got, err := compileFilter(n)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if g := extJSON(t, got); g != sc.want {
				t.Fatalf("got  %s\nwant %s", g, sc.want)
			}
		})
	}
}

func TestCompileFilterRefusesUnnormalizedInput(t *testing.T) {
	scenarios := []struct {
		name   string
		filter store.Filter
	}{
		{"unknown operator", store.Filter{Field: "a", Op: "$where", Value: "1"}},
		{"bad path", store.Filter{Field: "a.$b", Op: store.OpEq, Value: "1"}},
		{"object value", store.Filter{Field: "a", Op: store.OpEq, Value: map[string]any{"$gt": 1}}},
		{"list of objects", store.Filter{Field: "a", Op: store.OpIn, Value: []any{map[string]any{"$ne": 1}}}},
		{"empty and", store.Filter{And: []store.Filter{}}},
		{"null range", store.Filter{Field: "a", Op: store.OpGt, Value: nil}},
		{"between one value", store.Filter{Field: "a", Op: store.OpBetween, Value: []any{1.0}}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			_, err := compileFilter(&sc.filter)
			var fe *store.FilterError
			if !errors.As(err, &fe) || !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("error = %v, want a FilterError", err)
			}
		})
	}
}

func TestDeletedClauseAndNilFilter(t *testing.T) {
	scenarios := []struct {
		deleted store.Deleted
		want    string
	}{
		{store.ExcludeDeleted, `{"_da":null}`},
		{store.OnlyDeleted, `{"_da":{"$ne":null}}`},
		{store.IncludeDeleted, `{}`},
	}
	for _, sc := range scenarios {
		got, err := (&Store{}).selection(nil, sc.deleted)
		if err != nil {
			t.Fatal(err)
		}
		if g := extJSON(t, got); g != sc.want {
			t.Errorf("deleted=%d: got %s, want %s", sc.deleted, g, sc.want)
		}
	}
}

func TestAfterClauseShapes(t *testing.T) {
	scenarios := []struct {
		name string
		keys []store.SortKey
		cur  store.Cursor
		want string
	}{
		{"no sort", nil, store.Cursor{ID: "k"}, `{"$or":[{"_id":{"$gt":"k"}}]}`},
		{"number ascending", []store.SortKey{{Field: "n"}}, store.Cursor{Values: []any{2.0}, ID: "k"},
			`{"$or":[{"$or":[{"d.n":{"$gt":2.0}},{"d.n":{"$type":["string","object","array","bool"]}}]},{"$and":[{"d.n":{"$eq":2.0}},{"_id":{"$gt":"k"}}]}]}`},
		{"null ascending", []store.SortKey{{Field: "n"}}, store.Cursor{Values: []any{nil}, ID: "k"},
			`{"$or":[{"d.n":{"$ne":null}},{"$and":[{"d.n":{"$eq":null}},{"_id":{"$gt":"k"}}]}]}`},
		{"null descending has nothing after but ties", []store.SortKey{{Field: "n", Desc: true}}, store.Cursor{Values: []any{nil}, ID: "k"},
			`{"$or":[{"$and":[{"d.n":{"$eq":null}},{"_id":{"$gt":"k"}}]}]}`},
		{"string descending", []store.SortKey{{Field: "s", Desc: true}}, store.Cursor{Values: []any{"m"}, ID: "k"},
			`{"$or":[{"$or":[{"d.s":{"$lt":"m"}},{"d.s":{"$type":["number"]}},{"d.s":{"$eq":null}}]},{"$and":[{"d.s":{"$eq":"m"}},{"_id":{"$gt":"k"}}]}]}`},
		{"sort by id", []store.SortKey{{Field: store.FieldID}}, store.Cursor{Values: []any{"k"}, ID: "k"},
			`{"$or":[{"$or":[{"_id":{"$gt":"k"}},{"_id":{"$type":["object","array","bool"]}}]}]}`},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got, err := afterClause(sc.keys, sc.cur)
			if err != nil {
				t.Fatal(err)
			}
			if g := extJSON(t, got); g != sc.want {
				t.Fatalf("got  %s\nwant %s", g, sc.want)
			}
		})
	}
}
