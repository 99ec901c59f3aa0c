package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations create the store's own tables. Each entry runs once, in order,
// inside one transaction with the schema_version bump, so a crash between
// two migrations leaves a consistent version. Append only; never edit.
var migrations = []string{
	// 1: registries, outbox, counters, queue.
	`CREATE TABLE collections (
		name TEXT PRIMARY KEY
	) WITHOUT ROWID;
	CREATE TABLE declared_indexes (
		coll TEXT NOT NULL,
		name TEXT NOT NULL,
		sql_name TEXT NOT NULL,
		def TEXT NOT NULL,
		PRIMARY KEY (coll, name)
	) WITHOUT ROWID;
	CREATE TABLE path_kinds (
		coll TEXT NOT NULL,
		path TEXT NOT NULL,
		kinds INTEGER NOT NULL,
		PRIMARY KEY (coll, path)
	) WITHOUT ROWID;
	CREATE TABLE outbox (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		type TEXT NOT NULL,
		workspace TEXT NOT NULL,
		collection TEXT NOT NULL,
		doc_id TEXT NOT NULL,
		payload BLOB NOT NULL,
		at TEXT NOT NULL
	);
	CREATE TABLE counters (
		name TEXT PRIMARY KEY,
		value INTEGER NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE queue_items (
		queue TEXT NOT NULL,
		id TEXT NOT NULL,
		key TEXT NOT NULL,
		due_at TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		payload BLOB NOT NULL,
		lease_owner TEXT NOT NULL,
		lease_until TEXT NOT NULL,
		PRIMARY KEY (queue, id)
	);
	CREATE INDEX queue_items_due ON queue_items (queue, due_at, id);`,
	// 2: queue items keep the due time they were enqueued with, which orders
	// the items of one key (see store.QueueItem.Key).
	`ALTER TABLE queue_items ADD COLUMN first_due TEXT NOT NULL DEFAULT '';
	UPDATE queue_items SET first_due = due_at;
	CREATE INDEX queue_items_key ON queue_items (queue, key, first_due) WHERE key <> '';`,
	// 3: whether a collection's rowid order is its _created_at order, and
	// the slack of that order in microseconds (rid_order.go); rid_order 0
	// means not checked yet, decided at Open.
	`ALTER TABLE collections ADD COLUMN rid_order INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE collections ADD COLUMN rid_slack INTEGER NOT NULL DEFAULT 0;`,
	// 4: the value columns of each collection (value_columns.go).
	`CREATE TABLE path_columns (
		coll TEXT NOT NULL,
		path TEXT NOT NULL,
		col TEXT NOT NULL,
		PRIMARY KEY (coll, path)
	) WITHOUT ROWID;`,
	// 5: the row layout of each collection's table (layout.go): 0 for
	// tables made before, 1 for tables that store _updated_at and
	// _updated_by only once a document changes. Tables made from now on
	// have no system index on _created_at or _updated_at until a query
	// needs one (system_indexes.go), and create history entries derive
	// their values (engine); a program older than this version refuses
	// the database instead of writing to tables it does not know.
	`ALTER TABLE collections ADD COLUMN layout INTEGER NOT NULL DEFAULT 0;`,
	// 6: compact outbox payloads (outbox_codec.go): enc 0 is the JSONB of
	// rows written before, enc > 0 an S2 block of the JSON text with the
	// dictionary of that id. Dictionary 1 holds what payloads share; each
	// collection's own is made from its first events.
	`ALTER TABLE outbox ADD COLUMN enc INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE outbox_dicts (
		id INTEGER PRIMARY KEY,
		collection TEXT NOT NULL,
		dict BLOB NOT NULL
	);
	INSERT INTO outbox_dicts (id, collection, dict) VALUES (1, '', CAST('` +
		`{"admin_apps":[],"content_type":"","department":"","departments":[],"disabled":false,"file":"","invitation":"",` +
		`"language":"zh-CN","member":"","name":"","parent":"","role":"","roles":[],"set":"","size":0,"time_zone":"Asia/Shanghai",` +
		`"user":"","workspace":"","payload_version":1,"version":1}` +
		`{"actor":"","app":"","automations_off":true,"changed":[],"data":{},"form":"","form_version":1,"payload_version":1,` +
		`"record":"","source":"import"}{"actor":"","app":"","changed":["","data":{"":"","form":"","form_version":1,` +
		`"payload_version":1,"record":"","source":"api","version":1}' AS BLOB));`,
	// 7: compact outbox rows (outbox_row.go). A row written from now on
	// keeps its type, workspace, collection and document id inside its
	// compressed block, ahead of the payload (which repeats the document
	// id, so it costs a back reference), and its time as microseconds
	// since the Unix epoch: about 130 bytes a row instead of 250. Only
	// the ids a caller gave (given = 1) are in the unique index; the ones
	// the store generates (store.NewID: 48 bits of time, 80 random) do
	// not repeat. The rows written before are copied with their columns
	// (type IS NOT NULL marks them), their times converted, and their ids
	// counted as given; the AUTOINCREMENT counter carries over, so
	// sequence numbers are never reused.
	`CREATE TABLE outbox_v7 (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL,
		at INTEGER NOT NULL,
		enc INTEGER NOT NULL,
		payload BLOB NOT NULL,
		given INTEGER,
		type TEXT,
		workspace TEXT,
		collection TEXT,
		doc_id TEXT
	);
	INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_v7', seq FROM sqlite_sequence WHERE name = 'outbox';
	INSERT INTO outbox_v7 (seq, id, at, enc, payload, given, type, workspace, collection, doc_id)
		SELECT seq, id, unixepoch(substr(at, 1, 19)) * 1000000 + CAST(substr(at, 21, 6) AS INTEGER), enc, payload,
			1, type, workspace, collection, doc_id FROM outbox ORDER BY seq;
	DROP TABLE outbox;
	ALTER TABLE outbox_v7 RENAME TO outbox;
	CREATE UNIQUE INDEX outbox_given_id ON outbox (id) WHERE given IS NOT NULL;`,
}

