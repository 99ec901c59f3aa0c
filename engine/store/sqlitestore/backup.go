package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// DatabaseFile returns the path of the database file of data directory dir.
func DatabaseFile(dir string) string { return filepath.Join(dir, dbFileName) }

// Snapshot writes a consistent copy of the database of data directory dir
// to dest (which must not exist) with VACUUM INTO: one read transaction
// sees the database as of its start, so a Formloom process may keep writing
// meanwhile (WAL lets the writer go on; the copy is compacted). It does not
// take the data directory's lock, which the serving process holds.
func Snapshot(ctx context.Context, dir, dest string) error {
	src := DatabaseFile(dir)
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlitestore: no database in %s: %w", dir, err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("sqlitestore: snapshot target %s exists", dest)
	}
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("sqlitestore: snapshot: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("sqlitestore: snapshot of %s: %w", src, err)
	}
	return nil
}

// SnapshotInfo is what CheckSnapshot found in a database file.
type SnapshotInfo struct {
	// SchemaVersion is the store's schema version in the file.
	SchemaVersion int `json:"schemaVersion"`
	// Documents counts the documents (deleted ones included) per collection.
	Documents map[string]int64 `json:"documents"`
	// Events, Counters and QueueItems count the outbox, counters and queue.
	Events     int64 `json:"events"`
	Counters   int64 `json:"counters"`
	QueueItems int64 `json:"queueItems"`
}

// CheckSnapshot opens the database file path read-only, runs SQLite's
// integrity check and counts what it holds.
func CheckSnapshot(ctx context.Context, path string) (SnapshotInfo, error) {
	info := SnapshotInfo{Documents: map[string]int64{}}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var res []string
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return info, fmt.Errorf("not a readable SQLite database: %w", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return info, err
		}
		res = append(res, s)
	}
	rows.Close()
	if len(res) != 1 || res[0] != "ok" {
		return info, fmt.Errorf("SQLite integrity check failed: %s", strings.Join(res, "; "))
	}
	if err := db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&info.SchemaVersion); err != nil {
		return info, fmt.Errorf("not a Formloom database (no schema version): %w", err)
	}
	names, err := collectionNames(ctx, db)
	if err != nil {
		return info, err
	}
	for _, n := range names {
		var c int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+tableName(n)).Scan(&c); err != nil {
			return info, fmt.Errorf("count collection %s: %w", n, err)
		}
		info.Documents[n] = c
	}
	for q, dst := range map[string]*int64{`SELECT count(*) FROM outbox`: &info.Events,
		`SELECT count(*) FROM counters`: &info.Counters, `SELECT count(*) FROM queue_items`: &info.QueueItems} {
		if err := db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return info, fmt.Errorf("%s: %w", q, err)
		}
	}
	return info, nil
}

func collectionNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM collections ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list collections: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, errors.Join(rows.Err())
}
