package sqlitestore

import (
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// Row layouts of a collection's table (collections.layout).
//
// layoutPlain, tables made before schema version 5: updated_at and
// updated_by are stored in every row.
//
// layoutCompact, tables made since: upd_at and upd_by are NULL until a
// document is updated, deleted or restored, and updated_at and updated_by
// are virtual generated columns, coalesce(upd_at, created_at) and
// coalesce(upd_by, created_by). A document that was only created (most
// records, every history entry) saves the two values, 53 bytes of the
// benchmark's rows; every read, filter, sort, cursor and index uses
// updated_at and updated_by as before.
const (
	layoutPlain   uint8 = 0
	layoutCompact uint8 = 1
)

// rowLayout builds the writes that depend on the layout.
type rowLayout uint8

// layoutOf returns coll's layout.
func (r *registry) layoutOf(coll string) rowLayout {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if ci := r.colls[coll]; ci != nil {
		return rowLayout(ci.layout)
	}
	return rowLayout(layoutCompact)
}

func (ci *collInfo) layoutInfo() rowLayout { return rowLayout(ci.layout) }

// insertSQL inserts a document with the value columns cols; its arguments
// are insertArgs followed by the columns' values.
func (l rowLayout) insertSQL(coll string, cols []string) string {
	var names, marks strings.Builder
	for _, n := range cols {
		names.WriteString(", " + n)
		marks.WriteString(", ?")
	}
	if uint8(l) == layoutCompact {
		return `INSERT INTO ` + tableName(coll) + ` (id, version, created_at, created_by, upd_by, deleted_at, data` +
			names.String() + `) VALUES (?, 1, ?, ?, ?, NULL, jsonb(?)` + marks.String() + `)`
	}
	return `INSERT INTO ` + tableName(coll) + ` (id, version, created_at, updated_at, created_by, updated_by, deleted_at, data` +
		names.String() + `) VALUES (?, 1, ?, ?, ?, ?, NULL, jsonb(?)` + marks.String() + `)`
}

func (l rowLayout) insertArgs(d store.Document, at string, data []byte) []any {
	if uint8(l) == layoutCompact {
		var updBy any
		if d.UpdatedBy != d.CreatedBy {
			updBy = d.UpdatedBy
		}
		return []any{d.ID, at, d.CreatedBy, updBy, data}
	}
	return []any{d.ID, at, at, d.CreatedBy, d.UpdatedBy, data}
}

// setUpdated is the assignment of the update time and author, with two
// arguments in that order.
func (l rowLayout) setUpdated() string {
	if uint8(l) == layoutCompact {
		return "upd_at = ?, upd_by = ?"
	}
	return "updated_at = ?, updated_by = ?"
}
