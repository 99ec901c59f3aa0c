package sqlitestore

import (
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// tableName is the SQLite table of a collection. Collection names are
// validated keys (^[a-z][a-z0-9_]{0,62}$), so the quoted name is safe.
func tableName(coll string) string { return `"c_` + coll + `"` }

// docColumns are the columns every document query selects, in scanDoc order.
const docColumns = `id, version, created_at, updated_at, created_by, updated_by, deleted_at, json(data)`

// systemColumn maps a system field to its column and the json_type-like
// name of its type ("text" or "integer").
func systemColumn(field string) (col, typ string, ok bool) {
	switch field {
	case store.FieldID:
		return "id", "text", true
	case store.FieldVersion:
		return "version", "integer", true
	case store.FieldCreatedAt:
		return "created_at", "text", true
	case store.FieldUpdatedAt:
		return "updated_at", "text", true
	case store.FieldCreatedBy:
		return "created_by", "text", true
	case store.FieldUpdatedBy:
		return "updated_by", "text", true
	case store.FieldDeletedAt:
		return "deleted_at", "text", true
	}
	return "", "", false
}

// createCollectionSQL makes coll's table in the current layout
// (layoutCompact, layout.go).
func createCollectionSQL(coll string) string {
	t := tableName(coll)
	n := "c_" + coll
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %[1]s (
		rid INTEGER PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		version INTEGER NOT NULL,
		created_at TEXT NOT NULL,
		upd_at TEXT,
		created_by TEXT NOT NULL,
		upd_by TEXT,
		deleted_at TEXT,
		data BLOB NOT NULL,
		updated_at TEXT GENERATED ALWAYS AS (coalesce(upd_at, created_at)) VIRTUAL,
		updated_by TEXT GENERATED ALWAYS AS (coalesce(upd_by, created_by)) VIRTUAL
	);
	%[4]s
	INSERT INTO collections (name, rid_order, layout) VALUES ('%[3]s', 1, %[5]d)
		ON CONFLICT (name) DO UPDATE SET layout = excluded.layout;`, t, n, coll, systemIndexesSQL(coll), layoutCompact)
}

// systemIndexesSQL creates the system index every collection has where
// missing; Open runs it for every collection. The recycle bin's index is
// partial on deleted documents, so live ones cost nothing in it. The
// indexes on _created_at and _updated_at are made when a query needs them
// (system_indexes.go).
func systemIndexesSQL(coll string) string {
	return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS "%[2]s__sys_deleted" ON %[1]s (deleted_at, id) WHERE deleted_at IS NOT NULL;`, tableName(coll), "c_"+coll)
}

// jsonPathLiteral renders segments as a quoted SQLite JSON path literal,
// '$.a.b'. Declared indexes and queries must write the identical literal
// for SQLite to match them, so paths are inlined rather than bound; the
// segments are validated keys and are checked again here.
func jsonPathLiteral(segs []string) (string, error) {
	var b strings.Builder
	b.WriteString("'$")
	for _, s := range segs {
		if !store.ValidKey(s) {
			return "", fmt.Errorf("%w: path segment %q", store.ErrInvalidFilter, s)
		}
		b.WriteByte('.')
		b.WriteString(s)
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// fieldExpr is the SQL value expression of a field path without array
// traversal: a column for system fields, json_extract(data,'$.path') otherwise.
// It is the exact expression declared indexes use.
func fieldExpr(field string) (string, error) {
	if col, _, ok := systemColumn(field); ok {
		return col, nil
	}
	segs, err := store.SplitPath(field)
	if err != nil {
		return "", err
	}
	lit, err := jsonPathLiteral(segs)
	if err != nil {
		return "", err
	}
	return "json_extract(data," + lit + ")", nil
}
