package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// maxCompileAttempts bounds the re-runs of a query whose array registry
// changed meanwhile; the last attempt treats every path as a possible array.
const maxCompileAttempts = 3

// Get returns one document, deleted or not.
func (s *Store) Get(ctx context.Context, coll, id string) (store.Document, error) {
	if s.closed.Load() {
		return store.Document{}, store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return store.Document{}, err
	}
	if err := store.ValidateID(id); err != nil {
		return store.Document{}, err
	}
	if !s.reg.exists(coll) {
		return store.Document{}, fmt.Errorf("%w: %s/%s", store.ErrNotFound, coll, id)
	}
	st, release, err := s.readStmt(ctx, `SELECT `+docColumns+` FROM `+tableName(coll)+` WHERE id = ?`)
	if err != nil {
		return store.Document{}, s.missingTable(ctx, err, coll, id)
	}
	defer release()
	d, err := scanDoc(st.QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Document{}, fmt.Errorf("%w: %s/%s", store.ErrNotFound, coll, id)
	}
	if err != nil {
		return store.Document{}, s.missingTable(ctx, err, coll, id)
	}
	return d, nil
}

func (s *Store) missingTable(ctx context.Context, err error, coll, id string) error {
	if isNoTable(err) {
		return fmt.Errorf("%w: %s/%s", store.ErrNotFound, coll, id)
	}
	return s.readErr(ctx, err)
}

// readStmt returns a cached statement of the read pool.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, func(), error) {
	st, owned, err := s.reads.get(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	if owned {
		return st, func() { st.Close() }, nil
	}
	return st, func() {}, nil
}

// deletedClause selects by recycle-bin state. Declared indexes are partial
// on "deleted_at IS NULL", which the default selection repeats verbatim.
func deletedClause(d store.Deleted) string {
	switch d {
	case store.OnlyDeleted:
		return "deleted_at IS NOT NULL"
	case store.IncludeDeleted:
		return "1"
	}
	return "deleted_at IS NULL"
}

// readQuery compiles a query with build and runs it with run, re-running
// when an array path appeared while it ran (see registry.gen). f and sort
// are the query's filter and order, which decide where value columns
// replace index expressions (registry.columnTester).
func (s *Store) readQuery(ctx context.Context, coll string, f *store.Filter, sort []store.SortKey, build func(c *compiler) (string, error), run func(query string, args []any) error) error {
	noAx := false
	for attempt := 1; ; attempt++ {
		gen := s.reg.gen.Load()
		c := newCompiler(s.reg.kindTester(coll, attempt == maxCompileAttempts))
		c.noAx = noAx
		var want *[]string
		c.column, want = s.reg.columnTester(coll, attempt == maxCompileAttempts, f, sort)
		query, err := build(c)
		if err != nil {
			return err
		}
		s.wantColumns(coll, *want)
		s.wantSysFilter(coll, f)
		if err := run(query, c.args); err != nil {
			if isNoTable(err) {
				return errNoTable
			}
			if c.indexedBy != "" && !noAx && strings.Contains(err.Error(), "no query solution") {
				// SQLite found no plan through the named adaptive index
				// (a filter it simplified away): the same query without.
				s.log.Warn("sqlitestore: adaptive index not usable", "collection", coll, "index", c.indexedBy)
				noAx = true
				attempt--
				continue
			}
			return s.readErr(ctx, err)
		}
		if s.reg.gen.Load() == gen || attempt == maxCompileAttempts {
			return nil
		}
	}
}

// errNoTable tells callers the collection vanished: empty results.
var errNoTable = errors.New("sqlitestore: no such collection")

