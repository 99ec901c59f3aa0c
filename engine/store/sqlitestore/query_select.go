package sqlitestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// maxDistinctScan bounds how many distinct raw values Distinct reads
// before sorting; it keeps memory bounded on huge collections.
const maxDistinctScan = 1_000_000

// Distinct returns the sorted distinct values of field among the selected
// documents; array values contribute their elements. limit <= 0 means
// store.DefaultPageSize and at most store.MaxPageSize values are returned.
func (s *Store) Distinct(ctx context.Context, coll, field string, q store.Query, limit int) ([]any, error) {
	if s.closed.Load() {
		return nil, store.ErrClosed
	}
	if err := store.ValidateCollection(coll); err != nil {
		return nil, err
	}
	q.Limit, q.Offset, q.After, q.Sort = 0, 0, "", nil
	q, err := store.NormalizeQuery(q)
	if err != nil {
		return nil, err
	}
	segs, err := store.SplitPath(field)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	limit = min(limit, store.MaxPageSize)
	if !s.reg.exists(coll) {
		return []any{}, nil
	}
	seen := map[string]any{}
	// rest is the part of the path walked in Go after the SQL read the value
	// at the first segment; nil when SQL reads the value at the full path.
	var rest []string
	err = s.readQuery(ctx, coll, q.Filter, nil, func(c *compiler) (string, error) {
		clear(seen)
		rest = nil
		where, err := c.where(q.Filter)
		if err != nil {
			return "", err
		}
		base := " FROM " + tableName(coll) + " WHERE " + deletedClause(q.Deleted) + " AND " + where
		if col, _, ok := systemColumn(field); ok {
			return "SELECT DISTINCT json_quote(" + col + ")" + base + " AND " + col + " IS NOT NULL", nil
		}
		crosses := false
		for i := 1; i < len(segs); i++ {
			crosses = crosses || c.isArray(strings.Join(segs[:i], "."))
		}
		read := segs
		if crosses {
			read, rest = segs[:1], segs[1:]
		}
		lit, _ := jsonPathLiteral(read)
		return "SELECT DISTINCT data -> " + lit + base + " AND json_type(data," + lit + ") IS NOT NULL", nil
	}, func(query string, args []any) error {
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
		n := 0
		for rows.Next() {
			var raw []byte
			if err := rows.Scan(&raw); err != nil {
				return err
			}
			if n++; n > maxDistinctScan {
				return fmt.Errorf("%w: more than %d distinct values to sort", store.ErrUnsupported, maxDistinctScan)
			}
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			collectDistinct(v, rest, seen)
		}
		return rows.Err()
	})
	if errors.Is(err, errNoTable) {
		return []any{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(seen))
	for _, v := range seen {
		out = append(out, v)
	}
	slices.SortFunc(out, store.CompareValues)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// collectDistinct adds the values reached by rest from v, crossing arrays
// of objects and flattening a terminal array into its elements.
func collectDistinct(v any, rest []string, seen map[string]any) {
	if len(rest) == 0 {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				seen[valueKey(e)] = e
			}
			return
		}
		seen[valueKey(v)] = v
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if next, ok := x[rest[0]]; ok {
			collectDistinct(next, rest[1:], seen)
		}
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				if next, ok := m[rest[0]]; ok {
					collectDistinct(next, rest[1:], seen)
				}
			}
		}
	}
}
