package automation

import (
	"context"
	"errors"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// RunQuery pages the execution log.
type RunQuery struct {
	Status RunStatus `json:"status,omitempty"`
	Limit  int       `json:"limit,omitempty"`
	Cursor string    `json:"cursor,omitempty"`
}

// RunPage is one page of runs, newest first.
type RunPage struct {
	Items      []Run  `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// Runs lists an automation's runs (its designers).
func (s *Service) Runs(ctx context.Context, a engine.Actor, id string, q RunQuery) (RunPage, error) {
	if _, err := s.designOf(ctx, a, id); err != nil {
		return RunPage{}, err
	}
	return s.runs(ctx, store.Where("automation", store.OpEq, id), q)
}

// RecordRuns lists the runs about one record, for whoever may read it.
func (s *Service) RecordRuns(ctx context.Context, a engine.Actor, form, record string, q RunQuery) (RunPage, error) {
	if _, err := s.e.Record(ctx, a, form, record); err != nil {
		return RunPage{}, err
	}
	f := store.And(store.Where("record", store.OpEq, record), store.Where("form", store.OpEq, form), store.Where("workspace", store.OpEq, a.Workspace))
	return s.runs(ctx, f, q)
}

func (s *Service) runs(ctx context.Context, f store.Filter, q RunQuery) (RunPage, error) {
	if q.Status != "" {
		f = store.And(f, store.Where("status", store.OpEq, string(q.Status)))
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	p, err := s.st.Find(ctx, collRuns, store.Query{Filter: &f, Sort: []store.SortKey{{Field: "started_at", Desc: true}}, Limit: q.Limit, After: q.Cursor})
	if err != nil {
		return RunPage{}, mapStore(err)
	}
	out := RunPage{Items: make([]Run, 0, len(p.Docs)), NextCursor: p.NextCursor}
	for _, d := range p.Docs {
		r, err := runFrom(d)
		if err != nil {
			return RunPage{}, err
		}
		out.Items = append(out.Items, r)
	}
	return out, nil
}

// mapStore turns a bad cursor into a per-field error.
func mapStore(err error) error {
	if err != nil && (errors.Is(err, store.ErrInvalidInput) || errors.Is(err, store.ErrInvalidFilter)) {
		return invalid(ferr("cursor", CodeActionCfg, map[string]any{"reason": "invalid cursor"}))
	}
	return err
}
