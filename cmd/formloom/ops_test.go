package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/internal/ferrettest"
)

// TestServeRefusesMongoWithoutTransactions: the in-process FerretDB has no
// transactions, so serve refuses to start and says what is needed and how
// to look at the data anyway; --read-only opens it with writes refused.
func TestServeRefusesMongoWithoutTransactions(t *testing.T) {
	uri, db := ferrettest.URI(t), ferrettest.Database(t)
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--mongo-uri", uri, "--mongo-db", db, "--listen", "127.0.0.1:0", "--open=false", "--log-level", "error"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit code %d, want 1; stderr: %s", code, errOut.String())
	}
	for _, want := range []string{"cannot run transactions", "replica set", "rs.initiate()", "every write", "--read-only", "server: ferretdb"} {
		if !strings.Contains(errOut.String(), want) {
			t.Fatalf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}

	f := storeFlags{mongoURI: uri, mongoDB: ferrettest.Database(t), readOnly: true}
	st, _, err := f.open(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer st.Close()
	if _, err := st.Find(context.Background(), "users", store.Query{Limit: 1}); err != nil {
		t.Fatalf("read on a read-only start: %v", err)
	}
	_, err = st.Commit(context.Background(), store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "users", Doc: store.Document{ID: "u1"}}}})
	if !errors.Is(err, store.ErrReadOnly) {
		t.Fatalf("write on a read-only start: %v, want ErrReadOnly", err)
	}
}
