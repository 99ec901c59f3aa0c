package sqlitestore

import "github.com/formloom/formloom/engine/store"

// tableScanBetter reports whether a page query can use no index at all,
// neither to find rows nor to read them in order, so a scan of the table in
// rowid order is its best plan.
//
// SQLite's planner, without ANALYZE statistics, otherwise walks a partial
// index (every declared index and __sys_created are partial on
// "deleted_at IS NULL", which each query repeats) and fetches each row by
// rowid: a B-tree descent per row, about three times the cost of the scan
// on the benchmark's unindexed page (docs/performance.md). The test is
// conservative: any filter or leading sort field that begins some index,
// and any query without sort keys (ordered by id, which an index serves
// and can stop early), leaves the choice to SQLite.
func tableScanBetter(q store.Query, declared map[string]store.Index) bool {
	if len(q.Sort) == 0 || q.Deleted == store.OnlyDeleted {
		return false
	}
	leads := indexLeads(declared)
	if leads(q.Sort[0].Field) {
		return false
	}
	return !filterTouches(q.Filter, leads)
}

// countScanBetter reports whether a count (or another query that reads
// every match in no particular order) should scan the table in rowid order:
// it has a filter and no condition of it is on a field some index leads
// with. Without a filter, or with one an index can serve, SQLite counts
// from an index without touching rows; otherwise it would walk a partial
// index and fetch every row by rowid, about 0.9 µs a row against 0.13 µs
// for the scan (docs/performance.md).
func countScanBetter(f *store.Filter, d store.Deleted, declared map[string]store.Index) bool {
	if f == nil || d == store.OnlyDeleted {
		return false
	}
	return !filterTouches(f, indexLeads(declared))
}

// aggregateScanBetter reports whether an aggregate should scan the table
// in rowid order, as a count does (countScanBetter): no condition of its
// filter is on a field some index leads with, and an index cannot serve
// its grouping either (without a filter, a group key an index leads with
// is grouped from that index, often without touching rows). Otherwise
// SQLite walks a partial index, or the group key's index for its order,
// and fetches every row by rowid: a kanban board's sums by an indexed
// stage under an unindexed filter took 184 ms at 100k records that way
// against 124 ms for the scan (docs/performance.md, ## Kanban).
func aggregateScanBetter(q store.AggregateQuery, declared map[string]store.Index) bool {
	if q.Deleted == store.OnlyDeleted {
		return false
	}
	leads := indexLeads(declared)
	if filterTouches(q.Filter, leads) {
		return false
	}
	if q.Filter == nil {
		for _, k := range q.GroupBy {
			if k.Bucket != store.BucketNone || !leads(k.Field) {
				continue
			}
			if _, _, sys := systemColumn(k.Field); sys || coveringIndex(q, k.Field, declared) != "" {
				return false
			}
		}
	}
	return true
}

// coveringIndex returns the name of a declared index led by field that
// holds every path the aggregate reads (group keys, metric fields and
// weights), so SQLite can group from it without reading rows; "" if none.
// Grouping from an index that does not hold them fetches every row by
// rowid, about three times the cost of scanning the table and sorting the
// keys.
func coveringIndex(q store.AggregateQuery, field string, declared map[string]store.Index) string {
	for _, ix := range declared {
		if len(ix.Fields) == 0 || ix.Fields[0].Field != field {
			continue
		}
		has := map[string]bool{}
		for _, f := range ix.Fields {
			has[f.Field] = true
		}
		ok := true
		for _, k := range q.GroupBy {
			ok = ok && has[k.Field]
		}
		for _, m := range q.Metrics {
			ok = ok && (m.Field == "" || has[m.Field]) && (m.Weight == "" || has[m.Weight])
		}
		if ok {
			return ix.Name
		}
	}
	return ""
}

// aggregateIndex returns the declared index an aggregate without a filter
// should group from, or "": SQLite, without statistics, picks among the
// indexes its first key leads by their order, not by what they hold (a
// kanban board grouped by a stage with three indexes led by it walked the
// one without the amount it sums and fetched every row: 190 ms at 100k
// records against 20–40 ms from the one with it, docs/performance.md,
// ## Kanban), so the compiler names it (INDEXED BY). Only for the default
// recycle-bin selection, which the partial indexes match.
func aggregateIndex(q store.AggregateQuery, declared map[string]store.Index) string {
	// The first key only: the compiler keeps the expressions of the
	// indexes led by the query's first group key (registry.columnTester).
	if q.Filter != nil || q.Deleted != store.ExcludeDeleted || len(q.GroupBy) == 0 || q.GroupBy[0].Bucket != store.BucketNone {
		return ""
	}
	return coveringIndex(q, q.GroupBy[0].Field, declared)
}

// indexLeads returns a test of whether some index (a system one or a
// declared one) has field as its first column.
func indexLeads(declared map[string]store.Index) func(field string) bool {
	return func(field string) bool {
		switch field {
		case store.FieldID, store.FieldCreatedAt, store.FieldUpdatedAt, store.FieldDeletedAt:
			return true
		}
		for _, ix := range declared {
			if len(ix.Fields) > 0 && ix.Fields[0].Field == field {
				return true
			}
		}
		return false
	}
}

// filterTouches reports whether any condition of f is on a field for which
// match is true.
func filterTouches(f *store.Filter, match func(field string) bool) bool {
	if f == nil {
		return false
	}
	if f.Field != "" && match(f.Field) {
		return true
	}
	for i := range f.And {
		if filterTouches(&f.And[i], match) {
			return true
		}
	}
	for i := range f.Or {
		if filterTouches(&f.Or[i], match) {
			return true
		}
	}
	return filterTouches(f.Not, match)
}
