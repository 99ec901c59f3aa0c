package sqlitestore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// scanner is *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanDoc reads the docColumns of one row.
func scanDoc(r scanner, extra ...any) (store.Document, error) {
	var d store.Document
	var created, updated string
	var deleted sql.NullString
	var raw []byte
	dest := []any{&d.ID, &d.Version, &created, &updated, &d.CreatedBy, &d.UpdatedBy, &deleted, &raw}
	dest = append(dest, extra...)
	if err := r.Scan(dest...); err != nil {
		return store.Document{}, err
	}
	return finishDoc(d, created, updated, deleted, raw)
}

func finishDoc(d store.Document, created, updated string, deleted sql.NullString, raw []byte) (store.Document, error) {
	var err error
	if d.CreatedAt, err = parseStoredTime(created); err != nil {
		return store.Document{}, err
	}
	if d.UpdatedAt, err = parseStoredTime(updated); err != nil {
		return store.Document{}, err
	}
	if deleted.Valid {
		t, err := parseStoredTime(deleted.String)
		if err != nil {
			return store.Document{}, err
		}
		d.DeletedAt = &t
	}
	if d.Data, err = decodeDoc(raw); err != nil {
		return store.Document{}, fmt.Errorf("sqlitestore: document %s: decode data: %w", d.ID, err)
	}
	if d.Data == nil {
		d.Data = map[string]any{}
	}
	return d, nil
}

// parseStoredTime reads a time column written with store.TimeLayout.
func parseStoredTime(s string) (time.Time, error) {
	t, err := time.Parse(store.TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlitestore: stored time %q: %w", s, err)
	}
	return t, nil
}
