package sqlitestore_test

import (
	"testing"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/store/storetest"
)

// TestConformance runs the conformance suite against a fresh data directory per case.
func TestConformance(t *testing.T) {
	storetest.Run(t, openConformance)
}

// TestConformanceAdaptive runs the suite again with adaptive indexes made
// on its small collections and a rowid window of two rows, so the queries
// a case repeats run through them (adaptive_indexes.go).
func TestConformanceAdaptive(t *testing.T) {
	defer sqlitestore.AdaptiveOnSmallTables()()
	storetest.Run(t, openConformance)
}

func openConformance(t *testing.T, clock store.Clock) store.Store {
	s, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock})
	if err != nil {
		t.Fatalf("sqlitestore.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
