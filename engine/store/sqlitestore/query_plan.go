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
	leads := func(field string) bool {
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
	if leads(q.Sort[0].Field) {
		return false
	}
	return !filterTouches(q.Filter, leads)
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
