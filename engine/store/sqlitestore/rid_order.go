package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// Rowid order. Rows get increasing rowids as they are inserted, and
// documents are inserted with the unit's time as _created_at, so in
// practice a table's rowid order is its _created_at order. Where that holds
// (no row has a _created_at below one inserted before it), a page in the
// engine's default order (_created_at descending, then _id) can scan the
// table backwards in rowid order and stop after its page, instead of
// walking __sys_created_desc and fetching every row by rowid, which costs
// seven times as much per row (docs/performance.md). The collections table
// keeps the answer per collection in rid_order; the writer clears it,
// before the row commits, when an insert would break it.
const (
	// ridUnknown: a collection of a database made before rid_order; Open
	// checks it.
	ridUnknown uint8 = iota
	// ridOrdered: rowid order is _created_at order (ties are contiguous).
	ridOrdered
	// ridUnordered: some row breaks it; pages use indexes as before.
	ridUnordered
)

// checkRidOrder decides rid_order for every collection that has not been
// checked yet (databases written before schema version 2): one scan of the
// table in rowid order per collection, once.
func checkRidOrder(ctx context.Context, db *sql.DB, r *registry) error {
	r.mu.RLock()
	var colls []string
	for name, ci := range r.colls {
		if ci.live && ci.ridOrder == ridUnknown {
			colls = append(colls, name)
		}
	}
	r.mu.RUnlock()
	for _, coll := range colls {
		var broken bool
		err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM (SELECT created_at < lag(created_at) OVER (ORDER BY rid) AS bad FROM `+
			tableName(coll)+`) WHERE bad)`).Scan(&broken)
		if err != nil {
			return fmt.Errorf("sqlitestore: check row order of %s: %w", coll, err)
		}
		order := ridOrdered
		if broken {
			order = ridUnordered
		}
		if _, err := db.ExecContext(ctx, `UPDATE collections SET rid_order = ? WHERE name = ?`, order, coll); err != nil {
			return fmt.Errorf("sqlitestore: record row order of %s: %w", coll, err)
		}
		r.mu.Lock()
		r.info(coll).ridOrder = order
		r.mu.Unlock()
	}
	return nil
}

// newTable notes that the writer created coll's table (empty, so ordered).
func (r *registry) newTable(coll string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ci := r.info(coll)
	if ci.ridOrder == ridUnknown {
		ci.ridOrder = ridOrdered
	}
	ci.lastCreated, ci.lastLoaded = "", true
}

// ridOrdered reports whether coll's rowid order is its _created_at order.
func (r *registry) ridOrdered(coll string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	return ci != nil && ci.ridOrder == ridOrdered
}

// noteCreatedAt runs before the insert of a document created at at: when
// at is below the highest _created_at of the table, the table stops being
// in rowid order, in memory (bumping gen, so running reads re-plan) and in
// the same transaction as the insert. On failures it errs towards
// "unordered" or a too high lastCreated, which cost speed, never order.
func (tx *wtx) noteCreatedAt(coll, at string) error {
	r := tx.w.s.reg
	r.mu.RLock()
	ci := r.colls[coll]
	ordered := ci != nil && ci.ridOrder == ridOrdered
	var last string
	var loaded bool
	if ordered {
		last, loaded = ci.lastCreated, ci.lastLoaded
	}
	r.mu.RUnlock()
	if !ordered {
		return nil
	}
	if !loaded {
		err := tx.queryRow(`SELECT created_at FROM `+tableName(coll)+` ORDER BY rid DESC LIMIT 1`, nil, &last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	r.mu.Lock()
	if at >= last {
		ci.lastCreated, ci.lastLoaded = at, true
		r.mu.Unlock()
		return nil
	}
	ci.ridOrder = ridUnordered
	r.mu.Unlock()
	r.gen.Add(1)
	_, err := tx.exec(`UPDATE collections SET rid_order = ? WHERE name = ?`, ridUnordered, coll)
	return err
}

// Limits of a rowid-order page: it holds Offset+Limit+1 rows plus the rest
// of the last row's _created_at group in memory, so deep offsets and huge
// groups of one _created_at (a bulk import in one unit) go back to the
// index plan.
const ridMaxOffset = 10_000

// ridMaxExtra is a variable so that a test can reach it cheaply.
var ridMaxExtra = 5_000

// ridPlanFits reports whether q is a page in _created_at order (either
// direction, then _id) that no index could serve better: its filter has
// conditions and none is on a field an index leads with.
func ridPlanFits(q store.Query, declared map[string]store.Index) bool {
	if len(q.Sort) != 1 || q.Sort[0].Field != store.FieldCreatedAt || q.Filter == nil ||
		q.Deleted == store.OnlyDeleted || q.Offset > ridMaxOffset {
		return false
	}
	return !filterTouches(q.Filter, indexLeads(declared))
}

// buildRidFind compiles the rowid-order scan of a page in _created_at
// order: no LIMIT, runRidFind stops reading.
func buildRidFind(c *compiler, coll string, q store.Query, cur *store.Cursor) (string, error) {
	where, err := c.where(q.Filter)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("SELECT " + docColumns + " FROM " + tableName(coll) + " NOT INDEXED WHERE ")
	if cur != nil {
		b.WriteString(cursorClause(c, q.Sort, []string{"created_at"}, cur) + " AND ")
	}
	b.WriteString(deletedClause(q.Deleted))
	if where != "1" {
		b.WriteString(" AND " + where)
	}
	b.WriteString(" ORDER BY rid")
	if q.Sort[0].Desc {
		b.WriteString(" DESC")
	}
	return b.String(), nil
}

// ridRow is one scanned row of a rowid-order page, decoded only if it
// lands on the page.
type ridRow struct {
	d                store.Document
	created, updated string
	deleted          sql.NullString
	raw              []byte
}

// errRidTooMany tells Find to fall back to the index plan.
var errRidTooMany = errors.New("sqlitestore: rowid-order page needs too many rows")

// runRidFind reads rows in rowid order until it holds the page's rows in
// _created_at order: Offset+Limit+1 rows, then every further row with the
// same _created_at as the last one (ties are ordered by _id and are
// contiguous in rowid order). It sorts them, then cuts the page.
func (s *Store) runRidFind(ctx context.Context, query string, args []any, q store.Query) (store.Page, error) {
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
	need := q.Offset + q.Limit + 1
	var got []ridRow
	for rows.Next() {
		var r ridRow
		if err := rows.Scan(&r.d.ID, &r.d.Version, &r.created, &r.updated, &r.d.CreatedBy, &r.d.UpdatedBy, &r.deleted, &r.raw); err != nil {
			return store.Page{}, err
		}
		if len(got) >= need && r.created != got[need-1].created {
			break
		}
		if len(got) >= need+ridMaxExtra {
			return store.Page{}, errRidTooMany
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, err
	}
	desc := q.Sort[0].Desc
	slices.SortFunc(got, func(a, b ridRow) int {
		if c := strings.Compare(a.created, b.created); c != 0 {
			if desc {
				return -c
			}
			return c
		}
		return strings.Compare(a.d.ID, b.d.ID)
	})
	if q.Offset >= len(got) {
		return store.Page{Docs: []store.Document{}}, nil
	}
	got = got[q.Offset:]
	more := len(got) > q.Limit
	if more {
		got = got[:q.Limit]
	}
	page := store.Page{Docs: make([]store.Document, len(got))}
	for i, r := range got {
		d, err := finishDoc(r.d, r.created, r.updated, r.deleted, r.raw)
		if err != nil {
			return store.Page{}, err
		}
		page.Docs[i] = d
	}
	if more {
		last := got[len(got)-1]
		page.NextCursor = store.EncodeCursor(q.Sort, store.Cursor{Values: []any{last.created}, ID: last.d.ID})
	}
	return page, nil
}
