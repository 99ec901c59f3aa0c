package mongostore

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/internal/ferrettest"
)

// quietLogger drops the adapter's FerretDB warning, which every test would repeat.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// openTest opens a store on a fresh database of the in-process FerretDB.
func openTest(t testing.TB) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, ferrettest.URI(t), ferrettest.Database(t), Options{AllowNonAtomicUnits: true, Logger: quietLogger})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// insert commits documents into coll and returns them as stored.
func insert(t testing.TB, s *Store, coll string, docs ...map[string]any) []store.Document {
	t.Helper()
	u := store.UnitOfWork{Actor: "tester"}
	for _, d := range docs {
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: coll, Doc: store.Document{Data: d}})
	}
	res, err := s.Commit(context.Background(), u)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return res.Docs
}
