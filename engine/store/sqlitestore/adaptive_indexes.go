package sqlitestore

import (
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Adaptive indexes. A filter, sort or grouping on fields nobody declared
// indexed reads value columns (value_columns.go) but still scans the whole
// table: at 100k records a count with `region = X and amount > Y` reads
// every row, a board grouped by region sorts 100k keys in a temporary
// B-tree (SQLite has no hash aggregate), and a page sorted by amount sorts
// every match. When such a query keeps coming back, an index on its value
// columns turns it into an index search: the store makes one, between
// writer batches, like value columns and system indexes, for the shape the
// query wants (wantShape):
//
//	the paths of its top-level equality conditions (eq, in), which the
//	index searches; then its order: the sort keys of a sorted page, or the
//	group keys of an aggregate, which the index then yields in order; then
//	the filter's other paths, the metric fields and weights, so the index
//	covers the query and SQLite never reads a row to reject it.
//
// At most axMaxColumns columns, axMaxIndexes indexes per collection (each
// costs one B-tree entry per insert and per update of a document, see
// docs/performance.md, "Adaptive indexes"), and only on tables of at least
// axMinRows rows, where a scan costs enough to matter. A query uses an
// existing adaptive index only if it leads with one of the query's leading
// paths and holds every path the query reads (serves), and then names it
// (INDEXED BY), so SQLite's choice does not depend on statistics it does
// not have. The compiled WHERE is the same with or without the index, so
// an index changes how rows are found, never which.
//
// The index is named c_<coll>__sys_ax_<columns> (for example
// c_r_opp__sys_ax_k1_k2), so the system-index loader finds it at Open and
// the registry keeps it as the system kind "ax_k1_k2"; a wish is the
// pending kind "axp:<path>,<path>", translated to columns when built (the
// columns it needs are added first, in the same pause of the writer). No
// catalog table is involved.
const (
	axMaxColumns = 4
	// axRetryAsks: a wish refused (table too small, a column missing) is
	// not asked for again before this many more queries wanted it.
	axRetryAsks = 1000
)

// axMaxIndexes bounds a collection's adaptive indexes; a variable for
// tests.
var axMaxIndexes = 4

// axTestHook, set by tests only, sees every call of axPick (with "") and
// every index it picks; returning false turns adaptive indexes off for
// that query (no index, no wish).
var axTestHook func(name string) bool

// axMinRows is the smallest table (rowid span) that gets an adaptive
// index; a variable so that tests can build them on small tables.
var axMinRows int64 = 5_000

// axWindow is how many of the newest (or oldest) rows a default-order page
// scans in rowid order before it turns to an adaptive index (runRidFind):
// an unselective filter fills its page from the first rows of the scan,
// which an index search would not beat, while a selective one would scan
// far; the scan gives up after this many rows and the index finds the
// rest. A variable for tests.
var axWindow = 2_000

const axWantPrefix = "axp:"
const axKindPrefix = "ax_"

// axShape is what a query reads, for the choice of an adaptive index.
type axShape struct {
	// eq are the paths of top-level equality conditions.
	eq []string
	// order are the sort keys or group keys served in index order.
	order []string
	// rest are the other paths the query reads.
	rest []string
}

// filterShape splits f's paths into those of its top-level equality
// conditions (eq, in) and the others; nil if a path is a system field.
func filterShape(f *store.Filter) (eq, rest []string, ok bool) {
	ok = true
	var all func(f *store.Filter)
	all = func(f *store.Filter) {
		if f == nil {
			return
		}
		if f.Field != "" {
			if _, _, sys := systemColumn(f.Field); sys {
				ok = false
			}
			rest = append(rest, f.Field)
		}
		for i := range f.And {
			all(&f.And[i])
		}
		for i := range f.Or {
			all(&f.Or[i])
		}
		all(f.Not)
	}
	var top func(f *store.Filter)
	top = func(f *store.Filter) {
		switch {
		case f.And != nil:
			for i := range f.And {
				top(&f.And[i])
			}
		case f.Field != "" && (f.Op == store.OpEq || (f.Op == store.OpIn && !emptyList(f.Value))):
			if _, _, sys := systemColumn(f.Field); sys {
				ok = false
			}
			eq = append(eq, f.Field)
		default:
			all(f)
		}
	}
	if f != nil {
		top(f)
	}
	return eq, rest, ok
}

// emptyList reports an empty list value, which compiles to a constant.
func emptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 0
}

