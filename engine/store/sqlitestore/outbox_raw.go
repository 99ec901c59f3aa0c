package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"

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
	// Payloads stored compact (enc > 0, outbox_codec.go) are decoded here
	// into their JSON text; JSONB ones by SQLite.
	q := `SELECT seq, id, type, workspace, collection, doc_id, enc, iif(enc = 0, json(payload), payload), at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
	if !withPayload {
		q = `SELECT seq, id, type, workspace, collection, doc_id, 0, NULL, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
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
	var payload sql.RawBytes
	for rows.Next() {
		var e store.RawEvent
		var enc int64
		var at string
		if err := rows.Scan(&e.Seq, &e.ID, &e.Type, &e.Workspace, &e.Collection, &e.DocID, &enc, &payload, &at); err != nil {
			return nil, s.readErr(ctx, err)
		}
		switch {
		case payload == nil:
		case enc == encJSONB:
			e.Raw = append(make([]byte, 0, len(payload)), payload...)
		default:
			if e.Raw, err = s.dicts.decode(enc, payload, nil); err != nil {
				return nil, fmt.Errorf("sqlitestore: event %s payload: %w", e.ID, err)
			}
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
