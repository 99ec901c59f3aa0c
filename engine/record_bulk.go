package engine

import "context"

// MaxBulkRecords bounds the ids of one bulk operation.
const MaxBulkRecords = 500

// BulkResult is the outcome for one id of a bulk operation: OK, or the
// error that record met (ErrNotFound, ErrConflict, ErrForbidden, …).
type BulkResult struct {
	ID  string
	Err error
}

// DeleteRecords moves several records of a form to the recycle bin (the
// bulk-edit and delete actions; each record under the delete rows). Each
// record goes through the single-record delete path, so each gets its own
// history entry and its own record.deleted event, and one record's failure
// (already deleted, not found) does not stop the others. Duplicate ids are
// deleted once; the answer has one result per distinct id, in request
// order. More than MaxBulkRecords ids, or none, is a validation error on
// "ids"; an actor or form problem common to all ids is returned as the
// error, before anything is deleted.
func (e *Engine) DeleteRecords(ctx context.Context, a Actor, formID string, ids []string) ([]BulkResult, error) {
	if err := e.allow(ctx, a, ActRecordBulkEdit, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := e.allow(ctx, a, ActRecordDelete, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := checkBulkIDs(ids); err != nil {
		return nil, err
	}
	if _, err := e.CurrentVersion(ctx, a, formID); err != nil {
		return nil, err
	}
	return eachID(ctx, ids, func(id string) error { return e.DeleteRecord(ctx, a, formID, id, 0) }), nil
}

// checkBulkIDs refuses a bulk request with no ids or more than MaxBulkRecords.
func checkBulkIDs(ids []string) error {
	if len(ids) == 0 {
		return invalid(fieldErr("ids", CodeRequired, nil))
	}
	if len(ids) > MaxBulkRecords {
		return invalid(fieldErr("ids", CodeMaxItems, map[string]any{"max": MaxBulkRecords}))
	}
	return nil
}

// eachID runs fn once per distinct id, in request order. Each record is its
// own unit of work: a failure (a store error included) is reported for its
// id and the others go on.
func eachID(ctx context.Context, ids []string, fn func(id string) error) []BulkResult {
	seen := make(map[string]bool, len(ids))
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := ctx.Err(); err != nil {
			out = append(out, BulkResult{ID: id, Err: err})
			continue
		}
		out = append(out, BulkResult{ID: id, Err: fn(id)})
	}
	return out
}
