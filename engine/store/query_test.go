package store_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

func TestCursorRoundTrip(t *testing.T) {
	keys := []store.SortKey{{Field: "amount", Desc: true}, {Field: "name"}, {Field: "closed_at"}}
	tests := []struct {
		name string
		in   store.Cursor
		want []any
	}{
		{"values", store.Cursor{Values: []any{12.5, "Ann", "2026-01-01T00:00:00.000000Z"}, ID: "id1"}, []any{12.5, "Ann", "2026-01-01T00:00:00.000000Z"}},
		{"nulls", store.Cursor{Values: []any{nil, nil, nil}, ID: "id2"}, []any{nil, nil, nil}},
		{"large integer", store.Cursor{Values: []any{9007199254740991.0, "", false}, ID: "x"}, []any{9007199254740991.0, "", false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := store.EncodeCursor(keys, tc.in)
			if strings.ContainsAny(s, "+/=") {
				t.Errorf("cursor %q is not URL-safe", s)
			}
			got, err := store.DecodeCursor(keys, s)
			if err != nil {
				t.Fatalf("DecodeCursor: %v", err)
			}
			if got.ID != tc.in.ID || !reflect.DeepEqual(got.Values, tc.want) {
				t.Errorf("decoded %#v, want values %#v id %q", got, tc.want, tc.in.ID)
			}
		})
	}
	empty := store.EncodeCursor(nil, store.Cursor{ID: "only"})
	if got, err := store.DecodeCursor(nil, empty); err != nil || got.ID != "only" || len(got.Values) != 0 {
		t.Errorf("cursor without sort keys decoded as %#v, %v", got, err)
	}
}

func TestDecodeCursorRefuses(t *testing.T) {
	keys := []store.SortKey{{Field: "amount"}}
	good := store.EncodeCursor(keys, store.Cursor{Values: []any{1.0}, ID: "a"})
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name   string
		keys   []store.SortKey
		cursor string
	}{
		{"not base64", keys, "***"},
		{"padded base64", keys, base64.URLEncoding.EncodeToString(raw) + "=="},
		{"not JSON", keys, enc("hello")},
		{"empty object", keys, enc("{}")},
		{"no id", keys, store.EncodeCursor(keys, store.Cursor{Values: []any{1.0}})},
		{"other field", []store.SortKey{{Field: "name"}}, good},
		{"other direction", []store.SortKey{{Field: "amount", Desc: true}}, good},
		{"extra key", append(keys, store.SortKey{Field: "name"}), good},
		{"no sort", nil, good},
		{"tampered first byte", keys, "f" + good[1:]},
		{"truncated", keys, good[:len(good)-3]},
		{"value count differs", keys, enc(strings.Replace(string(raw), `"v":[1]`, `"v":[1,2]`, 1))},
		{"object value", keys, store.EncodeCursor(keys, store.Cursor{Values: []any{map[string]any{"$gt": 1}}, ID: "a"})},
		{"list value", keys, store.EncodeCursor(keys, store.Cursor{Values: []any{[]any{1}}, ID: "a"})},
		{"NUL value", keys, store.EncodeCursor(keys, store.Cursor{Values: []any{"a\x00"}, ID: "a"})},
		{"too long", keys, strings.Repeat("A", 17<<10)},
		{"empty", keys, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.DecodeCursor(tc.keys, tc.cursor)
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Errorf("DecodeCursor error = %v, want ErrInvalidFilter", err)
			}
		})
	}
}

func TestNormalizeQuery(t *testing.T) {
	q, err := store.NormalizeQuery(store.Query{})
	if err != nil || q.Limit != store.DefaultPageSize || q.Filter != nil {
		t.Fatalf("NormalizeQuery of the zero query = %+v, %v", q, err)
	}
	f := store.Where("n", store.OpEq, 2)
	q, err = store.NormalizeQuery(store.Query{Filter: &f, Limit: store.MaxPageSize, Sort: []store.SortKey{{Field: "a.b", Desc: true}}, Deleted: store.IncludeDeleted})
	if err != nil || q.Filter.Value != 2.0 || q.Limit != store.MaxPageSize {
		t.Fatalf("NormalizeQuery = %+v, %v", q, err)
	}
	tooMany := make([]store.SortKey, store.MaxSortKeys+1)
	for i := range tooMany {
		tooMany[i] = store.SortKey{Field: "a"}
	}
	bad := store.Where("a", "like", "x")
	tests := []struct {
		name string
		q    store.Query
	}{
		{"bad filter", store.Query{Filter: &bad}},
		{"negative limit", store.Query{Limit: -1}},
		{"limit too large", store.Query{Limit: store.MaxPageSize + 1}},
		{"negative offset", store.Query{Offset: -1}},
		{"offset and cursor", store.Query{Offset: 1, After: "x"}},
		{"deleted below range", store.Query{Deleted: -1}},
		{"deleted above range", store.Query{Deleted: 3}},
		{"sort bad field", store.Query{Sort: []store.SortKey{{Field: "$natural"}}}},
		{"sort empty field", store.Query{Sort: []store.SortKey{{}}}},
		{"too many sort keys", store.Query{Sort: tooMany}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := store.NormalizeQuery(tc.q); !errors.Is(err, store.ErrInvalidFilter) {
				t.Errorf("NormalizeQuery error = %v, want ErrInvalidFilter", err)
			}
		})
	}
}
