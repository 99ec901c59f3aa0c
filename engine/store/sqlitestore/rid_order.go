package sqlitestore

import (
	"bytes"
	"container/heap"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
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

// ridPhase says which rows a rowid-order page reads: a window of the
// newest (lo) or oldest (hi) rowids, or, searching, the rows an adaptive
// index finds (ax, picked per compile, with limit), or the whole table.
type ridPhase struct {
	lo, hi    int64
	searching bool
	ax        string
	// fetch reads the rows of listed rowids, and the list query takes
	// the first listArgs parameters (buildRidFind sets both).
	fetch    string
	listArgs int
}

func (p ridPhase) windowed() bool { return p.lo > 0 || p.hi > 0 }

// ridWindow is the window a filtered page scans first (axWindow rows from
// the end it reads from), or none when the table is not larger.
func (s *Store) ridWindow(ctx context.Context, coll string, desc bool) (ridPhase, error) {
	// Two subqueries: SQLite reads a lone max() or min() from the end of
	// the B-tree, but scans the table for both in one SELECT.
	t := tableName(coll)
	st, release, err := s.readStmt(ctx, `SELECT coalesce((SELECT max(rid) FROM `+t+`), 0), coalesce((SELECT min(rid) FROM `+t+`), 0)`)
	if err != nil {
		if isNoTable(err) {
			return ridPhase{}, nil
		}
		return ridPhase{}, s.readErr(ctx, err)
	}
	defer release()
	var hi, lo int64
	if err := st.QueryRowContext(ctx).Scan(&hi, &lo); err != nil {
		if isNoTable(err) {
			return ridPhase{}, nil
		}
		return ridPhase{}, s.readErr(ctx, err)
	}
	if hi-lo+1 <= int64(axWindow) {
		return ridPhase{}, nil
	}
	if desc {
		return ridPhase{lo: hi - int64(axWindow) + 1}, nil
	}
	return ridPhase{hi: lo + int64(axWindow) - 1}, nil
}

// buildRidFind compiles the rowid-order read of a page in _created_at
// order: a table scan, or a search of an adaptive index sorted by rowid;
// runRidFind stops reading.
func buildRidFind(c *compiler, coll string, q store.Query, cur *store.Cursor, ph *ridPhase) (string, error) {
	where, err := c.where(q.Filter)
	if err != nil {
		return "", err
	}
	c.tableScan = true
	var conds strings.Builder
	switch {
	case ph.lo > 0:
		conds.WriteString("rid >= " + c.bind(ph.lo) + " AND ")
	case ph.hi > 0:
		conds.WriteString("rid <= " + c.bind(ph.hi) + " AND ")
	}
	conds.WriteString(deletedClause(q.Deleted))
	if where != "1" {
		conds.WriteString(" AND " + where)
	}
	// The cursor is bound last: the rowid list below leaves it out.
	ph.listArgs = len(c.args)
	after := ""
	if cur != nil {
		after = " AND " + cursorClause(c, q.Sort, []string{"created_at"}, cur)
	}
	dir := ""
	if q.Sort[0].Desc {
		dir = " DESC"
	}
	if ph.ax != "" {
		// The rowids of every match, from the index alone when it covers
		// the filter (the cursor, on _created_at, would read every row:
		// fetch applies it); runRidSearch reads their rows with fetch,
		// which checks every condition again (its last parameter is the
		// list).
		c.indexedBy = ph.ax
		list := "SELECT coalesce(group_concat(rid), '')" + c.from(coll) + " WHERE " + conds.String()
		ph.fetch = "SELECT " + docColumns + " FROM " + tableName(coll) + " NOT INDEXED WHERE rid IN (SELECT value FROM json_each(?" +
			strconv.Itoa(len(c.args)+1) + ")) AND " + conds.String() + after + " ORDER BY rid" + dir
		return list, nil
	}
	return "SELECT " + docColumns + c.from(coll) + " WHERE " + conds.String() + after + " ORDER BY rid" + dir, nil
}

// from is the FROM clause of a query on coll: the index it must read, or
// the table in rowid order, or SQLite's choice.
func (c *compiler) from(coll string) string {
	switch {
	case c.indexedBy != "":
		return " FROM " + tableName(coll) + ` INDEXED BY "` + c.indexedBy + `"`
	case c.tableScan:
		return " FROM " + tableName(coll) + " NOT INDEXED"
	}
	return " FROM " + tableName(coll)
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

// errRidIncomplete tells Find that a window or a limited search ran out of
// rows before the page was complete.
var errRidIncomplete = errors.New("sqlitestore: rowid-order page needs more rows")

// runRidFind reads rows in rowid order until no unread row can be among
// the first Offset+Limit+1 in _created_at order, sorts what it read, and
// cuts the page. Newest first: every unread row has a lower rowid than
// every row read, so its _created_at is at most slack above the lowest
// _created_at read; once that bound is below the (Offset+Limit+1)-th
// highest _created_at read, the page is complete. Oldest first is the
// mirror image. With no slack this reads the page's rows and the rest of
// the last one's _created_at group (ties are ordered by _id).
//
// A windowed read that runs out of rows before that is errRidIncomplete.
// With an adaptive index (ph.ax) the query lists the matching rowids and
// runRidSearch reads their rows.
func (s *Store) runRidFind(ctx context.Context, query string, args []any, q store.Query, slack time.Duration, ph ridPhase) (store.Page, error) {
	if ph.ax != "" {
		return s.runRidSearch(ctx, query, args, q, slack, ph)
	}
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
	col := newRidCollector(q, slack)
	complete := false
	for !complete && rows.Next() {
		if complete, err = col.scan(rows); err != nil {
			return store.Page{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, err
	}
	if !complete && ph.windowed() {
		return store.Page{}, errRidIncomplete
	}
	return col.page(q)
}

// runRidSearch lists the rowids the adaptive index finds (query, one JSON
// array), sorts them in the page's direction and reads their rows in
// chunks (ph.fetch, the same conditions again) until the page is complete,
// all in one read transaction: a consistent snapshot, as one statement
// would read. Sorting a few thousand rowids in Go costs less than
// SQLite's sorter, and only the rows the page needs are read.
func (s *Store) runRidSearch(ctx context.Context, query string, args []any, q store.Query, slack time.Duration, ph ridPhase) (store.Page, error) {
	listSt, release, err := s.readStmt(ctx, query)
	if err != nil {
		return store.Page{}, err
	}
	defer release()
	fetchSt, release2, err := s.readStmt(ctx, ph.fetch)
	if err != nil {
		return store.Page{}, err
	}
	defer release2()
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return store.Page{}, err
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var list []byte
	if err := tx.StmtContext(ctx, listSt).QueryRowContext(ctx, args[:ph.listArgs]...).Scan(&list); err != nil {
		return store.Page{}, err
	}
	rids, err := parseRowids(list)
	if err != nil {
		return store.Page{}, err
	}
	// A heap yields them in the page's direction: a page needs a few
	// dozen of thousands, and sorting them all cost more than the index
	// read.
	next := ridQueue{h: rids, desc: q.Sort[0].Desc}
	next.init()
	col := newRidCollector(q, slack)
	fetch := tx.StmtContext(ctx, fetchSt)
	chunk := q.Offset + q.Limit + 1 + 64
	var buf []byte
	for complete := false; len(next.h) > 0 && !complete; chunk *= 4 {
		buf = append(buf[:0], '[')
		for i := 0; i < chunk && len(next.h) > 0; i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, next.pop(), 10)
		}
		buf = append(buf, ']')
		rows, err := fetch.QueryContext(ctx, append(args[:len(args):len(args)], string(buf))...)
		if err != nil {
			return store.Page{}, err
		}
		for !complete && rows.Next() {
			if complete, err = col.scan(rows); err != nil {
				rows.Close()
				return store.Page{}, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return store.Page{}, err
		}
	}
	return col.page(q)
}

// parseRowids reads group_concat's comma-separated rowids.
func parseRowids(b []byte) ([]int64, error) {
	out := make([]int64, 0, bytes.Count(b, []byte{','})+1)
	var n int64
	digits := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			digits = true
		case c == ',' && digits:
			out = append(out, n)
			n, digits = 0, false
		default:
			return nil, fmt.Errorf("sqlitestore: bad rowid list near %q", c)
		}
	}
	if digits {
		out = append(out, n)
	}
	return out, nil
}

// ridQueue is a binary heap of rowids, the highest first with desc.
type ridQueue struct {
	h    []int64
	desc bool
}

func (q *ridQueue) before(a, b int64) bool {
	if q.desc {
		return a > b
	}
	return a < b
}

func (q *ridQueue) init() {
	for i := len(q.h)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

func (q *ridQueue) down(i int) {
	n := len(q.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && q.before(q.h[r], q.h[l]) {
			j = r
		}
		if !q.before(q.h[j], q.h[i]) {
			return
		}
		q.h[i], q.h[j] = q.h[j], q.h[i]
		i = j
	}
}

func (q *ridQueue) pop() int64 {
	top := q.h[0]
	last := len(q.h) - 1
	q.h[0] = q.h[last]
	q.h = q.h[:last]
	q.down(0)
	return top
}

// ridCollector keeps the rows of a rowid-order read that can still be on
// the page and tells when no unread row can (see runRidFind).
type ridCollector struct {
	need  int
	desc  bool
	slack time.Duration
	// best holds the need first rows in page order read so far, the last
	// of them at its top, so memory stays bounded whatever the slack.
	best *rowHeap
	edge time.Time // lowest (newest first) or highest _created_at read
	read int
}

func newRidCollector(q store.Query, slack time.Duration) *ridCollector {
	return &ridCollector{need: q.Offset + q.Limit + 1, desc: q.Sort[0].Desc, slack: slack, best: &rowHeap{desc: q.Sort[0].Desc}}
}

// scan reads the current row and reports whether the page is complete.
func (c *ridCollector) scan(rows *sql.Rows) (bool, error) {
	var r ridRow
	if err := rows.Scan(&r.d.ID, &r.d.Version, &r.created, &r.updated, &r.d.CreatedBy, &r.d.UpdatedBy, &r.deleted, &r.raw); err != nil {
		return false, err
	}
	t, err := parseStoredTime(r.created)
	if err != nil {
		return false, err
	}
	if c.read == 0 || (c.desc && t.Before(c.edge)) || (!c.desc && t.After(c.edge)) {
		c.edge = t
	}
	c.read++
	c.best.offer(r, c.need)
	if len(c.best.rows) < c.need {
		return false, nil
	}
	// Unread rows lie within slack of edge; none can beat the last of
	// the need best once edge is farther than slack beyond it.
	bound, err := parseStoredTime(c.best.rows[0].created)
	if err != nil {
		return false, err
	}
	if (c.desc && c.edge.Add(c.slack).Before(bound)) || (!c.desc && c.edge.Add(-c.slack).After(bound)) {
		return true, nil
	}
	if c.read >= c.need+ridMaxExtra {
		return false, errRidTooMany
	}
	return false, nil
}

// page sorts the rows kept and cuts the page.
func (c *ridCollector) page(q store.Query) (store.Page, error) {
	got := c.best.rows
	slices.SortFunc(got, c.best.cmp)
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