// Find returns one page of documents.
func (s *Store) Find(ctx context.Context, coll string, q store.Query) (store.Page, error) {
	if s.closed.Load() {
		return store.Page{}, store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return store.Page{}, err
	}
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return store.Page{}, err
	}
	var cur *store.Cursor
	if q.After != "" {
		c, err := store.DecodeCursor(q.Sort, q.After)
		if err != nil {
			return store.Page{}, err
		}
		cur = &c
	}
	if !s.reg.exists(coll) {
		return store.Page{Docs: []store.Document{}}, nil
	}
	var page store.Page
	declared := s.reg.declared(coll)
	scan := tableScanBetter(q, declared)
	ridFits := ridPlanFits(q, declared) || (q.Filter == nil && ridUnfilteredFits(q) && !s.reg.sysServes(coll, store.FieldCreatedAt, q.Sort[0].Desc))
	var rid bool
	var slack time.Duration
	// A filtered rowid-order page of a large table first scans a window of
	// the newest (oldest) rows; if that does not complete the page, it
	// searches an adaptive index, or scans the whole table (rid_order.go,
	// adaptive_indexes.go).
	var ph ridPhase
	if ridFits && q.Filter != nil {
		w, err := s.ridWindow(ctx, coll, q.Sort[0].Desc)
		if err != nil {
			return store.Page{}, err
		}
		ph.lo, ph.hi = w.lo, w.hi
	}
	find := func() error {
		return s.readQuery(ctx, coll, q.Filter, q.Sort, func(c *compiler) (string, error) {
			// Decided per attempt: a write may have changed the order meanwhile.
			var ordered bool
			ordered, slack = s.reg.ridOrdered(coll)
			rid = ridFits && ordered
			if rid {
				if q.Filter == nil {
					// A list without a filter (a record list's first page)
					// reads the rows of the slack window with their
					// documents; the index reads 21 entries. Lists ask for
					// it; history-like collections never are listed so.
					s.wantSysOrder(coll, q.Filter, q.Sort, declared)
				}
				if ph.searching {
					ph.ax = s.axPick(c, coll, pageShape(q, nil), q.Deleted)
				}
				return buildRidFind(c, coll, q, cur, &ph)
			}
			c.tableScan = scan
			if scan {
				c.indexedBy = s.axPick(c, coll, pageShape(q, plainOrder(q.Sort)), q.Deleted)
			}
			s.wantSysOrder(coll, q.Filter, q.Sort, declared)
			return buildFind(c, coll, q, cur)
		}, func(query string, args []any) error {
			var p store.Page
			var err error
			if rid {
				p, err = s.runRidFind(ctx, query, args, q, slack, ph)
			} else {
				p, err = s.runFind(ctx, query, args, q)
			}
			page = p
			return err
		})
	}
	err = find()
	if errors.Is(err, errRidIncomplete) && ph.windowed() {
		// The window did not complete the page: search, or scan it all.
		ph = ridPhase{searching: true}
		err = find()
	}
	if errors.Is(err, errRidTooMany) {
		// A huge group of equal _created_at: the index plan orders it.
		ridFits = false
		err = s.readQuery(ctx, coll, q.Filter, q.Sort, func(c *compiler) (string, error) {
			rid = false
			c.tableScan = scan
			s.wantSysOrder(coll, q.Filter, q.Sort, declared)
			return buildFind(c, coll, q, cur)
		}, func(query string, args []any) error {
			p, err := s.runFind(ctx, query, args, q)
			page = p
			return err
		})
	}
	if errors.Is(err, errNoTable) {
		return store.Page{Docs: []store.Document{}}, nil
	}
	return page, err
}

// pageShape is the adaptive-index shape of a page with the given order
// paths; empty if the filter names a system field.
func pageShape(q store.Query, order []string) axShape {
	eq, rest, ok := filterShape(q.Filter)
	if !ok {
		return axShape{}
	}
	return axShape{eq: eq, order: order, rest: rest}
}

func buildFind(c *compiler, coll string, q store.Query, cur *store.Cursor) (string, error) {
	where, err := c.where(q.Filter)
	if err != nil {
		return "", err
	}
	exprs := make([]string, len(q.Sort))
	for i, k := range q.Sort {
		e, err := c.sortExpr(k.Field)
		if err != nil {
			return "", &store.FilterError{Path: fmt.Sprintf("sort[%d]", i), Reason: err.Error()}
		}
		exprs[i] = e
	}
	var b strings.Builder
	b.WriteString("SELECT " + docColumns)
	for _, e := range exprs {
		b.WriteString(", " + e)
	}
	b.WriteString(c.from(coll))
	b.WriteString(" WHERE " + deletedClause(q.Deleted))
	if where != "1" {
		b.WriteString(" AND " + where)
	}
	if cur != nil {
		b.WriteString(" AND " + cursorClause(c, q.Sort, exprs, cur))
	}
	b.WriteString(" ORDER BY ")
	for i, e := range exprs {
		b.WriteString(e)
		if q.Sort[i].Desc {
			b.WriteString(" DESC")
		}
		b.WriteString(", ")
	}
	b.WriteString("id LIMIT " + c.bind(int64(q.Limit+1)))
	if q.Offset > 0 {
		b.WriteString(" OFFSET " + c.bind(int64(q.Offset)))
	}
	return b.String(), nil
}

