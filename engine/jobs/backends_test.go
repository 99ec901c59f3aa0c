package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// backend opens a fresh store of one kind on a clock.
type backend struct {
	name string
	open func(t *testing.T, clock store.Clock) store.Store
}

// backends are SQLite and the in-process FerretDB (no transactions, so
// units are opened non-atomic, a test-only opt-in, as in the conformance suite).
func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T, clock store.Clock) store.Store { return openStore(t, clock) }},
		{"ferretdb", func(t *testing.T, clock store.Clock) store.Store {
			uri := ferrettest.URI(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := mongostore.Open(ctx, uri, ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatalf("mongostore.Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	}
}
