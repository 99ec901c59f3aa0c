package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// indexSQLName is the SQLite name of a declared index. SQLite index names
// are global, so the table name prefixes it.
func indexSQLName(coll, name string) string { return "c_" + coll + "__ix_" + name }

// EnsureIndexes makes coll's declared indexes exactly indexes. Each is an
// expression index over json_extract(data,'$.path') (columns for system
// fields), partial on live documents (WHERE deleted_at IS NULL) so unique
// ones ignore the recycle bin; SQLite's unique indexes already let NULLs
// (missing or null values) repeat. Non-unique indexes end with id, the
// tie-break of every query's order, so an index can serve a sort entirely.
func (s *Store) EnsureIndexes(ctx context.Context, coll string, indexes []store.Index) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return err
	}
	want, err := normalizeIndexes(indexes)
	if err != nil {
		return err
	}
	next := map[string]store.Index{}
	return s.submit(ctx, &job{exclusive: true, apply: func(tx *wtx) error {
		if err := tx.ensureCollection(coll); err != nil {
			return err
		}
		have := s.reg.declared(coll)
		for _, ix := range want {
			sqlName := indexSQLName(coll, ix.Name)
			next[sqlName] = ix
			if old, ok := have[sqlName]; ok && sameIndex(old, ix) {
				continue
			}
			if err := tx.createIndex(coll, sqlName, ix); err != nil {
				return err
			}
		}
		for sqlName := range have {
			if _, keep := next[sqlName]; keep {
				continue
			}
			if err := tx.execScript(`DROP INDEX IF EXISTS "` + sqlName + `"`); err != nil {
				return fmt.Errorf("sqlitestore: drop index %s: %w", sqlName, err)
			}
			if _, err := tx.exec(`DELETE FROM declared_indexes WHERE coll = ? AND sql_name = ?`, coll, sqlName); err != nil {
				return err
			}
		}
		return nil
	}, after: func() { s.reg.setIndexes(coll, next) }})
}

func (tx *wtx) createIndex(coll, sqlName string, ix store.Index) error {
	cols := make([]string, 0, len(ix.Fields)+1)
	for _, f := range ix.Fields {
		e, err := fieldExpr(f.Field)
		if err != nil {
			return fmt.Errorf("%w: index %s: %v", store.ErrInvalidInput, ix.Name, err)
		}
		if f.Desc {
			e += " DESC"
		}
		cols = append(cols, e)
	}
	if !ix.Unique && ix.Fields[len(ix.Fields)-1].Field != store.FieldID {
		cols = append(cols, "id")
	}
	unique := ""
	if ix.Unique {
		unique = "UNIQUE "
	}
	if err := tx.execScript(`DROP INDEX IF EXISTS "` + sqlName + `"`); err != nil {
		return fmt.Errorf("sqlitestore: drop index %s: %w", sqlName, err)
	}
	ddl := `CREATE ` + unique + `INDEX "` + sqlName + `" ON ` + tableName(coll) + ` (` + strings.Join(cols, ", ") + `) WHERE deleted_at IS NULL`
	if err := tx.execScript(ddl); err != nil {
		if isUnique(err) {
			return &store.DuplicateError{Collection: coll, Index: ix.Name, Fields: indexFieldNames(ix)}
		}
		return fmt.Errorf("sqlitestore: create index %s: %w", sqlName, err)
	}
	def, _ := json.Marshal(ix)
	_, err := tx.exec(`INSERT INTO declared_indexes (coll, name, sql_name, def) VALUES (?, ?, ?, ?)
		ON CONFLICT (coll, name) DO UPDATE SET sql_name = excluded.sql_name, def = excluded.def`, coll, ix.Name, sqlName, string(def))
	return err
}

func sameIndex(a, b store.Index) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// normalizeIndexes validates declarations and names unnamed ones after a
// hash of their definition.
func normalizeIndexes(indexes []store.Index) ([]store.Index, error) {
	out := make([]store.Index, 0, len(indexes))
	names := map[string]bool{}
	for i, ix := range indexes {
		if len(ix.Fields) == 0 || len(ix.Fields) > store.MaxSortKeys {
			return nil, fmt.Errorf("%w: index %d needs 1 to %d fields", store.ErrInvalidInput, i, store.MaxSortKeys)
		}
		for _, f := range ix.Fields {
			if _, err := store.SplitPath(f.Field); err != nil {
				return nil, fmt.Errorf("%w: index %d: %v", store.ErrInvalidInput, i, err)
			}
		}
		if ix.Name == "" {
			h := fnv.New32a()
			def, _ := json.Marshal(ix)
			h.Write(def)
			ix.Name = fmt.Sprintf("auto_%08x", h.Sum32())
		}
		if !store.ValidKey(ix.Name) {
			return nil, fmt.Errorf("%w: index name %q must match ^[a-z][a-z0-9_]{0,62}$", store.ErrInvalidInput, ix.Name)
		}
		if names[ix.Name] {
			return nil, fmt.Errorf("%w: index name %q is declared twice", store.ErrInvalidInput, ix.Name)
		}
		names[ix.Name] = true
		ix.Fields = append([]store.SortKey(nil), ix.Fields...)
		out = append(out, ix)
	}
	return out, nil
}

// DropCollection removes coll, its indexes and its catalog entries.
func (s *Store) DropCollection(ctx context.Context, coll string) error {
	if s.closed.Load() {
		return store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return err
	}
	table := tableName(coll)
	return s.submit(ctx, &job{exclusive: true, apply: func(tx *wtx) error {
		if err := tx.execScript(`DROP TABLE IF EXISTS ` + table); err != nil {
			return fmt.Errorf("sqlitestore: drop collection %s: %w", coll, err)
		}
		for _, q := range []string{
			`DELETE FROM collections WHERE name = ?`,
			`DELETE FROM declared_indexes WHERE coll = ?`,
			`DELETE FROM path_kinds WHERE coll = ?`,
			`DELETE FROM path_columns WHERE coll = ?`,
		} {
			if _, err := tx.exec(q, coll); err != nil {
				return err
			}
		}
		delete(tx.created, coll)
		return nil
	}, after: func() {
		s.reg.drop(coll)
		mentions := func(q string) bool { return strings.Contains(q, table) }
		s.reads.forget(mentions)
		s.w.conn.forget(mentions)
	}})
}
