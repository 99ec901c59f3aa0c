package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// Value columns. Next to the JSONB document, a collection's table has one
// plain column per field path that queries filter or sort on without an
// index (such as fields.region), up to maxValueColumns per collection. A
// column holds, in every row, the value json_extract would return at its
// path when that value is a string or a number, and NULL otherwise. The
// filter compiler reads the column instead of calling json_extract on the
// JSONB for paths that never held an array, object or boolean (plain
// paths, see registry) and that no index the query may use covers (those
// keep the expression the index is built on): reading a column costs about
// a third of json_extract per row (docs/performance.md). JSON stays the
// document; columns are a derived copy, so reads of documents, array and
// nested paths, aggregates and Distinct are unchanged.
//
// A query that reads a plain path through json_extract asks for its column
// (Store.wantColumns); the writer adds columns in a transaction of their
// own, between batches: ALTER TABLE ADD COLUMN (no table rewrite) and one
// UPDATE filling the new columns of the rows that hold a value there. The
// columns become visible to readers and writers only after that commits,
// and every later insert and update writes them, so a column never
// disagrees with its document. Writes pay only for columns that queries
// use; the first query on a new path runs on JSON and its followers on
// the column.
const maxValueColumns = 40

// columnValue is the column value of path in data: the string or number
// there, or nil.
func columnValue(data map[string]any, path string) any {
	var cur any = data
	for seg := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[seg]
	}
	switch x := cur.(type) {
	case string, float64:
		return x
	}
	return nil
}

// valueCols is the immutable set of a collection's active value columns.
type valueCols struct {
	// paths in column order and their column names.
	paths, names []string
	// byPath maps a path to its column.
	byPath map[string]string
	// insertSQL inserts a document with its columns; updateSet is the
	// ", k1 = ?, ..." part of an update.
	insertSQL, updateSet string
}

// columns returns coll's active value columns (nil if none).
func (r *registry) columns(coll string) *valueCols {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if ci := r.colls[coll]; ci != nil {
		return ci.cols
	}
	return nil
}

// columnTester returns the column the compiler may read for a path of coll
// in a query with filter f and order sort, or "" (always "" with none, the
// conservative last attempt). Paths of a declared index that the query may
// use (its first field is filtered on or is the first sort key) keep the
// index's json_extract expression, so SQLite can still search and order
// by that index.
//
// The compiler asks only about plain paths; the ones without a column yet
// are appended to *want, so the query that needed them asks the writer for
// their columns (Store.wantColumns).
func (r *registry) columnTester(coll string, none bool, f *store.Filter, sort []store.SortKey) (test func(path string) string, want *[]string) {
	want = new([]string)
	r.mu.RLock()
	var vc *valueCols
	var indexes map[string]store.Index
	if ci := r.colls[coll]; ci != nil {
		// setIndexes replaces the map, never changes it.
		vc, indexes = ci.cols, ci.indexes
	}
	r.mu.RUnlock()
	if none {
		return func(string) string { return "" }, want
	}
	covered := map[string]bool{}
	for _, ix := range indexes {
		lead := ix.Fields[0].Field
		if (len(sort) > 0 && sort[0].Field == lead) || filterTouches(f, func(p string) bool { return p == lead }) {
			for _, k := range ix.Fields {
				covered[k.Field] = true
			}
		}
	}
	return func(path string) string {
		if covered[path] {
			return ""
		}
		if vc != nil {
			if col := vc.byPath[path]; col != "" {
				return col
			}
		}
		*want = append(*want, path)
		return ""
	}, want
}

// wantColumns asks for value columns for paths of coll that a query read
// with json_extract: noted, and added by the writer after a no-op
// exclusive job, in the background, so this query does not wait.
func (s *Store) wantColumns(coll string, paths []string) {
	if len(paths) == 0 || !s.reg.noteScalars(coll, paths) {
		return
	}
	go func() {
		// ErrClosed or a cancelled context only means the columns wait
		// for the next batch or the next Open.
		_ = s.submit(context.Background(), &job{exclusive: true, apply: func(*wtx) error { return nil }})
	}()
}

