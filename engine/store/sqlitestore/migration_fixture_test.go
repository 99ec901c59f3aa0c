package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// The migration fixture: testdata/release-v1/formloom.db was written by the
// release before this layout (schema version 1) with
//
//	FORMLOOM_WRITE_FIXTURE=$PWD/testdata/release-v1 go test -run TestWriteMigrationFixture ./engine/store/sqlitestore/
//
// run on that release's code (with this file copied in), and snapshot.json
// is what that release answered to migrationQueries. TestMigrateRelease
// opens a copy with the current code and expects the same answers.

// TestWriteMigrationFixture builds the fixture; it only runs on request.
func TestWriteMigrationFixture(t *testing.T) {
	dir := os.Getenv("FORMLOOM_WRITE_FIXTURE")
	if dir == "" {
		t.Skip("set FORMLOOM_WRITE_FIXTURE to a directory to write the fixture")
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "r_opp", []store.Index{
		{Name: "c_stage", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: store.FieldCreatedAt}}},
		{Name: "u_email", Unique: true, Fields: []store.SortKey{{Field: "fields.email"}}},
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	regions := []string{"华南", "华北", "华东"}
	n := 0
	unit := func(coll string, at time.Time, k int) {
		u := store.UnitOfWork{Actor: "fixture", At: at}
		for range k {
			n++
			f := map[string]any{
				"company": fmt.Sprintf("公司%d", n), "email": fmt.Sprintf("u%d@example.com", n),
				"amount": float64((n * 7919) % 100000), "stage": []string{"new", "won", "qualified"}[n%3],
				"region": regions[(n/2)%3], "vip": n%4 == 0,
				"tags":  []any{regions[n%3], "t" + fmt.Sprint(n%5)},
				"items": []any{map[string]any{"sku": fmt.Sprintf("S%d", n%7), "qty": float64(n % 9)}},
				"money": map[string]any{"amount": float64(n * 100), "currency": "CNY"},
			}
			if n%6 == 0 {
				delete(f, "region")
			}
			if n%10 == 0 {
				f["amount"] = "n/a"
			}
			u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: coll, Doc: store.Document{
				ID: fmt.Sprintf("%s%04d", coll[:1], (n*37)%1000), CreatedBy: "u1", UpdatedBy: "u1", Data: map[string]any{"fields": f, "form_version": 1}}})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 30 {
		unit("r_opp", at.Add(time.Duration(i)*time.Second), 1+i%4)
	}
	// A collection whose rowid order is not its time order.
	for i := range 10 {
		unit("h_opp", at.Add(time.Duration(10-i)*time.Second), 2)
	}
	// An update and a soft delete.
	p, err := s.Find(ctx, "r_opp", store.Query{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	upd := p.Docs[0]
	upd.Data["fields"].(map[string]any)["region"] = "华南"
	if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "fixture", At: at.Add(time.Hour), Writes: []store.Write{
		{Op: store.OpUpdate, Collection: "r_opp", Doc: upd},
		{Op: store.OpSoftDelete, Collection: "r_opp", Doc: p.Docs[1]},
	}}); err != nil {
		t.Fatal(err)
	}
	snap := migrationSnapshot(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json"), snap, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "formloom.lock"))
}

// migrationQueries are the reads the fixture's snapshot answers.
func migrationQueries() map[string]store.Query {
	unindexed := ptrF(store.And(store.Where("fields.region", store.OpEq, "华南"), store.Where("fields.amount", store.OpGt, 20000)))
	newest := []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}
	return map[string]store.Query{
		"default order":           {Sort: newest, Limit: 7},
		"default order, filtered": {Filter: unindexed, Sort: newest, Limit: 3},
		"oldest first, filtered":  {Filter: ptrF(store.Where("fields.tags", store.OpEq, "华北")), Sort: []store.SortKey{{Field: store.FieldCreatedAt}}, Limit: 4},
		"sorted by amount":        {Filter: ptrF(store.Where("fields.region", store.OpNe, "华东")), Sort: []store.SortKey{{Field: "fields.amount", Desc: true}}, Limit: 5},
		"indexed":                 {Filter: ptrF(store.Where("fields.stage", store.OpEq, "won")), Sort: newest, Limit: 4},
		"subform rows":            {Filter: ptrF(store.Where("fields.items.qty", store.OpGte, 5)), Sort: []store.SortKey{{Field: "fields.money.amount"}}, Limit: 6},
		"booleans and missing":    {Filter: ptrF(store.Or(store.Where("fields.vip", store.OpEq, true), store.Where("fields.region", store.OpExists, false))), Limit: 8},
		"recycle bin":             {Deleted: store.OnlyDeleted, Limit: 5},
	}
}

// migrationSnapshot answers migrationQueries on both collections (every
// page, following cursors), counts them, and reads every document by id.
func migrationSnapshot(t *testing.T, s *Store) []byte {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	for _, coll := range []string{"r_opp", "h_opp"} {
		for name, q := range migrationQueries() {
			var pages [][]store.Document
			for {
				p, err := s.Find(ctx, coll, q)
				if err != nil {
					t.Fatalf("%s %s: %v", coll, name, err)
				}
				pages = append(pages, p.Docs)
				if p.NextCursor == "" {
					break
				}
				q.After = p.NextCursor
			}
			n, err := s.Count(ctx, coll, q)
			if err != nil {
				t.Fatal(err)
			}
			out[coll+" / "+name] = map[string]any{"pages": pages, "count": n}
		}
		all, err := s.Find(ctx, coll, store.Query{Deleted: store.IncludeDeleted, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		var got []store.Document
		for _, d := range all.Docs {
			g, err := s.Get(ctx, coll, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, g)
		}
		out[coll+" / get"] = got
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
