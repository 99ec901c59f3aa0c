package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Enqueue adds items atomically; an existing id fails them all with ErrDuplicate.
func (s *Store) Enqueue(ctx context.Context, items ...store.QueueItem) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if len(items) == 0 {
		return nil
	}
	if len(items) > store.MaxUnitWrites {
		return fmt.Errorf("%w: more than %d queue items", store.ErrInvalidInput, store.MaxUnitWrites)
	}
	now := s.now()
	norm := make([]store.QueueItem, len(items))
	payloads := make([][]byte, len(items))
	for i, it := range items {
		n, err := store.NormalizeQueueItem(it, now)
		if err != nil {
			return fmt.Errorf("queue item %d: %w", i, err)
		}
		b, err := json.Marshal(n.Payload)
		if err != nil {
			return fmt.Errorf("%w: queue item %d: %v", store.ErrInvalidInput, i, err)
		}
		norm[i], payloads[i] = n, b
	}
	err := s.submit(ctx, &job{apply: func(tx *wtx) error {
		for i, it := range norm {
			if err := tx.enqueue(it, payloads[i]); err != nil {
				return fmt.Errorf("queue item %d: %w", i, err)
			}
		}
		return nil
	}})
	if err == nil {
		s.commits.Notify()
	}
	return err
}

// claimSQL picks the oldest due item without a live lease whose key (if
// any) has no other item leased or ahead of it (by first due time, then by
// enqueue order, which rowid follows), and leases it, in one statement.
const claimSQL = `UPDATE queue_items SET attempts = attempts + 1, lease_owner = ?1, lease_until = ?2
	WHERE rowid = (SELECT q.rowid FROM queue_items q
		WHERE q.queue = ?3 AND q.due_at <= ?4 AND q.lease_until < ?4
		AND (q.key = '' OR NOT EXISTS (SELECT 1 FROM queue_items o
			WHERE o.queue = q.queue AND o.key = q.key AND o.rowid <> q.rowid
			AND (o.lease_until >= ?4 OR o.first_due < q.first_due OR (o.first_due = q.first_due AND o.rowid < q.rowid))))
		ORDER BY q.due_at, q.id LIMIT 1)
	RETURNING id, queue, key, due_at, attempts, json(payload), lease_owner, lease_until`

// Claim leases the next due item of queue with one atomic UPDATE (see claimSQL).
func (s *Store) Claim(ctx context.Context, queue, owner string, lease time.Duration) (store.QueueItem, error) {
	if s.closed.Load() {
		return store.QueueItem{}, store.ErrClosed
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return store.QueueItem{}, err
	}
	var it store.QueueItem
	err := s.submit(ctx, &job{apply: func(tx *wtx) error {
		now := s.now()
		nowS := store.FormatTime(now)
		row := tx.row(claimSQL, owner, store.FormatTime(now.Add(lease)), queue, nowS)
		var due, until string
		var payload []byte
		err := row.Scan(&it.ID, &it.Queue, &it.Key, &due, &it.Attempts, &payload, &it.LeaseOwner, &until)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: nothing due in queue %s", store.ErrNotFound, queue)
		}
		if err != nil {
			return err
		}
		if it.DueAt, err = parseStoredTime(due); err != nil {
			return err
		}
		if it.LeaseUntil, err = parseStoredTime(until); err != nil {
			return err
		}
		return json.Unmarshal(payload, &it.Payload)
	}})
	if err != nil {
		return store.QueueItem{}, err
	}
	return it, nil
}

// leaseWrite runs a statement that must touch the item owner still holds.
func (s *Store) leaseWrite(ctx context.Context, queue, id, owner string, query string, args func(now time.Time) []any) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := store.ValidateLease(queue, owner, time.Second); err != nil {
		return err
	}
	if err := store.ValidateID(id); err != nil {
		return err
	}
	return s.submit(ctx, &job{apply: func(tx *wtx) error {
		now := s.now()
		a := append(args(now), queue, id, owner, store.FormatTime(now))
		res, err := tx.exec(query+` WHERE queue = ? AND id = ? AND lease_owner = ? AND lease_until >= ?`, a...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s does not hold a live lease on %s/%s", store.ErrConflict, owner, queue, id)
		}
		return nil
	}})
}

// Extend prolongs a lease the owner still holds.
func (s *Store) Extend(ctx context.Context, queue, id, owner string, lease time.Duration) error {
	if lease <= 0 {
		return fmt.Errorf("%w: lease must be positive", store.ErrInvalidInput)
	}
	return s.leaseWrite(ctx, queue, id, owner, `UPDATE queue_items SET lease_until = ?`, func(now time.Time) []any {
		return []any{store.FormatTime(now.Add(lease))}
	})
}

// Ack removes a finished item the owner still holds.
func (s *Store) Ack(ctx context.Context, queue, id, owner string) error {
	return s.leaseWrite(ctx, queue, id, owner, `DELETE FROM queue_items`, func(time.Time) []any { return nil })
}

// Retry releases an item the owner still holds, due again at due.
func (s *Store) Retry(ctx context.Context, queue, id, owner string, due time.Time) error {
	return s.leaseWrite(ctx, queue, id, owner, `UPDATE queue_items SET due_at = ?, lease_owner = '', lease_until = ''`, func(now time.Time) []any {
		if due.IsZero() {
			due = now
		}
		return []any{store.FormatTime(due)}
	})
}

// Depth counts the items of queue, leased or not.
func (s *Store) Depth(ctx context.Context, queue string) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	if err := store.ValidateCollection(queue); err != nil {
		return 0, fmt.Errorf("queue name: %w", err)
	}
	st, release, err := s.readStmt(ctx, `SELECT count(*) FROM queue_items WHERE queue = ?`)
	if err != nil {
		return 0, s.readErr(ctx, err)
	}
	defer release()
	var n int64
	if err := st.QueryRowContext(ctx, queue).Scan(&n); err != nil {
		return 0, s.readErr(ctx, err)
	}
	return n, nil
}
