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
	// Payloads stored compact (enc > 0, outbox_codec.go) are decoded here
	// into their JSON text; JSONB ones by SQLite. Without payloads, the
	// rows that keep their head in their block are still decoded.
	q := `SELECT ` + outboxColumns + ` FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
	if !withPayload {
		q = `SELECT ` + outboxHeadColumns + ` FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`
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
	sc := eventScanner{dicts: s.dicts}
	for rows.Next() {
		var e store.RawEvent
		text, err := sc.scan(rows, &e.Event)
		if err != nil {
			return nil, s.readErr(ctx, err)
		}
		if withPayload && text != nil {
			e.Raw = append(make([]byte, 0, len(text)), text...)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.readErr(ctx, err)
	}
	return out, nil
}
