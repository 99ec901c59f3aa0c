package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

var _ store.Exporter = (*Store)(nil)

// Export pushes everything the store holds into sink (see store.Exporter)
// from one read transaction: WAL gives it the database as of its first
// read while the writer goes on, so the export is consistent while
// Formloom serves.
func (s *Store) Export(ctx context.Context, sink store.Sink) (store.ExportInfo, error) {
	info := store.ExportInfo{Consistent: true, Method: "sqlite read transaction"}
	if s.closed.Load() {
		return info, store.ErrClosed
	}
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return info, s.readErr(ctx, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	colls, err := exportCollections(ctx, tx)
	if err != nil {
		return info, err
	}
	for _, c := range colls {
		if err := sink.Collection(ctx, c.name, c.indexes); err != nil {
			return info, err
		}
		if err := s.exportDocuments(ctx, tx, c.name, sink); err != nil {
			return info, err
		}
	}
	if err := s.exportEvents(ctx, tx, sink); err != nil {
		return info, err
	}
	var pos int64
	err = tx.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)`).Scan(&pos)
	if err != nil {
		return info, fmt.Errorf("sqlitestore: export outbox position: %w", err)
	}
	if err := sink.OutboxPosition(ctx, pos); err != nil {
		return info, err
	}
	if err := exportCounters(ctx, tx, sink); err != nil {
		return info, err
	}
	return info, exportQueue(ctx, tx, sink)
}

type exportColl struct {
	name    string
	indexes []store.Index
}

// exportCollections lists the collections with their declared indexes.
func exportCollections(ctx context.Context, tx *sql.Tx) ([]exportColl, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.name, d.def FROM collections c
		LEFT JOIN declared_indexes d ON d.coll = c.name ORDER BY c.name, d.name`)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: export collections: %w", err)
	}
	defer rows.Close()
	var out []exportColl
	for rows.Next() {
		var name string
		var def sql.NullString
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].name != name {
			out = append(out, exportColl{name: name})
		}
		if def.Valid {
			var ix store.Index
			if err := json.Unmarshal([]byte(def.String), &ix); err != nil {
				return nil, fmt.Errorf("sqlitestore: index of %s: %w", name, err)
			}
			out[len(out)-1].indexes = append(out[len(out)-1].indexes, ix)
		}
	}
	return out, rows.Err()
}

func (s *Store) exportDocuments(ctx context.Context, tx *sql.Tx, coll string, sink store.Sink) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+docColumns+` FROM `+tableName(coll)+` ORDER BY id`)
	if isNoTable(err) {
		return nil // registered, never written
	}
	if err != nil {
		return fmt.Errorf("sqlitestore: export %s: %w", coll, err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return fmt.Errorf("sqlitestore: export %s: %w", coll, err)
		}
		if err := sink.Document(ctx, d); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) exportEvents(ctx context.Context, tx *sql.Tx, sink store.Sink) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("sqlitestore: export events: %w", err)
	}
	defer rows.Close()
	sc := eventScanner{dicts: s.dicts}
	for rows.Next() {
		var e store.Event
		text, err := sc.scan(rows, &e)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(text, &e.Payload); err != nil {
			return fmt.Errorf("sqlitestore: event %s payload: %w", e.ID, err)
		}
		if e.Payload == nil {
			e.Payload = map[string]any{}
		}
		if err := sink.Event(ctx, e); err != nil {
			return err
		}
	}
	return rows.Err()
}

func exportCounters(ctx context.Context, tx *sql.Tx, sink store.Sink) error {
	rows, err := tx.QueryContext(ctx, `SELECT name, value FROM counters ORDER BY name`)
	if err != nil {
		return fmt.Errorf("sqlitestore: export counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return err
		}
		if err := sink.Counter(ctx, name, v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportQueue hands out the items in enqueue order, which rowid follows.
func exportQueue(ctx context.Context, tx *sql.Tx, sink store.Sink) error {
	rows, err := tx.QueryContext(ctx, `SELECT queue, id, key, due_at, first_due, attempts, json(payload),
		lease_owner, lease_until FROM queue_items ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("sqlitestore: export queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it store.ExportedQueueItem
		var due, first, until string
		var payload []byte
		if err := rows.Scan(&it.Queue, &it.ID, &it.Key, &due, &first, &it.Attempts, &payload, &it.LeaseOwner, &until); err != nil {
			return err
		}
		if it.DueAt, err = parseStoredTime(due); err != nil {
			return err
		}
		it.FirstDue = it.DueAt
		if first != "" {
			if it.FirstDue, err = parseStoredTime(first); err != nil {
				return err
			}
		}
		if until != "" {
			if it.LeaseUntil, err = parseStoredTime(until); err != nil {
				return err
			}
		}
		if err := json.Unmarshal(payload, &it.Payload); err != nil {
			return fmt.Errorf("sqlitestore: queue item %s/%s payload: %w", it.Queue, it.ID, err)
		}
		if it.Payload == nil {
			it.Payload = map[string]any{}
		}
		if err := sink.QueueItem(ctx, it); err != nil {
			return err
		}
	}
	return errors.Join(rows.Err())
}
