package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// storeFlags choose and locate the store; serve and admin share them.
type storeFlags struct {
	dataDir  string
	mongoURI string
	mongoDB  string
	// readOnly opens the store for inspection: reads work, writes are
	// refused (store.ReadOnly); it lets serve start on a MongoDB without
	// transactions.
	readOnly bool
}

func (f *storeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "./formloom-data", "data directory (SQLite database and uploaded files)")
	fs.StringVar(&f.mongoURI, "mongo-uri", "", "MongoDB replica-set URI; switches the store from SQLite to MongoDB")
	fs.StringVar(&f.mongoDB, "mongo-db", "", `MongoDB database name (default: the URI's path, else "formloom")`)
}

// mongoDatabase picks the database: --mongo-db, else the URI path, else "formloom".
func (f *storeFlags) mongoDatabase() string {
	if f.mongoDB != "" {
		return f.mongoDB
	}
	if u, err := url.Parse(f.mongoURI); err == nil {
		if db := strings.Trim(u.Path, "/"); db != "" {
			return db
		}
	}
	return "formloom"
}

// open opens the chosen store and the blob store for uploads: on SQLite
// uploads go to <data-dir>/files, on MongoDB to GridFS in the database, so
// processes sharing one MongoDB share the files without a shared disk.
func (f *storeFlags) open(ctx context.Context, log *slog.Logger) (store.Store, blob.Store, error) {
	if f.mongoURI != "" {
		db := f.mongoDatabase()
		st, err := mongostore.Open(ctx, f.mongoURI, db, mongostore.Options{Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("open MongoDB database %q: %w", db, err)
		}
		if err := refuseWithoutTransactions(st.Capabilities(), f.readOnly); err != nil {
			st.Close()
			return nil, nil, err
		}
		log.Info("store opened", "backend", "mongodb", "database", db, "files", "gridfs", "read_only", f.readOnly)
		// Files go to GridFS so every process sharing the database serves them.
		if f.readOnly {
			return store.ReadOnly(st), st.Blobs(), nil
		}
		return st, st.Blobs(), nil
	}
	st, err := sqlitestore.Open(f.dataDir, sqlitestore.Options{Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("open data directory %s: %w", f.dataDir, err)
	}
	blobs, err := blob.NewLocal(filepath.Join(f.dataDir, "files"))
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("open file storage in %s: %w", f.dataDir, err)
	}
	log.Info("store opened", "backend", "sqlite", "dir", f.dataDir, "read_only", f.readOnly)
	if f.readOnly {
		return store.ReadOnly(st), blobs, nil
	}
	return st, blobs, nil
}

// errNoTransactions is why serve refuses a MongoDB that cannot run
// transactions: it is returned whole to the operator.
var errNoTransactions = errors.New("this MongoDB server cannot run transactions, so Formloom will not start on it.\n" +
	"Every write (a record, its history entry and its outbox events) commits as one transaction; " +
	"without transactions reading would work but every write, the first-run setup included, would fail.\n" +
	"What is needed: MongoDB 6 or later running as a replica set (a single-node replica set is enough: " +
	"start mongod with --replSet rs0 and run rs.initiate() once), or a sharded cluster. " +
	"FerretDB v1 and a standalone mongod have no transactions.\n" +
	"To look at the data anyway, start with --read-only: reads work and every write is refused with a clear message")

// refuseWithoutTransactions returns errNoTransactions for a server that
// cannot commit a unit of work atomically, unless the start is read-only.
func refuseWithoutTransactions(caps store.Capabilities, readOnly bool) error {
	if caps.Transactions || readOnly {
		return nil
	}
	return fmt.Errorf("%w (server: %s)", errNoTransactions, caps.Backend)
}