// want is the column order of the index the shape asks for: equality
// paths, order paths, then the rest, each once, at most axMaxColumns.
func (sh axShape) want() []string {
	var out []string
	for _, list := range [][]string{sh.eq, sh.order, sh.rest} {
		for _, p := range list {
			if !slices.Contains(out, p) && len(out) < axMaxColumns {
				out = append(out, p)
			}
		}
	}
	return out
}

// leads are the paths an index serving the shape may start with: an
// equality path, else the first order path, else the first other path.
func (sh axShape) leads() []string {
	switch {
	case len(sh.eq) > 0:
		return sh.eq
	case len(sh.order) > 0:
		return sh.order[:1]
	case len(sh.rest) > 0:
		return sh.rest[:1]
	}
	return nil
}

// axIndex is an existing adaptive index: its system kind and columns.
type axIndex struct {
	kind string
	cols []string
}

func (a axIndex) sqlName(coll string) string { return sysIndexName(coll, a.kind) }

// axIndexes lists coll's adaptive indexes, in name order, and how many
// exist or are wanted.
func (r *registry) axIndexes(coll string) ([]axIndex, int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	if ci == nil {
		return nil, 0
	}
	var out []axIndex
	for kind := range ci.sys {
		if strings.HasPrefix(kind, axKindPrefix) {
			out = append(out, axIndex{kind: kind, cols: strings.Split(kind[len(axKindPrefix):], "_")})
		}
	}
	n := len(out)
	for kind := range ci.sysWant {
		if strings.HasPrefix(kind, axWantPrefix) {
			n++
		}
	}
	slices.SortFunc(out, func(a, b axIndex) int { return strings.Compare(a.kind, b.kind) })
	return out, n
}

// axPick returns the SQL name of the adaptive index a query of shape sh
// should name, or "". Every path must be plain in this compile and read
// from its value column (c.kinds, c.columnOf), which is what the index
// holds. Without a serving index it asks for one (wantAx).
func (s *Store) axPick(c *compiler, coll string, sh axShape, d store.Deleted) string {
	if d != store.ExcludeDeleted || c.column == nil || c.noAx || (axTestHook != nil && !axTestHook("")) {
		return ""
	}
	want := sh.want()
	leads := sh.leads()
	if len(want) == 0 || len(leads) == 0 {
		return ""
	}
	for _, p := range want {
		if c.kinds(p) != 0 {
			return ""
		}
	}
	have, n := s.reg.axIndexes(coll)
	vc := s.reg.columns(coll)
	for _, ix := range have {
		if vc == nil {
			break
		}
		paths := make([]string, len(ix.cols))
		ok := true
		for i, col := range ix.cols {
			j := slices.Index(vc.names, col)
			if j < 0 {
				ok = false
				break
			}
			paths[i] = vc.paths[j]
			ok = ok && c.kinds(paths[i]) == 0 && c.columnOf(paths[i]) == col
		}
		if !ok || !slices.Contains(leads, paths[0]) {
			continue
		}
		covers := true
		for _, p := range want {
			covers = covers && slices.Contains(paths, p)
		}
		if covers {
			if axTestHook != nil && !axTestHook(ix.sqlName(coll)) {
				return ""
			}
			return ix.sqlName(coll)
		}
	}
	if n < axMaxIndexes {
		s.wantAx(coll, want)
	}
	return ""
}

// wantAx asks the writer for an adaptive index on paths, unless the same
// wish was refused less than axRetryAsks queries ago.
func (s *Store) wantAx(coll string, paths []string) {
	kind := axWantPrefix + strings.Join(paths, ",")
	s.reg.mu.Lock()
	ci := s.reg.colls[coll]
	if ci == nil {
		s.reg.mu.Unlock()
		return
	}
	if ci.axRefused == nil {
		ci.axRefused = map[string]int{}
	}
	if left, ok := ci.axRefused[kind]; ok {
		if left > 0 {
			ci.axRefused[kind] = left - 1
			s.reg.mu.Unlock()
			return
		}
		delete(ci.axRefused, kind)
	}
	s.reg.mu.Unlock()
	// The columns first: a wish the writer takes before them would find
	// them missing (addAdaptiveIndex keeps it for the next pause if they
	// are pending).
	var missing []string
	vc := s.reg.columns(coll)
	for _, p := range paths {
		if vc == nil || vc.byPath[p] == "" {
			missing = append(missing, p)
		}
	}
	s.wantColumns(coll, missing)
	s.wantSys(coll, kind)
}

