package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine/store"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// dbFileName is the database file inside the data directory.
const dbFileName = "formloom.db"

// Options tunes a Store. The zero value is a sensible default.
type Options struct {
	// ReadConns is the size of the read pool; 0 means max(4, GOMAXPROCS).
	ReadConns int
	// Logger receives warnings and diagnostics; nil means slog.Default().
	Logger *slog.Logger
	// Clock tells the time for stamps, due times and leases; nil means the
	// system clock. Tests inject a store.ManualClock.
	Clock store.Clock
	// BusyTimeout bounds how long a connection waits for a lock; 0 means 5s.
	BusyTimeout time.Duration
	// CacheSizeKiB is SQLite's page cache per connection; 0 means 32 MiB.
	CacheSizeKiB int
	// MmapSize is the memory-mapped I/O size of each read connection in
	// bytes; 0 means 1 GiB, negative disables memory mapping. The writer
	// never maps the file.
	MmapSize int64
	// MaxBatch bounds how many queued writes one group commit takes; 0 means 512.
	MaxBatch int
	// SyncNormal runs the writer with synchronous=NORMAL instead of FULL: a
	// commit then survives a killed process (the WAL is in the OS page
	// cache) but not an OS crash or power loss. Off by default.
	SyncNormal bool
	// MaxPageCount caps the database file at this many pages (SQLite's
	// max_page_count; 0 means no cap beyond SQLite's own). A write past it
	// fails like one on a full disk (SQLITE_FULL); tests use it for that.
	MaxPageCount int
}

// Store is the SQLite backend of store.Store. It is safe for concurrent use.
type Store struct {
	dir   string
	log   *slog.Logger
	clock store.Clock
	opts  Options

	lock *dirLock
	wdb  *sql.DB
	rdb  *sql.DB
	w    *writer

	// mu guards closed against in-flight submissions to the writer.
	mu     sync.RWMutex
	closed atomic.Bool

	reg   *registry
	reads *stmtCache
	// dicts compress outbox payloads (outbox_codec.go).
	dicts *eventDicts

	// commits tells this process's consumers of commits with events or queue items.
	commits store.Notifier
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.CommitNotifier = (*Store)(nil)
)

// NotifyCommits signals after each commit that wrote events or queue items.
func (s *Store) NotifyCommits() (<-chan struct{}, func()) { return s.commits.Subscribe() }

// Open opens (creating if needed) the data directory dir and returns a
// ready store. A directory another process (or another Store) holds open is
// refused immediately.
func Open(dir string, opts Options) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: sqlitestore: empty data directory", store.ErrInvalidInput)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlitestore: create data directory: %w", err)
	}
	lk, err := acquireDirLock(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, opts: withDefaults(opts), lock: lk}
	s.log = s.opts.Logger
	s.clock = s.opts.Clock
	if err := s.open(); err != nil {
		s.closeHandles()
		lk.release()
		return nil, err
	}
	return s, nil
}

