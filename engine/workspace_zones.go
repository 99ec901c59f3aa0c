package engine

import (
	"context"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// WorkspaceZones returns the time zone of every workspace of the instance,
// by workspace id, for background work that runs on each workspace's
// calendar (schedules). A workspace whose stored zone no longer loads
// runs on UTC, as in Location.
func (e *Engine) WorkspaceZones(ctx context.Context) (map[string]*time.Location, error) {
	out := map[string]*time.Location{}
	q := store.Query{Limit: store.MaxPageSize}
	for {
		p, err := e.st.Find(ctx, collWorkspaces, q)
		if err != nil {
			return nil, mapStoreErr(err)
		}
		for _, d := range p.Docs {
			loc, err := time.LoadLocation(str(d.Data, "time_zone"))
			if err != nil {
				loc = time.UTC
			}
			out[d.ID] = loc
		}
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}
