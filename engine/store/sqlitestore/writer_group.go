package sqlitestore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync/atomic"

	"github.com/formloom/formloom/engine/store"
)

// job is one write submitted to the writer goroutine. apply runs inside its
// own SAVEPOINT of a shared transaction; after runs once the transaction has
// committed durably and before the caller is answered.
type job struct {
	ctx   context.Context
	apply func(tx *wtx) error
	after func()
	// exclusive jobs (schema changes) run alone in their own transaction, so
	// in-memory catalog updates never interleave with other jobs' writes.
	exclusive bool
	done      chan error
}

// writer owns the single write connection. It batches queued jobs into one
// transaction (group commit): one fsync acknowledges many callers.
type writer struct {
	s    *Store
	conn *rawConn
	reqs chan *job
	// exited is closed when run returns.
	exited chan struct{}
	// pending holds an exclusive job taken from reqs while a batch was open.
	pending *job
	// batches and jobs count committed transactions and the jobs in them.
	batches, jobs atomic.Int64
}

func newWriter(s *Store, conn *rawConn) *writer {
	return &writer{
		s:      s,
		conn:   conn,
		reqs:   make(chan *job, 1024),
		exited: make(chan struct{}),
	}
}

// submit hands j to the writer and waits for its answer.
func (s *Store) submit(ctx context.Context, j *job) error {
	j.ctx = ctx
	j.done = make(chan error, 1)
	s.mu.RLock()
	if s.closed.Load() {
		s.mu.RUnlock()
		return store.ErrClosed
	}
	select {
	case s.w.reqs <- j:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		// The job may still commit; the caller learns only that it gave up.
		return ctx.Err()
	}
}

func (w *writer) run() {
	defer close(w.exited)
	for {
		j := w.pending
		w.pending = nil
		if j == nil {
			var ok bool
			j, ok = <-w.reqs
			if !ok {
				return
			}
		}
		if j.exclusive {
			w.commitBatch([]*job{j})
			w.addPendingColumns()
			w.addWantedSysIndexes()
			w.trainDicts()
			continue
		}
		batch := []*job{j}
	drain:
		for len(batch) < w.s.opts.MaxBatch {
			select {
			case next, ok := <-w.reqs:
				if !ok {
					break drain
				}
				if next.exclusive {
					w.pending = next
					break drain
				}
				batch = append(batch, next)
			default:
				break drain
			}
		}
		w.commitBatch(batch)
		w.addPendingColumns()
		w.addWantedSysIndexes()
		w.trainDicts()
	}
}

// stop lets the writer finish every queued job, then waits for it to exit.
// The caller has set closed under mu, so no submission is in flight.
func (w *writer) stop() {
	close(w.reqs)
	<-w.exited
}

func (w *writer) closeConn() error {
	if err := w.conn.close(); err != nil {
		return fmt.Errorf("sqlitestore: close writer connection: %w", err)
	}
	return nil
}

// commitBatch applies jobs in one transaction and answers each caller.
//
// It first runs the batch without savepoints: failures are rare, and a
// SAVEPOINT/RELEASE pair per unit costs as much as a small insert. If a
// job fails, the transaction is rolled back and the batch re-run with each
// job in its own savepoint, so only the failing callers get their errors.
// Jobs are pure functions of their prepared input, so re-running is safe.
func (w *writer) commitBatch(batch []*job) {
	errs, ok := w.runBatch(batch, false)
	if !ok {
		return
	}
	if errs == nil {
		if errs, ok = w.runBatch(batch, true); !ok {
			return
		}
	}
	for i, j := range batch {
		if errs[i] == nil && j.after != nil {
			j.after()
		}
		j.done <- errs[i]
	}
}

