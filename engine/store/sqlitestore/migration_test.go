package sqlitestore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestMigrateRelease opens a data directory written by the release before
// this layout (testdata/release-v1, see migration_fixture_test.go), which
// upgrades it in place, and checks that every page, count and document
// reads back exactly as that release answered, then again after a reopen
// and next to new writes.
func TestMigrateRelease(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "release-v1", "formloom.db"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "release-v1", "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbFileName), src, 0o600); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("open %d: %v", round, err)
		}
		var v int
		if err := s.rdb.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(migrations) {
			t.Fatalf("schema version = %d, %v; want %d", v, err, len(migrations))
		}
		// r_opp was written in time order; h_opp's units go back 9 s.
		if ok, slack := s.reg.ridOrdered("r_opp"); !ok || slack != 0 {
			t.Errorf("row order of r_opp: %v, slack %v; want true, 0", ok, slack)
		}
		if ok, slack := s.reg.ridOrdered("h_opp"); !ok || slack != 9*time.Second {
			t.Errorf("row order of h_opp: %v, slack %v; want true, 9s", ok, slack)
		}
		if got := migrationSnapshot(t, s); !bytes.Equal(got, want) {
			gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
			for i := range min(len(gl), len(wl)) {
				if !bytes.Equal(gl[i], wl[i]) {
					t.Fatalf("round %d: the upgraded store answers differently from the release at line %d:\ngot  %s\nwant %s", round, i+1, gl[i], wl[i])
				}
			}
			t.Fatalf("round %d: the upgraded store answers differently from the release (%d lines vs %d)", round, len(gl), len(wl))
		}
		if round == 0 {
			// Give the release's documents value columns (what the first
			// queries after the upgrade ask for), then read again.
			for _, coll := range []string{"r_opp", "h_opp"} {
				s.reg.noteScalars(coll, []string{"fields.region", "fields.amount", "fields.company", "fields.money.amount", "fields.vip", "form_version"})
			}
			syncWriter(t, s)
			if vc := s.reg.columns("r_opp"); vc == nil || vc.byPath["fields.region"] == "" {
				t.Fatalf("value columns after the upgrade: %+v", vc)
			}
			if got := migrationSnapshot(t, s); !bytes.Equal(got, want) {
				t.Fatal("with value columns the upgraded store answers differently from the release")
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// New writes on the upgraded store.
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "t", Writes: []store.Write{{Op: store.OpInsert, Collection: "r_opp", Doc: store.Document{ID: "new1",
		Data: map[string]any{"fields": map[string]any{"region": "华南", "amount": 99999.0, "email": "new@example.com"}}}}}}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Find(ctx, "r_opp", migrationQueries()["default order, filtered"])
	if err != nil || len(p.Docs) == 0 || p.Docs[0].ID != "new1" {
		t.Fatalf("newest filtered page after a write: %v, %v", ids(p), err)
	}
	// Updates, deletes and restores on a table of the release's layout
	// (layout.go), which stores _updated_at and _updated_by in every row.
	for _, w := range []store.Write{
		{Op: store.OpUpdate, Collection: "r_opp", Doc: store.Document{ID: "new1", Data: map[string]any{"fields": map[string]any{"region": "华北"}}}},
		{Op: store.OpSoftDelete, Collection: "r_opp", Doc: store.Document{ID: "new1"}},
		{Op: store.OpRestore, Collection: "r_opp", Doc: store.Document{ID: "new1"}},
	} {
		if _, err := s.Commit(ctx, store.UnitOfWork{Actor: "u2", Writes: []store.Write{w}}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Get(ctx, "r_opp", "new1")
	if err != nil || d.Version != 4 || d.UpdatedBy != "u2" || d.CreatedBy != "t" || !d.UpdatedAt.After(d.CreatedAt) && !d.UpdatedAt.Equal(d.CreatedAt) {
		t.Fatalf("after update, delete, restore: %+v, %v", d, err)
	}
}
