package sqlitestore

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func seed(t testing.TB, s *Store, coll string, docs map[string]map[string]any) {
	t.Helper()
	u := store.UnitOfWork{Actor: "tester"}
	for id, d := range docs {
		u.Writes = append(u.Writes, store.Write{Op: store.OpInsert, Collection: coll, Doc: store.Document{ID: id, Data: d}})
	}
	if _, err := s.Commit(context.Background(), u); err != nil {
		t.Fatalf("seed: %v", err)
	}
}

func ids(p store.Page) []string {
	out := make([]string, len(p.Docs))
	for i, d := range p.Docs {
		out[i] = d.ID
	}
	return out
}