// runBatch applies batch in one transaction. Without savepoints, a failing
// job rolls everything back and runBatch returns nil errs (retry with
// savepoints); a lone job's failure is simply its answer. ok is false when
// the batch was aborted and every caller already answered.
func (w *writer) runBatch(batch []*job, savepoints bool) (errs []error, ok bool) {
	errs = make([]error, len(batch))
	if _, err := w.conn.exec("BEGIN IMMEDIATE"); err != nil {
		w.answerAll(batch, fmt.Errorf("sqlitestore: begin: %w", err))
		return nil, false
	}
	tx := &wtx{w: w, created: map[string]bool{}}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if savepoints {
			if _, err := w.conn.exec("SAVEPOINT unit"); err != nil {
				w.abort(batch, fmt.Errorf("sqlitestore: savepoint: %w", err))
				return nil, false
			}
		}
		tx.unitCreated = tx.unitCreated[:0]
		tx.unitKinds = tx.unitKinds[:0]
		err := j.apply(tx)
		if err != nil && !savepoints {
			if _, rerr := w.conn.exec("ROLLBACK"); rerr != nil {
				// SQLite may have rolled back already (SQLITE_FULL does):
				// keep the cause, not only the failed rollback.
				w.abort(batch, fmt.Errorf("sqlitestore: write: %w (rollback: %v)", err, rerr))
				return nil, false
			}
			if len(batch) == 1 {
				errs[0] = err
				return errs, true
			}
			return nil, true
		}
		if err != nil {
			if _, rerr := w.conn.exec("ROLLBACK TO unit"); rerr != nil {
				w.abort(batch, fmt.Errorf("sqlitestore: write: %w (rollback unit: %v)", err, rerr))
				return nil, false
			}
			for _, c := range tx.unitCreated {
				delete(tx.created, c)
			}
		} else {
			tx.kinds = append(tx.kinds, tx.unitKinds...)
		}
		if savepoints {
			if _, rerr := w.conn.exec("RELEASE unit"); rerr != nil {
				w.abort(batch, fmt.Errorf("sqlitestore: release unit: %w", rerr))
				return nil, false
			}
		}
		errs[i] = err
	}
	if _, err := w.conn.exec("COMMIT"); err != nil {
		w.abort(batch, fmt.Errorf("sqlitestore: commit: %w", err))
		return nil, false
	}
	w.batches.Add(1)
	w.jobs.Add(int64(len(batch)))
	for c := range tx.created {
		w.s.reg.markLive(c)
	}
	w.s.reg.markDurable(tx.kinds)
	return errs, true
}

// abort rolls the whole batch back and fails every job in it.
func (w *writer) abort(batch []*job, err error) {
	if _, rerr := w.conn.exec("ROLLBACK"); rerr != nil {
		w.s.log.Error("sqlitestore: rollback failed", "err", rerr)
	}
	w.s.log.Error("sqlitestore: write batch failed", "jobs", len(batch), "err", err)
	w.answerAll(batch, err)
}

func (w *writer) answerAll(batch []*job, err error) {
	for _, j := range batch {
		j.done <- err
	}
}

// wtx is the writer's view of the open transaction for one job.
type wtx struct {
	w *writer
	// created holds collections whose tables this batch created.
	created map[string]bool
	// unitCreated holds the ones the current job created (undone on rollback).
	unitCreated []string
	// kinds and unitKinds hold path_kinds rows written by the batch's
	// successful jobs and by the current job.
	kinds, unitKinds []collPathKind
}

func (tx *wtx) exec(query string, args ...any) (driver.Result, error) {
	return tx.w.conn.exec(query, args...)
}

// queryRow runs a statement expected to return at most one row.
func (tx *wtx) queryRow(query string, args []any, dest ...any) error {
	return tx.w.conn.row(query, args...).Scan(dest...)
}

// row runs a statement and returns its first row for scanning.
func (tx *wtx) row(query string, args ...any) *rawRow {
	return tx.w.conn.row(query, args...)
}

// execScript runs schema statements (not cached).
func (tx *wtx) execScript(query string) error {
	return tx.w.conn.execScript(query)
}

// collectionExists reports whether coll's table exists inside this transaction.
func (tx *wtx) collectionExists(coll string) bool {
	return tx.created[coll] || tx.w.s.reg.exists(coll)
}

// ensureCollection creates coll's table and system indexes on first use.
func (tx *wtx) ensureCollection(coll string) error {
	if tx.collectionExists(coll) {
		return nil
	}
	if err := tx.execScript(createCollectionSQL(coll)); err != nil {
		return fmt.Errorf("sqlitestore: create collection %s: %w", coll, err)
	}
	tx.created[coll] = true
	tx.unitCreated = append(tx.unitCreated, coll)
	tx.w.s.reg.newTable(coll)
	return nil
}
