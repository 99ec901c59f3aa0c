package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// System indexes on _created_at and _updated_at are made when a query
// needs them, not with the table. Each costs a B-tree insert per document
// and about 7 MB per 100k documents, and most collections never use them:
// a default-order page of a collection whose rowid order is its
// _created_at order scans the table backwards and stops early (rid_order.go),
// and history or outbox-like collections are only read by their own
// declared indexes. A query that sorts on one of these fields without the
// rowid plan, or filters on it, asks for its index (wantSysIndex); the
// writer builds it between batches, like value columns, and the query runs
// meanwhile with what exists (a scan), never wrongly.
//
// Kinds, with the index each names (all on live documents but updated):
//
//	created      (created_at, id): oldest first, and filters on _created_at
//	created_rev  (created_at, id DESC): read backwards, newest first then
//	             _id, the engine's default order; inserts append at its end,
//	             so its pages stay full (created_desc, below, splits at the
//	             front and is half empty: 12 MB against 7 MB at 100k)
//	created_desc (created_at DESC, id): made by earlier releases for the same
//	             order; kept where it exists, never made again
//	updated      (updated_at, id): sorts and filters on _updated_at
//
// __sys_deleted (deleted_at, id), partial on deleted documents, is made
// with the table: live documents add no entry to it.
const (
	sysCreated     = "created"
	sysCreatedRev  = "created_rev"
	sysCreatedDesc = "created_desc"
	sysUpdated     = "updated"
)

func sysIndexName(coll, kind string) string { return "c_" + coll + "__sys_" + kind }

func sysIndexSQL(coll, kind string) string {
	var cols, where string
	switch kind {
	case sysCreated:
		cols, where = "created_at, id", " WHERE deleted_at IS NULL"
	case sysCreatedRev:
		cols, where = "created_at, id DESC", " WHERE deleted_at IS NULL"
	case sysUpdated:
		cols = "updated_at, id"
	default:
		return ""
	}
	return `CREATE INDEX IF NOT EXISTS "` + sysIndexName(coll, kind) + `" ON ` + tableName(coll) + ` (` + cols + `)` + where
}

// loadSysIndexes reads which system indexes exist, at Open.
func loadSysIndexes(ctx context.Context, db *sql.DB, r *registry) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'c\_%\_\_sys\_%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("sqlitestore: load system indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("sqlitestore: load system indexes: %w", err)
		}
		i := strings.LastIndex(name, "__sys_")
		coll, kind := strings.TrimPrefix(name[:i], "c_"), name[i+len("__sys_"):]
		if ci := r.colls[coll]; ci != nil {
			ci.setSys(kind)
		}
	}
	return rows.Err()
}

// setSys notes that kind exists; callers hold mu or own the registry.
func (ci *collInfo) setSys(kind string) {
	if ci.sys == nil {
		ci.sys = map[string]bool{}
	}
	ci.sys[kind] = true
}

// sysServes reports whether an existing system index of coll serves
// field in the given direction (filters use either direction).
func (r *registry) sysServes(coll, field string, desc bool) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	if ci == nil {
		return false
	}
	switch field {
	case store.FieldCreatedAt:
		if desc {
			return ci.sys[sysCreatedRev] || ci.sys[sysCreatedDesc]
		}
		return ci.sys[sysCreated]
	case store.FieldUpdatedAt:
		return ci.sys[sysUpdated]
	}
	return true
}

// sysKindFor is the index kind a query on field in that direction wants.
func sysKindFor(field string, desc bool) string {
	switch field {
	case store.FieldCreatedAt:
		if desc {
			return sysCreatedRev
		}
		return sysCreated
	case store.FieldUpdatedAt:
		return sysUpdated
	}
	return ""
}

// wantSysOrder asks for the index serving a page's first sort key when it
// is _created_at or _updated_at and the page does not run the rowid plan,
// unless a declared index leads with a field the filter names: SQLite
// then finds the rows through that index (such as the engine's
// (stage, _created_at) index of an indexed field) and would not read the
// system one.
func (s *Store) wantSysOrder(coll string, f *store.Filter, sort []store.SortKey, declared map[string]store.Index) {
	if len(sort) == 0 {
		return
	}
	for _, ix := range declared {
		lead := ix.Fields[0].Field
		if filterTouches(f, func(p string) bool { return p == lead }) {
			return
		}
	}
	if s.reg.sysServes(coll, sort[0].Field, sort[0].Desc) {
		return
	}
	s.wantSys(coll, sysKindFor(sort[0].Field, sort[0].Desc))
}

// wantSysFilter asks for the indexes of _created_at and _updated_at
// conditions of f.
func (s *Store) wantSysFilter(coll string, f *store.Filter) {
	if f == nil {
		return
	}
	for _, field := range []string{store.FieldCreatedAt, store.FieldUpdatedAt} {
		if !filterTouches(f, func(p string) bool { return p == field }) {
			continue
		}
		if s.reg.sysServes(coll, field, false) || (field == store.FieldCreatedAt && s.reg.sysServes(coll, field, true)) {
			continue
		}
		s.wantSys(coll, sysKindFor(field, false))
	}
}

// wantSys notes kind for coll and wakes the writer, which builds it after
// its next transaction; this query does not wait.
func (s *Store) wantSys(coll, kind string) {
	if kind == "" || !s.reg.noteSys(coll, kind) {
		return
	}
	go func() {
		_ = s.submit(context.Background(), &job{exclusive: true, apply: func(*wtx) error { return nil }})
	}()
}

// noteSys records a wanted index; it reports whether it was new.
func (r *registry) noteSys(coll, kind string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	ci := r.colls[coll]
	if ci == nil || !ci.live || ci.sys[kind] || ci.sysWant[kind] {
		return false
	}
	if ci.sysWant == nil {
		ci.sysWant = map[string]bool{}
	}
	ci.sysWant[kind] = true
	r.anySysWant = true
	return true
}

// takeSysWants removes and returns the wanted indexes by collection.
func (r *registry) takeSysWants() map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.anySysWant {
		return nil
	}
	out := map[string][]string{}
	for name, ci := range r.colls {
		for kind := range ci.sysWant {
			out[name] = append(out[name], kind)
		}
		ci.sysWant = nil
	}
	r.anySysWant = false
	return out
}

// addWantedSysIndexes builds the system indexes and adaptive indexes
// (adaptive_indexes.go) queries asked for, one transaction each. A failure is logged; the query that wants it again
// asks again.
func (w *writer) addWantedSysIndexes() {
	for coll, kinds := range w.s.reg.takeSysWants() {
		for _, kind := range kinds {
			if !w.s.reg.exists(coll) {
				continue
			}
			if strings.HasPrefix(kind, axWantPrefix) {
				w.addAdaptiveIndex(coll, kind)
				continue
			}
			if err := w.conn.execScript(sysIndexSQL(coll, kind)); err != nil {
				w.s.log.Warn("sqlitestore: system index not made", "collection", coll, "index", kind, "err", err)
				continue
			}
			w.s.reg.mu.Lock()
			if ci := w.s.reg.colls[coll]; ci != nil {
				ci.setSys(kind)
			}
			w.s.reg.mu.Unlock()
		}
	}
}
