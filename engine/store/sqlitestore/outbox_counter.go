package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/store"
)

// maxCounterName bounds a counter's name.
const maxCounterName = 200

// ReadEvents returns up to limit events with Seq > afterSeq in Seq order.
// The single writer assigns seq in commit order, so sequence numbers
// become visible in order.
func (s *Store) ReadEvents(ctx context.Context, afterSeq int64, limit int) ([]store.Event, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.ValidateReadEvents(afterSeq, limit); err != nil {
		return nil, err
	}
	st, release, err := s.readStmt(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`)
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	defer release()
	rows, err := st.QueryContext(ctx, afterSeq, limit)
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	defer rows.Close()
	out := []store.Event{}
	sc := eventScanner{dicts: s.dicts}
	for rows.Next() {
		var e store.Event
		text, err := sc.scan(rows, &e)
		if err != nil {
			return nil, s.readErr(ctx, err)
		}
		if err := json.Unmarshal(text, &e.Payload); err != nil {
			return nil, fmt.Errorf("sqlitestore: event %s payload: %w", e.ID, err)
		}
		if e.Payload == nil {
			e.Payload = map[string]any{}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, err)
	}
	return out, nil
}

// TrimEvents deletes the events with Seq <= throughSeq stamped before before.
func (s *Store) TrimEvents(ctx context.Context, throughSeq int64, before time.Time) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	if throughSeq < 0 {
		return 0, fmt.Errorf("%w: negative sequence number", store.ErrInvalidInput)
	}
	var n int64
	err := s.submit(ctx, &job{apply: func(tx *wtx) error {
		res, err := tx.exec(`DELETE FROM outbox WHERE seq <= ? AND at < ?`, throughSeq, eventMicros(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	}})
	return n, err
}

// Increment adds delta to the named counter and returns the new value,
// in one durable statement.
func (s *Store) Increment(ctx context.Context, name string, delta int64) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	if name == "" || len(name) > maxCounterName || !utf8.ValidString(name) {
		return 0, fmt.Errorf("%w: counter name must be 1 to %d bytes of UTF-8", store.ErrInvalidInput, maxCounterName)
	}
	if delta < 1 {
		return 0, fmt.Errorf("%w: counter delta must be at least 1", store.ErrInvalidInput)
	}
	var v int64
	err := s.submit(ctx, &job{apply: func(tx *wtx) error {
		return tx.queryRow(`INSERT INTO counters (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value`, []any{name, delta}, &v)
	}})
	return v, err
}