// noteScalars records paths of coll that deserve a column; the writer adds
// them after its next transaction (addPendingColumns). It reports whether
// a path became pending.
func (r *registry) noteScalars(coll string, paths []string) bool {
	r.mu.RLock()
	ci := r.colls[coll]
	fresh := false
	if ci != nil {
		for _, p := range paths {
			if !ci.colSeen[p] {
				fresh = true
				break
			}
		}
	}
	r.mu.RUnlock()
	if ci == nil || !fresh {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	added := false
	for _, p := range paths {
		if ci.colSeen[p] {
			continue
		}
		ci.colSeen[p] = true
		if ci.colCount < maxValueColumns {
			ci.colCount++
			ci.colPending = append(ci.colPending, p)
			r.anyPending = true
			added = true
		}
	}
	return added
}

// takePending removes and returns the paths waiting for a column, by collection.
func (r *registry) takePending() map[string][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.anyPending {
		return nil
	}
	out := map[string][]string{}
	for name, ci := range r.colls {
		if len(ci.colPending) > 0 {
			out[name] = ci.colPending
			ci.colPending = nil
		}
	}
	r.anyPending = false
	return out
}

// activate makes committed columns of coll visible.
func (r *registry) activate(coll string, paths, names []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ci := r.colls[coll]
	if ci == nil {
		return
	}
	ci.setCols(coll, append(ci.colPaths(), paths...), append(ci.colNames(), names...))
}

func (ci *collInfo) colPaths() []string {
	if ci.cols == nil {
		return nil
	}
	return append([]string(nil), ci.cols.paths...)
}

func (ci *collInfo) colNames() []string {
	if ci.cols == nil {
		return nil
	}
	return append([]string(nil), ci.cols.names...)
}

// setCols installs the columns; callers hold mu or own the registry.
func (ci *collInfo) setCols(coll string, paths, names []string) {
	vc := &valueCols{paths: paths, names: names, byPath: map[string]string{}}
	var sets strings.Builder
	for _, n := range names {
		sets.WriteString(", " + n + " = ?")
	}
	vc.insertSQL = ci.layoutInfo().insertSQL(coll, names)
	vc.updateSet = sets.String()
	for i, p := range paths {
		vc.byPath[p] = names[i]
		ci.colSeen[p] = true
	}
	ci.colCount = max(ci.colCount, len(paths))
	ci.cols = vc
}

// loadColumns reads the value columns of every collection at Open.
func loadColumns(ctx context.Context, db *sql.DB, r *registry) error {
	rows, err := db.QueryContext(ctx, `SELECT coll, path, col FROM path_columns ORDER BY coll, CAST(substr(col, 2) AS INTEGER)`)
	if err != nil {
		return fmt.Errorf("sqlitestore: load value columns: %w", err)
	}
	defer rows.Close()
	type cols struct{ paths, names []string }
	by := map[string]*cols{}
	for rows.Next() {
		var coll, path, col string
		if err := rows.Scan(&coll, &path, &col); err != nil {
			return fmt.Errorf("sqlitestore: load value columns: %w", err)
		}
		if by[coll] == nil {
			by[coll] = &cols{}
		}
		by[coll].paths = append(by[coll].paths, path)
		by[coll].names = append(by[coll].names, col)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlitestore: load value columns: %w", err)
	}
	for coll, c := range by {
		r.info(coll).setCols(coll, c.paths, c.names)
	}
	return nil
}

// addPendingColumns gives the paths noted by the last batch their columns,
// one transaction per collection. A failure is logged and leaves the paths
// without a column (reads use json_extract), never a half-filled column.
func (w *writer) addPendingColumns() {
	for coll, paths := range w.s.reg.takePending() {
		if !w.s.reg.exists(coll) {
			continue
		}
		names, err := w.addColumns(coll, paths)
		if err != nil {
			if _, rerr := w.conn.exec("ROLLBACK"); rerr != nil {
				w.s.log.Error("sqlitestore: rollback failed", "err", rerr)
			}
			w.s.log.Warn("sqlitestore: value columns not added", "collection", coll, "err", err)
			continue
		}
		// The backfill rewrote the rows into the WAL: until the WAL is
		// reset, readers would read them through their page caches
		// (anonymous memory, 32 MiB each) instead of the memory-mapped
		// file, and the WAL file would keep their size on disk. Copy them
		// back and empty the WAL now (it waits for running reads).
		if err := w.conn.execScript(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			w.s.log.Warn("sqlitestore: checkpoint after value columns", "collection", coll, "err", err)
		}
		w.s.reg.activate(coll, paths, names)
	}
}

func (w *writer) addColumns(coll string, paths []string) ([]string, error) {
	t := tableName(coll)
	if _, err := w.conn.exec("BEGIN IMMEDIATE"); err != nil {
		return nil, err
	}
	var next int
	if err := w.conn.row(`SELECT coalesce(max(CAST(substr(col, 2) AS INTEGER)), 0) FROM path_columns WHERE coll = ?`, coll).Scan(&next); err != nil {
		return nil, err
	}
	names := make([]string, len(paths))
	sets := make([]string, len(paths))
	conds := make([]string, len(paths))
	for i, p := range paths {
		segs, err := store.SplitPath(p)
		if err != nil {
			return nil, err
		}
		lit, err := jsonPathLiteral(segs)
		if err != nil {
			return nil, err
		}
		names[i] = "k" + strconv.Itoa(next+1+i)
		if err := w.conn.execScript(`ALTER TABLE ` + t + ` ADD COLUMN ` + names[i]); err != nil {
			return nil, err
		}
		if _, err := w.conn.exec(`INSERT INTO path_columns (coll, path, col) VALUES (?, ?, ?)`, coll, p, names[i]); err != nil {
			return nil, err
		}
		scalar := "json_type(data," + lit + ") IN ('text', 'integer', 'real')"
		sets[i] = names[i] + " = CASE WHEN " + scalar + " THEN json_extract(data," + lit + ") END"
		conds[i] = scalar
	}
	if err := w.conn.execScript(`UPDATE ` + t + ` SET ` + strings.Join(sets, ", ") + ` WHERE ` + strings.Join(conds, " OR ")); err != nil {
		return nil, err
	}
	if _, err := w.conn.exec("COMMIT"); err != nil {
		return nil, err
	}
	return names, nil
}
