package engine

import (
	"context"
	"errors"

	"github.com/formloom/formloom/engine/store"
)

// RecordVisibleTo says, for each viewer, whether that viewer may see
// record id of formID in workspace ws as the record is now (live or in the
// recycle bin): the viewer's view decision on the form, and its row filter
// matched against the one stored record in memory (store.Match, the
// store's own semantics), so asking for many viewers costs one record read
// and no query per viewer. A viewer of another workspace, or one who may
// see no record of the form, gets false; so does everyone for a record
// that no longer exists. It is for fan-out to many readers (live updates):
// it returns no field values, so field masks do not apply.
func (e *Engine) RecordVisibleTo(ctx context.Context, ws, formID, id string, viewers []Actor) ([]bool, error) {
	out := make([]bool, len(viewers))
	if len(viewers) == 0 {
		return out, nil
	}
	v, err := e.CurrentVersion(ctx, systemActor(ws), formID)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotPublished) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if store.ValidateID(id) != nil {
		return out, nil
	}
	doc, err := e.st.Get(ctx, recordColl(formID), id)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, mapStoreErr(err)
	}
	// Viewers with the same resolved rows (the same permission set and no
	// per-user placeholder) share one answer.
	seen := map[*store.Filter]bool{}
	for i, a := range viewers {
		if a.Workspace != ws {
			continue
		}
		d, err := e.viewDecision(ctx, a, formID)
		if errors.Is(err, ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if d.Rows == nil {
			out[i] = true
			continue
		}
		if ok, done := seen[d.Rows]; done {
			out[i] = ok
			continue
		}
		rows, err := v.rowsFilter(d)
		if err != nil {
			return nil, err
		}
		ok, err := store.Match(doc, rows)
		if err != nil {
			return nil, err
		}
		seen[d.Rows], out[i] = ok, ok
	}
	return out, nil
}
