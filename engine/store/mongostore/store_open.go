package mongostore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/formloom/formloom/engine/store"
)

// Options tunes Open.
type Options struct {
	// AllowNonAtomicUnits is a test-only opt-in for servers without
	// transactions (FerretDB, a standalone mongod): a unit of work with
	// several items is then applied item by item, in order, and stops at the
	// first error, leaving earlier items applied. Never set it in production.
	AllowNonAtomicUnits bool
	// Logger receives the adapter's own log lines; nil means slog.Default().
	Logger *slog.Logger
	// ConnectTimeout bounds connecting and detecting the server; 0 means 10 s.
	ConnectTimeout time.Duration
	// Clock tells the time for stamps, due times and leases. nil (the
	// production setting) means the server's time, so that processes whose
	// clocks disagree still agree on leases; tests inject a store.ManualClock.
	Clock store.Clock
}

// Store is the MongoDB implementation of store.Store. It is safe for
// concurrent use.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	opts   Options
	log    *slog.Logger
	caps   store.Capabilities
	closed atomic.Bool
	// serial orders writes that the server cannot make atomic itself (on
	// servers without AtomicCAS), so one process at least never loses an
	// update. It is not taken on MongoDB.
	serial sync.Mutex
	// indexMu guards uniqueIdx, the cache of unique indexes per collection
	// used to name the index of a duplicate-key error.
	indexMu   sync.Mutex
	uniqueIdx map[string][]store.Index
	// clock is Options.Clock or srvClock; done stops the clock's refresh.
	clock    store.Clock
	srvClock *serverClock
	done     chan struct{}
	// commits tells this process's consumers of its commits.
	commits store.Notifier
	// seqMu lets one goroutine of this process number outbox events at a time.
	seqMu sync.Mutex
	// enqSeq orders queue items and pending events (see nextOrder).
	enqSeq atomic.Int64
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.CommitNotifier = (*Store)(nil)
)

// NotifyCommits signals after each commit of this process that wrote
// events or queue items; commits of other processes are found by polling.
func (s *Store) NotifyCommits() (<-chan struct{}, func()) { return s.commits.Subscribe() }

// Open connects to the MongoDB at uri, uses database, detects what the server
// can do and prepares the internal collections.
func Open(ctx context.Context, uri, database string, opts Options) (*Store, error) {
	if err := validateDatabase(database); err != nil {
		return nil, err
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	copts := options.Client().ApplyURI(uri).
		SetTimeout(0).
		SetConnectTimeout(opts.ConnectTimeout).
		SetServerSelectionTimeout(opts.ConnectTimeout)
	if err := copts.Validate(); err != nil {
		return nil, fmt.Errorf("%w: mongodb uri: %s", store.ErrInvalidInput, err.Error())
	}
	client, err := mongo.Connect(copts)
	if err != nil {
		return nil, fmt.Errorf("mongostore: connect: %s", err.Error())
	}
	s := &Store{
		client:    client,
		opts:      opts,
		log:       logger.With("backend", "mongostore", "database", database),
		uniqueIdx: map[string][]store.Index{},
		clock:     opts.Clock,
		done:      make(chan struct{}),
	}
	s.db = client.Database(database,
		options.Database().
			SetWriteConcern(writeconcern.Majority()).
			SetReadConcern(readconcern.Majority()))
	octx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := s.detect(octx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.prepare(octx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if s.clock == nil {
		s.srvClock = &serverClock{}
		if err := s.sampleServerClock(octx); err != nil {
			_ = client.Disconnect(context.Background())
			return nil, err
		}
		s.clock = s.srvClock
		go s.refreshServerClock()
	}
	return s, nil
}

func validateDatabase(name string) error {
	if name == "" || len(name) > 63 || strings.ContainsAny(name, "/\\. \"$*<>:|?\x00") {
		return fmt.Errorf("%w: database name %q must be 1 to 63 characters without /\\. \"$*<>:|?", store.ErrInvalidInput, name)
	}
	return nil
}

// detect fills the capabilities from hello and buildInfo.
func (s *Store) detect(ctx context.Context) error {
	var hello struct {
		SetName string `bson:"setName"`
		MsgType string `bson:"msg"`
	}
	if err := s.db.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return fmt.Errorf("mongostore: hello: %s", err.Error())
	}
	var build bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&build); err != nil {
		return fmt.Errorf("mongostore: buildInfo: %s", err.Error())
	}
	_, ferret := build["ferretdbVersion"]
	version, _ := build["version"].(string)
	switch {
	case ferret:
		s.caps = store.Capabilities{Backend: "ferretdb", DateBuckets: true}
		s.log.Warn("FerretDB detected: no transactions, no atomic compare-and-set, no partial unique indexes; use it for tests only",
			"version", version)
	default:
		replica := hello.SetName != "" || hello.MsgType == "isdbgrid"
		s.caps = store.Capabilities{
			Backend:              "mongodb",
			Transactions:         replica,
			AtomicCAS:            true,
			DateBuckets:          true,
			PartialUniqueIndexes: true,
		}
		if !replica {
			s.log.Warn("standalone MongoDB: units of work with several items need a replica set", "version", version)
		}
	}
	return nil
}

// prepare creates the indexes of the internal collections.
func (s *Store) prepare(ctx context.Context) error {
	err := createIndexes(ctx, s.db.Collection(collOutbox), []mongo.IndexModel{{
		Keys:    bson.D{{Key: "eid", Value: 1}},
		Options: options.Index().SetName("eid").SetUnique(true),
	}, {
		Keys:    bson.D{{Key: "seq", Value: 1}},
		Options: options.Index().SetName("seq"),
	}})
	if err != nil {
		return s.fail("prepare outbox", err)
	}
	if err := s.migrateOutbox(ctx); err != nil {
		return s.fail("prepare outbox", err)
	}
	err = createIndexes(ctx, s.db.Collection(collQueue), []mongo.IndexModel{{
		Keys:    bson.D{{Key: "q", Value: 1}, {Key: "due", Value: 1}, {Key: keyID, Value: 1}},
		Options: options.Index().SetName("q_due"),
	}, {
		Keys:    bson.D{{Key: "q", Value: 1}, {Key: "key", Value: 1}, {Key: "fd", Value: 1}, {Key: "en", Value: 1}},
		Options: options.Index().SetName("q_key"),
	}})
	if err != nil {
		return s.fail("prepare queue", err)
	}
	return nil
}

// createIndexes creates the indexes one per command: FerretDB v1 drops
// the connection on a createIndexes of several indexes that all exist,
// which is every Open of a database after the first.
func createIndexes(ctx context.Context, c *mongo.Collection, models []mongo.IndexModel) error {
	for _, m := range models {
		if _, err := c.Indexes().CreateOne(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// Capabilities reports what the connected server does correctly.
func (s *Store) Capabilities() store.Capabilities { return s.caps }

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	if err := s.client.Ping(ctx, nil); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// Close disconnects; later calls return store.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return store.ErrClosed
	}
	close(s.done)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return fmt.Errorf("mongostore: disconnect: %s", err.Error())
	}
	return nil
}

func (s *Store) check() error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	return nil
}

// lockSerial takes the process-wide write order on servers that cannot
// order conditional writes themselves; the returned func releases it.
func (s *Store) lockSerial() func() {
	if s.caps.AtomicCAS {
		return func() {}
	}
	s.serial.Lock()
	return s.serial.Unlock
}
