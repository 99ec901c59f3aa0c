package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Aggregate groups the selected documents and computes metrics. SQL does
// the grouping; Go merges groups whose keys are equal as JSON values (a
// missing field and a null both key as nil) and finishes avg, min and max.
func (s *Store) Aggregate(ctx context.Context, coll string, q store.AggregateQuery) ([]store.Group, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return nil, err
	}
	q, err := store.NormalizeAggregate(q)
	if err != nil {
		return nil, err
	}
	acc := newAggAcc(q)
	if s.reg.exists(coll) {
		declared := s.reg.declared(coll)
		scan := aggregateScanBetter(q, declared)
		var indexed string
		if !scan {
			indexed = aggregateIndex(q, declared)
		}
		// Group keys an index may serve keep its expressions (as a sort
		// would); a table scan reads value columns wherever they exist.
		var order []store.SortKey
		if !scan {
			for _, k := range q.GroupBy {
				if k.Bucket == store.BucketNone {
					order = append(order, store.SortKey{Field: k.Field})
				}
			}
		}
		err = s.readQuery(ctx, coll, q.Filter, order, func(c *compiler) (string, error) {
			acc.reset()
			if scan {
				// A scan reads value columns; an adaptive index on them
				// groups in its order and covers the metrics.
				c.indexedBy = s.axPick(c, coll, aggregateShape(q), q.Deleted)
			}
			return buildAggregate(c, coll, q, acc, scan, indexed)
		}, func(query string, args []any) error {
			return s.runAggregate(ctx, query, args, acc)
		})
		if err != nil && !errors.Is(err, errNoTable) {
			return nil, err
		}
	}
	return acc.groups(), nil
}

// aggregateShape is the adaptive-index shape of an aggregate: the filter's
// equality paths, the group keys (in order, up to the first date bucket)
// and every other path it reads; empty if it reads a system field.
func aggregateShape(q store.AggregateQuery) axShape {
	eq, rest, ok := filterShape(q.Filter)
	if !ok {
		return axShape{}
	}
	sh := axShape{eq: eq}
	bucketed := false
	for _, k := range q.GroupBy {
		if _, _, sys := systemColumn(k.Field); sys {
			return axShape{}
		}
		bucketed = bucketed || k.Bucket != store.BucketNone
		if bucketed {
			sh.rest = append(sh.rest, k.Field)
		} else {
			sh.order = append(sh.order, k.Field)
		}
	}
	for _, m := range q.Metrics {
		for _, f := range []string{m.Field, m.Weight} {
			if f == "" {
				continue
			}
			if _, _, sys := systemColumn(f); sys {
				return axShape{}
			}
			sh.rest = append(sh.rest, f)
		}
	}
	sh.rest = append(sh.rest, rest...)
	return sh
}

// metricSlot is the candidate value of a metric's field.
func metricSlot(c *compiler, field string) (slot, error) {
	if col, typ, ok := systemColumn(field); ok {
		t := "'" + typ + "'"
		if col == "deleted_at" {
			t = "iif(deleted_at IS NULL, NULL, 'text')"
		}
		return slot{v: col, t: t}, nil
	}
	segs, err := store.SplitPath(field)
	if err != nil {
		return slot{}, err
	}
	lit, err := jsonPathLiteral(segs)
	if err != nil {
		return slot{}, err
	}
	plain := c.kinds(field) == 0
	if plain {
		// A value column holds what json_extract returns at a plain path
		// (a string or a number, else NULL) for a third of its cost.
		if col := c.columnOf(field); col != "" {
			return slot{v: col, t: "typeof(" + col + ")", plain: true, col: true}, nil
		}
	}
	return slot{v: "json_extract(data," + lit + ")", t: "json_type(data," + lit + ")", plain: plain}, nil
}

