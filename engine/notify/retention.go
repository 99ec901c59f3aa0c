package notify

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// maxRetentionPages bounds one retention run (500 items a page); the rest
// goes on the next run.
const maxRetentionPages = 40

func (s *Service) retentionTask(ctx context.Context, _ jobs.Task) error {
	_, err := s.Cleanup(ctx)
	return err
}

// Cleanup deletes the items older than the retention and returns how many
// it deleted (the hourly retention schedule calls it).
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	f := store.Where("created", store.OpLt, store.FormatTime(s.now().Add(-s.opts.Retention)))
	removed := 0
	for range maxRetentionPages {
		p, err := s.st.Find(ctx, collItems, store.Query{Filter: &f, Sort: []store.SortKey{{Field: "created"}}, Limit: 500, Deleted: store.IncludeDeleted})
		if err != nil {
			return removed, fmt.Errorf("notify: retention: %w", err)
		}
		if len(p.Docs) == 0 {
			break
		}
		writes := make([]store.Write, len(p.Docs))
		for i, d := range p.Docs {
			writes[i] = store.Write{Op: store.OpHardDelete, Collection: collItems, Doc: store.Document{ID: d.ID}}
		}
		n, err := s.commitEach(ctx, actorName, writes)
		removed += n
		s.removed.Add(int64(n))
		if err != nil {
			return removed, fmt.Errorf("notify: retention: %w", err)
		}
		if len(p.Docs) < 500 {
			break
		}
	}
	return removed, nil
}
