package sqlitestore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

func TestFilterSemantics(t *testing.T) {
	s := openTest(t)
	seed(t, s, "f", map[string]map[string]any{
		"num1":  {"v": 1, "name": "Ärger straße"},
		"true":  {"v": true, "name": "[x]"},
		"str":   {"v": "10", "name": "ÄRGER"},
		"arr":   {"v": []any{3, "x"}, "items": []any{map[string]any{"p": 5}, map[string]any{"p": 50}}},
		"obj":   {"v": map[string]any{"a": 1}, "items": map[string]any{"p": 7}},
		"null":  {"v": nil},
		"empty": {"v": ""},
		"none":  {},
	})
	tests := []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"eq 1 excludes true", store.Where("v", store.OpEq, 1), []string{"num1"}},
		{"eq true excludes 1", store.Where("v", store.OpEq, true), []string{"true"}},
		{"gt 0 numbers only, array elements too", store.Where("v", store.OpGt, 0), []string{"arr", "num1"}},
		{"gte string only strings", store.Where("v", store.OpGte, ""), []string{"arr", "empty", "str"}},
		{"eq null matches missing and null", store.Where("v", store.OpEq, nil), []string{"none", "null"}},
		{"ne 1 matches missing", store.Where("v", store.OpNe, 1), []string{"arr", "empty", "none", "null", "obj", "str", "true"}},
		{"string eq never matches array text", store.Where("name", store.OpEq, "[x]"), []string{"true"}},
		{"contains folds Unicode case", store.Where("name", store.OpContains, "ärger"), []string{"num1", "str"}},
		{"startsWith is case-sensitive", store.Where("name", store.OpStartsWith, "Är"), []string{"num1"}},
		{"startsWith bracket", store.Where("name", store.OpStartsWith, "[x"), []string{"true"}},
		{"path through array of objects", store.Where("items.p", store.OpGt, 10), []string{"arr"}},
		{"path through object", store.Where("items.p", store.OpEq, 7), []string{"obj"}},
		{"in mixes types", store.Where("v", store.OpIn, []any{"x", true, nil}), []string{"arr", "none", "null", "true"}},
		{"nin matches missing", store.Where("v", store.OpNin, []any{1, "10", "x", true, ""}), []string{"none", "null", "obj"}},
		{"exists false", store.Where("v", store.OpExists, false), []string{"none"}},
		{"empty true", store.Where("v", store.OpEmpty, true), []string{"empty", "none", "null"}},
		{"containsAll", store.Where("v", store.OpContainsAll, []any{3, "x"}), []string{"arr"}},
		{"not of a missing field", store.Not(store.Where("name", store.OpEq, "ÄRGER")), []string{"arr", "empty", "none", "null", "num1", "obj", "true"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.Find(context.Background(), "f", store.Query{Filter: &tt.f, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(p)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompilerBindsValues(t *testing.T) {
	c := newCompiler(func(string) uint8 { return 0 })
	f, err := (&store.Filter{Or: []store.Filter{
		store.Where("name", store.OpEq, "x'); DROP TABLE t; --"),
		store.Where("name", store.OpContains, "%_"),
	}}).Normalize()
	if err != nil {
		t.Fatal(err)
	}
	sql, err := c.where(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sql, "DROP") || strings.Contains(sql, "%_") {
		t.Errorf("value reached the SQL text: %s", sql)
	}
	if len(c.args) != 2 {
		t.Errorf("args = %v, want 2 bound values", c.args)
	}
}

func TestCompilerRefusesBadPaths(t *testing.T) {
	c := newCompiler(func(string) uint8 { return kindArray | kindObject | kindBool })
	for _, field := range []string{"a'b", "A", "a..b", "$x", ""} {
		_, err := c.leaf(field, store.OpEq, "v")
		if !errors.Is(err, store.ErrInvalidFilter) {
			t.Errorf("field %q: err = %v, want ErrInvalidFilter", field, err)
		}
	}
}

// TestQueriesUseExpressionIndexes checks with EXPLAIN QUERY PLAN that the
// compiled SQL matches the declared expression indexes.
func TestQueriesUseExpressionIndexes(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.EnsureIndexes(ctx, "deals", []store.Index{
		{Name: "stage_amount", Fields: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}},
		{Name: "email", Unique: true, Fields: []store.SortKey{{Field: "contact.email"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{"a": {"stage": "won", "amount": 5, "contact": map[string]any{"email": "a@x"}}})
	tests := []struct {
		name     string
		q        store.Query
		index    string
		noSorter bool
	}{
		{"eq and sort", store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: "amount", Desc: true}}}, "c_deals__ix_stage_amount", true},
		{"range on second column", store.Query{Filter: ptrF(store.And(store.Where("stage", store.OpEq, "won"), store.Where("amount", store.OpGt, 100)))}, "c_deals__ix_stage_amount", false},
		{"in list", store.Query{Filter: ptrF(store.Where("stage", store.OpIn, []any{"won", "lost"}))}, "c_deals__ix_stage_amount", false},
		{"nested unique", store.Query{Filter: ptrF(store.Where("contact.email", store.OpEq, "a@x"))}, "c_deals__ix_email", false},
		{"startsWith", store.Query{Filter: ptrF(store.Where("stage", store.OpStartsWith, "wo"))}, "c_deals__ix_stage_amount", false},
		{"sort by created", store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt}}}, "USING INDEX c_deals__sys_created\n", true},
		{"sort by updated", store.Query{Sort: []store.SortKey{{Field: store.FieldUpdatedAt}}}, "USING INDEX c_deals__sys_updated\n", true},
		// The engine's default record order: _created_at descending, _id
		// ascending, with a filter no index serves and a page of 20.
		{"engine default order", store.Query{Filter: ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000))),
			Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}, "USING INDEX c_deals__sys_created_rev\n", true},
		{"engine default order, no filter", store.Query{Sort: []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}, Limit: 20}, "USING INDEX c_deals__sys_created_rev\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			// The system index a page off the rowid plan asks for.
			s.wantSysOrder("deals", q.Filter, q.Sort, s.reg.declared("deals"))
			syncWriter(t, s)
			c := newCompiler(s.reg.kindTester("deals", false))
			c.tableScan = tableScanBetter(q, s.reg.declared("deals"))
			sql, err := buildFind(c, "deals", q, nil)
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, s, sql, c.args) + "\n"
			if !strings.Contains(plan, tt.index) {
				t.Errorf("plan does not use %s:\n%s\n%s", tt.index, sql, plan)
			}
			if tt.noSorter && strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("plan sorts instead of reading the index in order:\n%s", plan)
			}
		})
	}
}