// buildAggregate compiles an aggregate; with scan it reads the table in
// rowid order (see aggregateScanBetter), with indexed it groups from that
// declared index (see aggregateIndex).
func buildAggregate(c *compiler, coll string, q store.AggregateQuery, acc *aggAcc, scan bool, indexed string) (string, error) {
	where, err := c.where(q.Filter)
	if err != nil {
		return "", err
	}
	var cols []string
	for i, k := range q.GroupBy {
		col, typ, sys := systemColumn(k.Field)
		switch {
		case k.Bucket != store.BucketNone && sys:
			cols = append(cols, "fl_bucket("+col+", "+c.bind(string(k.Bucket))+", "+c.bind(k.TimeZone)+")")
		case k.Bucket != store.BucketNone:
			sl, err := metricSlot(c, k.Field)
			if err != nil {
				return "", err
			}
			fn := "fl_bucket(" + sl.v + ", " + c.bind(string(k.Bucket)) + ", " + c.bind(k.TimeZone) + ")"
			if sl.col {
				// A date ("2006-01-02") is grouped by its own value, marked
				// 'd', and bucketed in Go once per distinct date (see
				// aggAcc.dateKey); other values ('b') call fl_bucket per row.
				// A date field has a few hundred distinct values a year, so
				// this saves a Go call per row.
				fn = "CASE WHEN length(" + sl.v + ") = 10 THEN 'd' || " + sl.v + " ELSE 'b' || " + fn + " END"
				acc.dateKey[i] = true
			}
			cols = append(cols, fn)
		case sys && typ == "integer":
			cols = append(cols, col)
		case sys:
			cols = append(cols, "json_quote("+col+")")
		case c.kinds(k.Field) == 0:
			// The SQL value tells the JSON type; the expression matches
			// declared indexes, so SQLite can group from a covering index.
			sl, err := metricSlot(c, k.Field)
			if err != nil {
				return "", err
			}
			cols = append(cols, sl.v)
			acc.plainKey[i] = true
		default:
			segs, _ := store.SplitPath(k.Field)
			lit, err := jsonPathLiteral(segs)
			if err != nil {
				return "", err
			}
			cols = append(cols, "data -> "+lit)
		}
	}
	nkeys := len(cols)
	cols = append(cols, "count(*)")
	for _, m := range q.Metrics {
		if m.Op == store.AggCount && m.Field == "" {
			continue
		}
		sl, err := metricSlot(c, m.Field)
		if err != nil {
			return "", err
		}
		num := "(" + sl.t + " IS 'integer' OR " + sl.t + " IS 'real')"
		text := sl.t + " IS 'text'"
		if sl.plain {
			// A plain path's value (a value column or json_extract of a
			// path that never held an array, object or boolean) is a
			// number, a string or NULL, and SQLite orders every number
			// before every string: one comparison with '' tells them
			// apart, cheaper than typeof (neither side has an affinity,
			// so nothing is converted).
			num = sl.v + " < ''"
			text = sl.v + " >= ''"
		}
		val := sl.v
		if m.Weight != "" {
			wl, err := metricSlot(c, m.Weight)
			if err != nil {
				return "", err
			}
			wnum := "(" + wl.t + " IS 'integer' OR " + wl.t + " IS 'real')"
			if wl.plain {
				wnum = wl.v + " < ''"
			}
			num = "(" + num + " AND " + wnum + ")"
			val = sl.v + " * " + wl.v
		}
		switch m.Op {
		case store.AggCount:
			cols = append(cols, "count(CASE WHEN "+sl.v+" IS NOT NULL THEN 1 END)")
		case store.AggSum, store.AggAvg:
			cols = append(cols, "total(CASE WHEN "+num+" THEN "+val+" END)", "count(CASE WHEN "+num+" THEN 1 END)")
		case store.AggMin, store.AggMax:
			fn := strings.ToLower(string(m.Op))
			cols = append(cols, fn+"(CASE WHEN "+num+" THEN "+sl.v+" END)", fn+"(CASE WHEN "+text+" THEN "+sl.v+" END)")
		}
	}
	c.tableScan = scan
	if indexed != "" {
		c.indexedBy = indexSQLName(coll, indexed)
	}
	from := c.from(coll)
	query := "SELECT " + strings.Join(cols, ", ") + from + " WHERE " + deletedClause(q.Deleted) + " AND " + where
	if nkeys > 0 {
		ords := make([]string, nkeys)
		for i := range ords {
			ords[i] = strconv.Itoa(i + 1)
		}
		query += " GROUP BY " + strings.Join(ords, ", ")
	}
	return query, nil
}

