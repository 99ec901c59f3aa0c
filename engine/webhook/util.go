package webhook

import (
	"context"
	"strconv"

	"github.com/formloom/formloom/engine/store"
)

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func num(m map[string]any, k string) int64 {
	switch v := m[k].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case int:
		return int64(v)
	}
	return 0
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// findAll reads every document f selects, page by page.
func (s *Service) findAll(ctx context.Context, coll string, f store.Filter, sort []store.SortKey) ([]store.Document, error) {
	var out []store.Document
	q := store.Query{Filter: &f, Sort: sort, Limit: store.MaxPageSize}
	for {
		p, err := s.st.Find(ctx, coll, q)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Docs...)
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
