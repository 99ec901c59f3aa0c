package sqlitestore

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRefusesLockedDirectory(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_, err = Open(dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "is in use by another Formloom process") {
		t.Fatalf("second Open = %v, want the in-use error", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if err := s2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 3; i++ {
		if err := migrate(t.Context(), db); err != nil {
			t.Fatalf("migrate run %d: %v", i, err)
		}
	}
	var v, rows int
	if err := db.QueryRow(`SELECT max(version), count(*) FROM schema_version`).Scan(&v, &rows); err != nil || v != len(migrations) || rows != 1 {
		t.Fatalf("schema_version = %d (%d rows), %v; want %d in one row", v, rows, err, len(migrations))
	}
}