// laterAx keeps a wish for the next pause of the writer when the column of
// path is still pending, and refuses it otherwise.
func (r *registry) laterAx(coll, kind, path string) {
	r.mu.Lock()
	ci := r.colls[coll]
	pending := ci != nil && slices.Contains(ci.colPending, path)
	if pending {
		if ci.sysWant == nil {
			ci.sysWant = map[string]bool{}
		}
		ci.sysWant[kind] = true
		r.anySysWant = true
	}
	r.mu.Unlock()
	if !pending {
		r.refuseAx(coll, kind)
	}
}

// refuseAx notes that a wish was not built.
func (r *registry) refuseAx(coll, kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ci := r.colls[coll]; ci != nil {
		if ci.axRefused == nil {
			ci.axRefused = map[string]int{}
		}
		ci.axRefused[kind] = axRetryAsks
	}
}

// addAdaptiveIndex builds the index a wish names, on the value columns of
// its paths, on a table of at least axMinRows rows; otherwise the wish is
// refused for a while.
func (w *writer) addAdaptiveIndex(coll, kind string) {
	paths := strings.Split(kind[len(axWantPrefix):], ",")
	vc := w.s.reg.columns(coll)
	cols := make([]string, len(paths))
	for i, p := range paths {
		if vc != nil {
			cols[i] = vc.byPath[p]
		}
		if cols[i] == "" {
			// A column asked for after this pause took the pending ones
			// comes with the next pause: so does the index.
			w.s.reg.laterAx(coll, kind, p)
			return
		}
	}
	ix := axIndex{kind: axKindPrefix + strings.Join(cols, "_"), cols: cols}
	w.s.reg.mu.RLock()
	made := w.s.reg.colls[coll] != nil && w.s.reg.colls[coll].sys[ix.kind]
	w.s.reg.mu.RUnlock()
	if made {
		return
	}
	var span int64
	if err := w.conn.row(`SELECT coalesce((SELECT max(rid) FROM ` + tableName(coll) + `) - (SELECT min(rid) FROM ` + tableName(coll) + `) + 1, 0)`).Scan(&span); err != nil || span < axMinRows {
		w.s.reg.refuseAx(coll, kind)
		return
	}
	start := time.Now()
	ddl := `CREATE INDEX IF NOT EXISTS "` + ix.sqlName(coll) + `" ON ` + tableName(coll) + ` (` + strings.Join(cols, ", ") + `) WHERE deleted_at IS NULL`
	if err := w.conn.execScript(ddl); err != nil {
		w.s.log.Warn("sqlitestore: adaptive index not made", "collection", coll, "paths", paths, "err", err)
		w.s.reg.refuseAx(coll, kind)
		return
	}
	// As after a value-column backfill: empty the WAL so readers read the
	// new pages through the mapped file, not their page caches.
	if err := w.conn.execScript(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		w.s.log.Warn("sqlitestore: checkpoint after adaptive index", "collection", coll, "err", err)
	}
	w.s.log.Info("sqlitestore: adaptive index made", "collection", coll, "paths", paths, "columns", cols, "rows", span, "took", time.Since(start))
	w.s.reg.mu.Lock()
	if ci := w.s.reg.colls[coll]; ci != nil {
		ci.setSys(ix.kind)
	}
	w.s.reg.mu.Unlock()
}

// plainOrder returns the leading sort keys that are plain paths (not
// system fields), which an adaptive index can yield in order when they all
// go the same way (SQLite reads an index backwards for descending keys).
func plainOrder(sort []store.SortKey) []string {
	var out []string
	for i, k := range sort {
		if _, _, sys := systemColumn(k.Field); sys || (i > 0 && k.Desc != sort[0].Desc) {
			break
		}
		out = append(out, k.Field)
	}
	return out
}