func withDefaults(o Options) Options {
	if o.ReadConns <= 0 {
		o.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = store.SystemClock{}
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.CacheSizeKiB <= 0 {
		o.CacheSizeKiB = 32 << 10
	}
	if o.MmapSize == 0 {
		o.MmapSize = 1 << 30
	}
	if o.MmapSize < 0 {
		o.MmapSize = 0
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 512
	}
	return o
}

// dsn builds the connection string; the pragmas run on every new connection.
func (s *Store) dsn(writer bool) string {
	path := filepath.Join(s.dir, dbFileName)
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", s.opts.CacheSizeKiB))
	// Only readers map the file. The writer's reads are B-tree descents to
	// the pages it changes, which its page cache holds anyway; mapped, a
	// backfill or index build would touch every page of the file once more
	// in this process's resident memory (one more mapping beside the
	// readers', counted again by top although the OS keeps one copy).
	mmap := s.opts.MmapSize
	if writer {
		mmap = 0
	}
	q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", mmap))
	q.Add("_pragma", "temp_store(MEMORY)")
	if writer {
		if s.opts.SyncNormal {
			q.Add("_pragma", "synchronous(NORMAL)")
		} else {
			q.Add("_pragma", "synchronous(FULL)")
		}
		// Checkpoints stay automatic; a larger threshold means fewer of them
		// in the middle of a burst of writes.
		q.Add("_pragma", "wal_autocheckpoint(4000)")
		if s.opts.MaxPageCount > 0 {
			q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", s.opts.MaxPageCount))
		}
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func (s *Store) open() error {
	ctx := context.Background()
	wdb, err := sql.Open("sqlite", s.dsn(true))
	if err != nil {
		return fmt.Errorf("sqlitestore: open database: %w", err)
	}
	s.wdb = wdb
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	if err := migrate(ctx, wdb); err != nil {
		return err
	}
	rdb, err := sql.Open("sqlite", s.dsn(false))
	if err != nil {
		return fmt.Errorf("sqlitestore: open read pool: %w", err)
	}
	s.rdb = rdb
	rdb.SetMaxOpenConns(s.opts.ReadConns)
	rdb.SetMaxIdleConns(s.opts.ReadConns)
	rdb.SetConnMaxLifetime(0)
	rdb.SetConnMaxIdleTime(0)
	if err := rdb.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlitestore: open read pool: %w", err)
	}
	s.reg, err = loadRegistry(ctx, wdb)
	if err != nil {
		return err
	}
	if s.dicts, err = loadEventDicts(ctx, wdb); err != nil {
		return err
	}
	if err := ensureSystemIndexes(ctx, wdb, s.reg); err != nil {
		return err
	}
	if err := loadSysIndexes(ctx, wdb, s.reg); err != nil {
		return err
	}
	if err := checkRidOrder(ctx, wdb, s.reg); err != nil {
		return err
	}
	if err := loadColumns(ctx, wdb, s.reg); err != nil {
		return err
	}
	s.reads = newStmtCache(rdb.PrepareContext)
	// The writer uses its own driver connection (see rawConn); the pool
	// that ran the migrations is closed first, so there is one writer.
	if err := wdb.Close(); err != nil {
		return fmt.Errorf("sqlitestore: close migration connection: %w", err)
	}
	s.wdb = nil
	conn, err := openRawConn(s.dsn(true))
	if err != nil {
		return fmt.Errorf("sqlitestore: writer connection: %w", err)
	}
	s.w = newWriter(s, conn)
	go s.w.run()
	return nil
}

// Capabilities reports what this backend does correctly: everything.
func (s *Store) Capabilities() store.Capabilities {
	return store.Capabilities{
		Backend:              "sqlite",
		Transactions:         true,
		AtomicCAS:            true,
		DateBuckets:          true,
		PartialUniqueIndexes: true,
		// system_indexes.go
		SystemIndexesOnDemand: true,
	}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	var one int
	if err := s.rdb.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return s.readErr(ctx, err)
	}
	return nil
}

// Close waits for queued writes to commit, closes the connections and
// releases the directory lock. Later calls return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		return store.ErrClosed
	}
	s.closed.Store(true)
	s.mu.Unlock()
	s.w.stop()
	err := s.closeHandles()
	if lerr := s.lock.release(); err == nil && lerr != nil {
		err = fmt.Errorf("sqlitestore: release lock: %w", lerr)
	}
	return err
}

func (s *Store) closeHandles() error {
	var first error
	if s.reads != nil {
		s.reads.closeAll()
	}
	if s.w != nil {
		if err := s.w.closeConn(); err != nil && first == nil {
			first = err
		}
	}
	if s.rdb != nil {
		if err := s.rdb.Close(); err != nil && first == nil {
			first = fmt.Errorf("sqlitestore: close read pool: %w", err)
		}
	}
	if s.wdb != nil {
		if err := s.wdb.Close(); err != nil && first == nil {
			first = fmt.Errorf("sqlitestore: close writer: %w", err)
		}
	}
	return first
}

// now returns the clock's time in the stored precision.
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }
