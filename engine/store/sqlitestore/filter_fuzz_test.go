package sqlitestore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// FuzzCompileFilter feeds arbitrary JSON through store.Filter, Normalize,
// the compiler and a real database: no panic, and every refusal is
// ErrInvalidFilter. Each input also runs compiled as if every path held
// arrays, so the array-walking SQL is exercised on every shape.
func FuzzCompileFilter(f *testing.F) {
	for _, seed := range []string{
		`{"field":"stage","op":"eq","value":"won"}`,
		`{"and":[{"field":"amount","op":"gt","value":5},{"not":{"field":"tags","op":"containsAny","value":["a",1,null,true]}}]}`,
		`{"or":[{"field":"items.price","op":"between","value":[1,10]},{"field":"name","op":"contains","value":"Ä%_"}]}`,
		`{"field":"_created_at","op":"lt","value":"2026-01-01"}`,
		`{"field":"a.b.c","op":"empty","value":true}`,
		`{"field":"name","op":"startsWith","value":"[{"}`,
		`{"field":"x","op":"nin","value":[]}`,
		`{"field":"x","op":"bogus","value":1}`,
	} {
		f.Add([]byte(seed))
	}
	s, err := Open(f.TempDir(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	ctx := context.Background()
	seedDocs := map[string]map[string]any{
		"a": {"stage": "won", "amount": 10, "tags": []any{"a", "b"}, "items": []any{map[string]any{"price": 3}, 5}, "name": "Äpfel"},
		"b": {"stage": nil, "amount": "10", "a": map[string]any{"b": []any{map[string]any{"c": ""}}}, "x": true},
		"c": {},
	}
	seed(f, s, "fz", seedDocs)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var flt store.Filter
		if err := json.Unmarshal(raw, &flt); err != nil {
			return
		}
		q := store.Query{Filter: &flt, Sort: []store.SortKey{{Field: "amount", Desc: true}}}
		if _, err := s.Find(ctx, "fz", q); err != nil && !errors.Is(err, store.ErrInvalidFilter) {
			t.Fatalf("Find(%s): %v", raw, err)
		}
		if _, err := s.Count(ctx, "fz", q); err != nil && !errors.Is(err, store.ErrInvalidFilter) {
			t.Fatalf("Count(%s): %v", raw, err)
		}
		nq, err := store.NormalizeQuery(q)
		if err != nil {
			return
		}
		c := newCompiler(s.reg.kindTester("fz", true))
		sql, err := buildFind(c, "fz", nq, nil)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidFilter) {
				t.Fatalf("compile(%s): %v", raw, err)
			}
			return
		}
		rows, err := s.rdb.QueryContext(ctx, sql, c.args...)
		if err != nil {
			t.Fatalf("array-walking SQL for %s failed: %v\n%s", raw, err, sql)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("array-walking SQL for %s failed: %v\n%s", raw, err, sql)
		}
		rows.Close()
	})
}
