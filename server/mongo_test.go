package server_test

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// openMongo opens the Mongo adapter on the in-process FerretDB, or on the
// real MongoDB of FORMLOOM_TEST_MONGO_URI when it is set.
func openMongo(t *testing.T) store.Store {
	t.Helper()
	uri, real := ferrettest.RealURI()
	if !real {
		uri = ferrettest.URI(t)
	}
	st, err := mongostore.Open(context.Background(), uri, ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: !real})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestJourneyMongo runs the user journey on the MongoDB adapter.
func TestJourneyMongo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts FerretDB")
	}
	en := start(t, openMongo(t), t.TempDir())
	vars := map[string]string{"form": string(mustJSON(t, benchForm(t)))}
	run(t, en, vars, journeySteps())
	member := en.addMember("m@example.com")
	en.do("POST", "/api/v1/apps", member, map[string]any{"name": "X"}, nil).expect(403)
	en.do("GET", "/readyz", "", nil, nil).expect(200)
}
