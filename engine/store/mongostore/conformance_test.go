package mongostore_test

import (
	"context"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/storetest"
	"github.com/formloom/formloom/internal/ferrettest"
)

// TestConformanceFerretDB runs the conformance suite against the in-process
// FerretDB. It has no transactions, so units are opened non-atomic (a
// test-only opt-in) and the cases that need atomic units or atomic CAS skip.
func TestConformanceFerretDB(t *testing.T) {
	uri := ferrettest.URI(t)
	storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
		return openConformance(t, uri, ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Clock: clock})
	})
}

// TestConformanceMongoDB runs the conformance suite against a real MongoDB
// replica set named by FORMLOOM_TEST_MONGO_URI.
func TestConformanceMongoDB(t *testing.T) {
	uri, ok := ferrettest.RealURI()
	if !ok {
		t.Skip("set " + ferrettest.RealMongoEnv + " to a MongoDB 6+ replica set URI to run this, " +
			"for example mongodb://127.0.0.1:27017/?replicaSet=rs0")
	}
	storetest.Run(t, func(t *testing.T, clock store.Clock) store.Store {
		return openConformance(t, uri, ferrettest.Database(t), mongostore.Options{Clock: clock})
	})
}

func openConformance(t *testing.T, uri, db string, opts mongostore.Options) store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := mongostore.Open(ctx, uri, db, opts)
	if err != nil {
		t.Fatalf("mongostore.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
