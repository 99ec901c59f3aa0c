package sqlitestore

import (
	"container/heap"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Rowid order. Rows get increasing rowids as they are inserted, and a
// document's _created_at is its unit's time, taken by the engine when the
// write starts, so a table's rowid order is its _created_at order up to a
// small slack: concurrent writers reach the single writer a few
// milliseconds out of order. The store tracks, per collection, the largest
// lag seen, the slack: no document's _created_at is more than slack below
// that of any document inserted before it. A page in _created_at order
// (the engine's default order is newest first) can then scan the table in
// rowid order and stop once no unread row can enter the page (see
// runRidFind), instead of walking __sys_created_desc and fetching every
// row by rowid, which costs several times as much per row
// (docs/performance.md). The collections table keeps rid_order and
// rid_slack; the writer raises the slack, or gives the order up when a lag
// exceeds ridMaxSlack, in memory before the insert commits and in the same
// transaction.
const (
	// ridUnknown: a collection of a database made before rid_order; Open
	// checks it.
	ridUnknown uint8 = iota
	// ridOrdered: rowid order is _created_at order within ridSlack.
	ridOrdered
	// ridUnordered: some row lags too far; pages use indexes as before.
	ridUnordered
)

// ridMaxSlack is the largest slack kept: a page reads the rows of up to
// that much time beyond its last row.
const ridMaxSlack = 10 * time.Second

// checkRidOrder decides rid_order and rid_slack for every collection that
// has not been checked yet (databases written before schema version 3):
// one read of _created_at in rowid order per collection, once.
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
		order, slack, err := measureRidOrder(ctx, db, coll)
		if err != nil {
			return fmt.Errorf("sqlitestore: check row order of %s: %w", coll, err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE collections SET rid_order = ?, rid_slack = ? WHERE name = ?`, order, slack.Microseconds(), coll); err != nil {
			return fmt.Errorf("sqlitestore: record row order of %s: %w", coll, err)
		}
		r.mu.Lock()
		ci := r.info(coll)
		ci.ridOrder, ci.ridSlack = order, slack
		r.mu.Unlock()
	}
	return nil
}

func measureRidOrder(ctx context.Context, db *sql.DB, coll string) (uint8, time.Duration, error) {
	rows, err := db.QueryContext(ctx, `SELECT created_at FROM `+tableName(coll)+` ORDER BY rid`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	var top time.Time
	var slack time.Duration
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return 0, 0, err
		}
		t, err := parseStoredTime(s)
		if err != nil {
			return 0, 0, err
		}
		if t.After(top) {
			top = t
		} else if lag := top.Sub(t); lag > slack {
			slack = lag
			if slack > ridMaxSlack {
				return ridUnordered, 0, nil
			}
		}
	}
	return ridOrdered, slack, rows.Err()
}

// newTable notes that the writer created coll's table (empty, so ordered).
func (r *registry) newTable(coll string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ci := r.info(coll)
	if ci.ridOrder == ridUnknown {
		ci.ridOrder = ridOrdered
	}
	ci.layout = layoutCompact
	ci.lastCreated, ci.lastLoaded = "", true
}

// ridOrdered reports whether coll's rowid order is its _created_at order,
// and within which slack.
func (r *registry) ridOrdered(coll string) (bool, time.Duration) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ci := r.colls[coll]
	if ci == nil || ci.ridOrder != ridOrdered {
		return false, 0
	}
	return true, ci.ridSlack
}

// noteCreatedAt runs before the insert of a document created at at. A
// document dated below the highest _created_at of the table raises the
// slack to its lag, or, past ridMaxSlack, ends the rowid order: in memory
// first (bumping gen, so reads running meanwhile re-plan), then in the
// transaction of the insert. On failures it errs towards a larger slack,
// "unordered" or a too high lastCreated, which cost speed, never order.
func (tx *wtx) noteCreatedAt(coll, at string) error {
	r := tx.w.s.reg
	r.mu.RLock()
	ci := r.colls[coll]
	ordered := ci != nil && ci.ridOrder == ridOrdered
	var last string
	var loaded bool
	var slack time.Duration
	if ordered {
		last, loaded, slack = ci.lastCreated, ci.lastLoaded, ci.ridSlack
	}
	r.mu.RUnlock()
	if !ordered {
		return nil
	}
	if !loaded {
		t := tableName(coll)
		err := tx.queryRow(`SELECT coalesce(max(created_at), '') FROM (SELECT max(created_at) AS created_at FROM `+t+
			` WHERE deleted_at IS NULL UNION ALL SELECT max(created_at) FROM `+t+` WHERE deleted_at IS NOT NULL)`, nil, &last)
		if err != nil {
			return err
		}
	}
	if at >= last {
		r.mu.Lock()
		ci.lastCreated, ci.lastLoaded = at, true
		r.mu.Unlock()
		return nil
	}
	r.mu.Lock()
	ci.lastCreated, ci.lastLoaded = last, true
	r.mu.Unlock()
	lt, err1 := parseStoredTime(last)
	atT, err2 := parseStoredTime(at)
	lag := lt.Sub(atT)
	if lag <= slack {
		return nil
	}
	order := ridOrdered
	if err1 != nil || err2 != nil || lag > ridMaxSlack {
		order, lag = ridUnordered, 0
	}
	r.mu.Lock()
	ci.ridOrder, ci.ridSlack = order, lag
	r.mu.Unlock()
	r.gen.Add(1)
	_, err := tx.exec(`UPDATE collections SET rid_order = ?, rid_slack = ? WHERE name = ?`, order, lag.Microseconds(), coll)
	return err
}

// Limits of a rowid-order page: it keeps at most Offset+Limit+1 rows in
// memory, so deep offsets go back to the index plan, and so does a page
// that reads ridMaxExtra rows beyond those without completing (a huge
// group of one _created_at, such as a bulk unit, or a large slack), which
// the index plan orders without reading them all.
const ridMaxOffset = 10_000

// ridMaxExtra is a variable so that a test can reach it cheaply.
var ridMaxExtra = 20_000

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

// ridUnfilteredFits reports whether q, without a filter, is a page the
// rowid plan can serve; Find uses it when no index serves its order.
func ridUnfilteredFits(q store.Query) bool {
	return len(q.Sort) == 1 && q.Sort[0].Field == store.FieldCreatedAt && q.Filter == nil &&
		q.Deleted != store.OnlyDeleted && q.Offset <= ridMaxOffset
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

// runRidFind reads rows in rowid order until no unread row can be among
// the first Offset+Limit+1 in _created_at order, sorts what it read, and
// cuts the page. Newest first: every unread row has a lower rowid than
// every row read, so its _created_at is at most slack above the lowest
// _created_at read; once that bound is below the (Offset+Limit+1)-th
// highest _created_at read, the page is complete. Oldest first is the
// mirror image. With no slack this reads the page's rows and the rest of
// the last one's _created_at group (ties are ordered by _id).
func (s *Store) runRidFind(ctx context.Context, query string, args []any, q store.Query, slack time.Duration) (store.Page, error) {
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
	desc := q.Sort[0].Desc
	// best holds the need first rows in page order read so far, the last
	// of them at its top, so memory stays bounded whatever the slack.
	best := &rowHeap{desc: desc}
	var edge time.Time // lowest (newest first) or highest _created_at read
	read := 0
	for rows.Next() {
		var r ridRow
		if err := rows.Scan(&r.d.ID, &r.d.Version, &r.created, &r.updated, &r.d.CreatedBy, &r.d.UpdatedBy, &r.deleted, &r.raw); err != nil {
			return store.Page{}, err
		}
		t, err := parseStoredTime(r.created)
		if err != nil {
			return store.Page{}, err
		}
		if read == 0 || (desc && t.Before(edge)) || (!desc && t.After(edge)) {
			edge = t
		}
		read++
		best.offer(r, need)
		if len(best.rows) < need {
			continue
		}
		// Unread rows lie within slack of edge; none can beat the last of
		// the need best once edge is farther than slack beyond it.
		bound, err := parseStoredTime(best.rows[0].created)
		if err != nil {
			return store.Page{}, err
		}
		if (desc && edge.Add(slack).Before(bound)) || (!desc && edge.Add(-slack).After(bound)) {
			break
		}
		if read >= need+ridMaxExtra {
			return store.Page{}, errRidTooMany
		}
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, err
	}
	got := best.rows
	slices.SortFunc(got, best.cmp)
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

// rowHeap keeps the n first rows offered in page order (_created_at in
// the page's direction, then _id), the last of them at rows[0].
type rowHeap struct {
	rows []ridRow
	desc bool
}

// cmp orders rows as the page does.
func (h *rowHeap) cmp(a, b ridRow) int {
	if c := strings.Compare(a.created, b.created); c != 0 {
		if h.desc {
			return -c
		}
		return c
	}
	return strings.Compare(a.d.ID, b.d.ID)
}

func (h *rowHeap) Len() int           { return len(h.rows) }
func (h *rowHeap) Less(i, j int) bool { return h.cmp(h.rows[i], h.rows[j]) > 0 }
func (h *rowHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *rowHeap) Push(x any)         { h.rows = append(h.rows, x.(ridRow)) }
func (h *rowHeap) Pop() any {
	r := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return r
}

// offer adds r, keeping at most n rows.
func (h *rowHeap) offer(r ridRow, n int) {
	if len(h.rows) < n {
		heap.Push(h, r)
		return
	}
	if h.cmp(r, h.rows[0]) < 0 {
		h.rows[0] = r
		heap.Fix(h, 0)
	}
}