func (s *Store) runAggregate(ctx context.Context, query string, args []any, acc *aggAcc) error {
	st, release, err := s.readStmt(ctx, query)
	if err != nil {
		return err
	}
	defer release()
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(n))
	ptrs := make([]any, len(n))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := acc.add(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// aggAcc merges SQL groups into result groups.
type aggAcc struct {
	q      store.AggregateQuery
	byKey  map[string]*aggGroup
	totals bool
	// plainKey marks keys selected as SQL values rather than JSON text.
	plainKey []bool
	// dateKey marks bucket keys selected as 'd' and a value of ten
	// characters, to bucket here, or 'b' and fl_bucket's key.
	dateKey []bool
	// locs are the bucket keys' zones.
	locs []*time.Location
}

type aggGroup struct {
	keys  []any
	count float64
	m     []metricAcc
}

type metricAcc struct {
	sum            float64
	n              float64
	num            sql.NullFloat64
	str            sql.NullString
	hasNum, hasStr bool
}

func newAggAcc(q store.AggregateQuery) *aggAcc {
	a := &aggAcc{q: q, totals: len(q.GroupBy) == 0, locs: make([]*time.Location, len(q.GroupBy))}
	for i, k := range q.GroupBy {
		a.locs[i] = time.UTC
		if k.TimeZone != "" {
			// NormalizeAggregate checked the name.
			if l, err := loadZone(k.TimeZone); err == nil {
				a.locs[i] = l
			}
		}
	}
	a.reset()
	return a
}

func (a *aggAcc) reset() {
	a.byKey = map[string]*aggGroup{}
	a.plainKey = make([]bool, len(a.q.GroupBy))
	a.dateKey = make([]bool, len(a.q.GroupBy))
}

// dateKey decodes a bucket key selected with its 'd' or 'b' mark: a value
// of ten characters is bucketed by store.BucketValue, as fl_bucket would
// have done for each of its rows.
func (a *aggAcc) decodeDateKey(v any, i int) any {
	s := toString(v)
	if s == "" {
		return nil
	}
	if s[0] == 'b' {
		return s[1:]
	}
	key, ok := store.BucketValue(s[1:], a.q.GroupBy[i].Bucket, a.locs[i])
	if !ok {
		return nil
	}
	return key
}

func (a *aggAcc) add(row []any) error {
	keys := make([]any, len(a.q.GroupBy))
	for i, k := range a.q.GroupBy {
		if a.dateKey[i] {
			keys[i] = a.decodeDateKey(row[i], i)
			continue
		}
		v, err := keyValue(row[i], k, a.plainKey[i])
		if err != nil {
			return err
		}
		keys[i] = v
	}
	id := valueKey(keys)
	g := a.byKey[id]
	if g == nil {
		g = &aggGroup{keys: keys, m: make([]metricAcc, len(a.q.Metrics))}
		a.byKey[id] = g
	}
	col := len(keys)
	g.count += toFloat(row[col])
	col++
	for i, m := range a.q.Metrics {
		ma := &g.m[i]
		switch m.Op {
		case store.AggCount:
			if m.Field == "" {
				continue
			}
			ma.n += toFloat(row[col])
			col++
		case store.AggSum, store.AggAvg:
			ma.sum += toFloat(row[col])
			ma.n += toFloat(row[col+1])
			col += 2
		case store.AggMin, store.AggMax:
			less := m.Op == store.AggMin
			if row[col] != nil {
				f := toFloat(row[col])
				if !ma.hasNum || (less && f < ma.num.Float64) || (!less && f > ma.num.Float64) {
					ma.num, ma.hasNum = sql.NullFloat64{Float64: f, Valid: true}, true
				}
			}
			if row[col+1] != nil {
				str := toString(row[col+1])
				if !ma.hasStr || (less && str < ma.str.String) || (!less && str > ma.str.String) {
					ma.str, ma.hasStr = sql.NullString{String: str, Valid: true}, true
				}
			}
			col += 2
		}
	}
	return nil
}

// keyValue decodes one group key column.
func keyValue(v any, k store.GroupKey, plain bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if k.Bucket != store.BucketNone || plain {
		if s, ok := v.(string); ok {
			return s, nil
		}
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	}
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	}
	var out any
	if err := json.Unmarshal([]byte(toString(v)), &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (a *aggAcc) groups() []store.Group {
	if a.totals && len(a.byKey) == 0 {
		a.byKey[""] = &aggGroup{keys: []any{}, m: make([]metricAcc, len(a.q.Metrics))}
	}
	out := make([]store.Group, 0, len(a.byKey))
	for _, g := range a.byKey {
		vals := make([]any, len(a.q.Metrics))
		for i, m := range a.q.Metrics {
			ma := g.m[i]
			switch m.Op {
			case store.AggCount:
				if m.Field == "" {
					vals[i] = g.count
				} else {
					vals[i] = ma.n
				}
			case store.AggSum:
				vals[i] = ma.sum
			case store.AggAvg:
				if ma.n > 0 {
					vals[i] = ma.sum / ma.n
				}
			case store.AggMin, store.AggMax:
				switch {
				case ma.hasNum:
					vals[i] = ma.num.Float64
				case ma.hasStr:
					vals[i] = ma.str.String
				}
			}
		}
		out = append(out, store.Group{Keys: g.keys, Values: vals})
	}
	slices.SortFunc(out, func(x, y store.Group) int { return compareKeys(x.Keys, y.Keys) })
	return out
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
