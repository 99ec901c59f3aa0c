package sqlitestore

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// claimBatchSQL is claimSQL for up to ?5 items. The IN subquery does not
// depend on the updated row, so SQLite evaluates it once, before the
// update: it selects only items with no other item of their key leased or
// ahead, hence at most one per key.
const claimBatchSQL = `UPDATE queue_items SET attempts = attempts + 1, lease_owner = ?1, lease_until = ?2
	WHERE rowid IN (SELECT q.rowid FROM queue_items q
		WHERE q.queue = ?3 AND q.due_at <= ?4 AND q.lease_until < ?4
		AND (q.key = '' OR NOT EXISTS (SELECT 1 FROM queue_items o
			WHERE o.queue = q.queue AND o.key = q.key AND o.rowid <> q.rowid
			AND (o.lease_until >= ?4 OR o.first_due < q.first_due OR (o.first_due = q.first_due AND o.rowid < q.rowid))))
		ORDER BY q.due_at, q.id LIMIT ?5)
	RETURNING id, queue, key, due_at, attempts, json(payload), lease_owner, lease_until`

// maxClaimBatch bounds one ClaimBatch.
const maxClaimBatch = 1000

// ClaimBatch leases up to max due items in one statement (see claimBatchSQL).
func (s *Store) ClaimBatch(ctx context.Context, queue, owner string, lease time.Duration, max int) ([]store.QueueItem, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.ValidateLease(queue, owner, lease); err != nil {
		return nil, err
	}
	if max < 1 || max > maxClaimBatch {
		return nil, fmt.Errorf("%w: a batch claims 1 to %d items", store.ErrInvalidInput, maxClaimBatch)
	}
	var out []store.QueueItem
	err := s.submit(ctx, &job{apply: func(tx *wtx) error {
		out = out[:0]
		now := s.now()
		return tx.w.conn.eachRow(claimBatchSQL, []any{owner, store.FormatTime(now.Add(lease)), queue, store.FormatTime(now), max}, func(r *rawRow) error {
			var it store.QueueItem
			var due, until string
			var payload []byte
			if err := r.Scan(&it.ID, &it.Queue, &it.Key, &due, &it.Attempts, &payload, &it.LeaseOwner, &until); err != nil {
				return err
			}
			var err error
			if it.DueAt, err = parseStoredTime(due); err != nil {
				return err
			}
			if it.LeaseUntil, err = parseStoredTime(until); err != nil {
				return err
			}
			if err := json.Unmarshal(payload, &it.Payload); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	}})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order; callers get Claim's: oldest due first.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].DueAt.Equal(out[j].DueAt) {
			return out[i].DueAt.Before(out[j].DueAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// eachRow runs a statement and calls fn for every row it returns; the
// row's values are valid only during the call.
func (rc *rawConn) eachRow(query string, args []any, fn func(r *rawRow) error) error {
	st, owned, err := rc.stmt(query)
	if err != nil {
		return err
	}
	if owned {
		defer st.Close()
	}
	nv, err := rc.bind(args)
	if err != nil {
		return err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		return err
	}
	vals := make([]driver.Value, len(rows.Columns()))
	for {
		err := rows.Next(vals)
		if errors.Is(err, io.EOF) {
			return rows.Close()
		}
		if err == nil {
			err = fn(&rawRow{vals: vals})
		}
		if err != nil {
			// Finish the statement so its changes are complete before the
			// job's savepoint is rolled back.
			for rows.Next(vals) == nil {
			}
			rows.Close()
			return err
		}
	}
}
