package sqlitestore

import (
	"context"

	"github.com/formloom/formloom/engine/store"
)

// ReadRawEvents is ReadEvents without decoding the payloads, or without
// reading them at all (store.RawEventReader).
func (s *Store) ReadRawEvents(ctx context.Context, afterSeq int64, limit int, withPayload bool) ([]store.RawEvent, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.ValidateReadEvents(afterSeq, limit); err != nil {
		return nil, err
	}
	q := `SELECT seq, id, type, workspace, collection, doc_id, json(payload), at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
	if !withPayload {
		q = `SELECT seq, id, type, workspace, collection, doc_id, NULL, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
	}
	st, release, err := s.readStmt(ctx, q)
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	defer release()
	rows, err := st.QueryContext(ctx, afterSeq, limit)
	if err != nil {
		return nil, s.readErr(ctx, err)
	}
	defer rows.Close()
	out := []store.RawEvent{}
	for rows.Next() {
		var e store.RawEvent
		var at string
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.Workspace, &e.Collection, &e.DocID, &e.Raw, &at); err != nil {
			return nil, s.readErr(ctx, err)
		}
		if e.At, err = parseStoredTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, err)
	}
	return out, nil
}