// TestUnindexedSortScansTable checks that a page no index can find or
// order reads the table in rowid order, not a partial index plus one row
// lookup per entry, and that indexed pages keep their index.
func TestUnindexedSortScansTable(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "deals", []store.Index{{Name: "stage_amount", Fields: []store.SortKey{{Field: "stage"}, {Field: "amount", Desc: true}}}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "deals", map[string]map[string]any{"a": {"stage": "won", "amount": 5, "region": "华南"}})
	scan := ptrF(store.And(store.Where("region", store.OpEq, "华南"), store.Where("amount", store.OpGt, 50000)))
	tests := []struct {
		name string
		q    store.Query
		want string
	}{
		{"sort on a field no index leads", store.Query{Filter: scan, Sort: []store.SortKey{{Field: "amount", Desc: true}}}, "SCAN c_deals\n"},
		{"filter on an indexed field", store.Query{Filter: ptrF(store.Where("stage", store.OpEq, "won")), Sort: []store.SortKey{{Field: "amount", Desc: true}}}, "c_deals__ix_stage_amount"},
		{"no sort keys: id order", store.Query{Filter: scan}, "sqlite_autoindex_c_deals"},
		{"recycle bin", store.Query{Filter: scan, Sort: []store.SortKey{{Field: "amount"}}, Deleted: store.OnlyDeleted}, "c_deals__sys_deleted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := store.NormalizeQuery(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			c := newCompiler(s.reg.kindTester("deals", false))
			c.tableScan = tableScanBetter(q, s.reg.declared("deals"))
			sql, err := buildFind(c, "deals", q, nil)
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, s, sql, c.args)
			if !strings.Contains(plan+"\n", tt.want) {
				t.Errorf("plan does not contain %q:\n%s\n%s", tt.want, sql, plan)
			}
			if _, err := s.Find(ctx, "deals", tt.q); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func explain(t *testing.T, s *Store, query string, args []any) string {
	t.Helper()
	// EXPLAIN reads nothing, so SQLite plans it with the schema the
	// connection last read: read the schema first, on the same connection,
	// so indexes made since (system_indexes.go) count.
	ctx := context.Background()
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT count(*) FROM sqlite_schema"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

func ptrF(f store.Filter) *store.Filter { return &f }