// migrate brings the schema to the latest version. It is idempotent.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlitestore: create schema_version: %w", err)
	}
	for {
		var v int
		err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
		if err != nil {
			return fmt.Errorf("sqlitestore: read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("sqlitestore: database schema version %d is newer than this program (%d)", v, len(migrations))
		}
		if v == len(migrations) {
			return nil
		}
		if err := applyMigration(ctx, db, v+1); err != nil {
			return err
		}
	}
}

func applyMigration(ctx context.Context, db *sql.DB, version int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: migration %d: %w", version, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[version-1]); err != nil {
		return fmt.Errorf("sqlitestore: migration %d: %w", version, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return fmt.Errorf("sqlitestore: migration %d: %w", version, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, version); err != nil {
		return fmt.Errorf("sqlitestore: migration %d: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: migration %d: %w", version, err)
	}
	return nil
}

// ensureSystemIndexes creates the system indexes a collection made by an
// older version lacks (see systemIndexesSQL), in one transaction. On an
// up-to-date database it only checks the names.
func ensureSystemIndexes(ctx context.Context, db *sql.DB, r *registry) error {
	r.mu.RLock()
	colls := make([]string, 0, len(r.colls))
	for name, ci := range r.colls {
		if ci.live {
			colls = append(colls, name)
		}
	}
	r.mu.RUnlock()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: system indexes: %w", err)
	}
	defer tx.Rollback()
	for _, coll := range colls {
		if _, err := tx.ExecContext(ctx, systemIndexesSQL(coll)); err != nil {
			return fmt.Errorf("sqlitestore: system indexes of %s: %w", coll, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: system indexes: %w", err)
	}
	return nil
}
