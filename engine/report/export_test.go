package report

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// RecentIDs exposes the funnel's sample of the most recently updated
// records to the tests: their ids and whether there are more.
func (s *Dashboards) RecentIDs(ctx context.Context, a engine.Actor, form string, f *store.Filter, limit int) ([]string, bool, error) {
	recs, more, err := s.recent(ctx, a, form, f, limit)
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	return ids, more, err
}