// cursorClause selects the rows after cur in the order of keys then id.
// Missing values (NULL) sort first ascending and last descending, which is
// SQLite's own NULL order.
func cursorClause(c *compiler, keys []store.SortKey, exprs []string, cur *store.Cursor) string {
	var ors []string
	var eqs []string
	for i, e := range exprs {
		v := cur.Values[i]
		var after string
		switch {
		case v == nil && !keys[i].Desc:
			after = e + " IS NOT NULL"
		case v == nil:
			after = "0"
		case !keys[i].Desc:
			after = e + " > " + c.bind(v)
		default:
			after = "(" + e + " < " + c.bind(v) + " OR " + e + " IS NULL)"
		}
		ors = append(ors, "("+strings.Join(append(append([]string{}, eqs...), after), " AND ")+")")
		if v == nil {
			eqs = append(eqs, e+" IS NULL")
		} else {
			eqs = append(eqs, e+" = "+c.bind(v))
		}
	}
	ors = append(ors, "("+strings.Join(append(eqs, "id > "+c.bind(cur.ID)), " AND ")+")")
	return "(" + strings.Join(ors, " OR ") + ")"
}

func (s *Store) runFind(ctx context.Context, query string, args []any, q store.Query) (store.Page, error) {
	st, release, err := s.readStmt(ctx, query)
	if err != nil {
		return store.Page{}, err
	}
	defer release()
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return store.Page{}, err
	}
	defer rows.Close()
	docs := make([]store.Document, 0, min(q.Limit, 64))
	var lastVals []any
	for rows.Next() {
		if len(docs) == q.Limit {
			// One row more than the page: there is a next page.
			return store.Page{Docs: docs, NextCursor: store.EncodeCursor(q.Sort, store.Cursor{Values: lastVals, ID: docs[len(docs)-1].ID})}, rows.Err()
		}
		vals := make([]any, len(q.Sort))
		ptrs := make([]any, len(q.Sort))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		d, err := scanDoc(rows, ptrs...)
		if err != nil {
			return store.Page{}, err
		}
		docs = append(docs, d)
		lastVals = cursorValues(vals)
	}
	return store.Page{Docs: docs}, rows.Err()
}

// cursorValues converts scanned sort values to the cursor's JSON model.
func cursorValues(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		switch x := v.(type) {
		case int64:
			out[i] = float64(x)
		case []byte:
			out[i] = string(x)
		default:
			out[i] = x
		}
	}
	return out
}

// Count counts the documents q selects.
func (s *Store) Count(ctx context.Context, coll string, q store.Query) (int64, error) {
	if s.closed.Load() {
		return 0, store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return 0, err
	}
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return 0, err
	}
	if !s.reg.exists(coll) {
		return 0, nil
	}
	var n int64
	scan := countScanBetter(q.Filter, q.Deleted, s.reg.declared(coll))
	err = s.readQuery(ctx, coll, q.Filter, q.Sort, func(c *compiler) (string, error) {
		if scan {
			c.indexedBy = s.axPick(c, coll, pageShape(q, nil), q.Deleted)
		}
		return buildCount(c, coll, q, scan)
	}, func(query string, args []any) error {
		st, release, err := s.readStmt(ctx, query)
		if err != nil {
			return err
		}
		defer release()
		return st.QueryRowContext(ctx, args...).Scan(&n)
	})
	if errors.Is(err, errNoTable) {
		return 0, nil
	}
	return n, err
}

// buildCount compiles a count; with scan it reads the table in rowid order
// (see countScanBetter).
func buildCount(c *compiler, coll string, q store.Query, scan bool) (string, error) {
	where, err := c.where(q.Filter)
	if err != nil {
		return "", err
	}
	c.tableScan = scan
	return "SELECT count(*)" + c.from(coll) + " WHERE " + deletedClause(q.Deleted) + " AND " + where, nil
}
