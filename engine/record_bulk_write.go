package engine

import "context"

// MaxBulkWrites bounds the records of one bulk create or update.
const MaxBulkWrites = 100

// RecordChange is one item of a bulk update: the record, the version the
// caller read, and the fields to change.
type RecordChange struct {
	ID      string
	Version int64
	Data    map[string]any
}

// WriteResult is the outcome of one item of a bulk create or update: the
// record as CreateRecord or UpdateRecord answers it, or the error that item
// met (a *ValidationError with its per-field problems, ErrConflict,
// ErrNotFound, …).
type WriteResult struct {
	Record Record
	Err    error
}

// CreateRecords creates up to MaxBulkWrites records of a form. The batch is
// per item, not all or nothing: each record goes through the single-record
// write pipeline as its own unit of work (its history entry and its
// record.created event), and one item's failure does not stop the others.
// The answer has one result per input, in order. No inputs or more than
// MaxBulkWrites is a validation error on "items"; an actor or form problem
// common to all items is returned as the error, before anything is written.
func (e *Engine) CreateRecords(ctx context.Context, a Actor, formID string, inputs []map[string]any, opts WriteOptions) ([]WriteResult, error) {
	if err := e.allow(ctx, a, ActRecordCreate, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := checkBulkWrites(len(inputs)); err != nil {
		return nil, err
	}
	if _, err := e.CurrentVersion(ctx, a, formID); err != nil {
		return nil, err
	}
	return eachItem(ctx, len(inputs), func(i int) (Record, error) {
		in := inputs[i]
		if in == nil {
			in = map[string]any{}
		}
		return e.CreateRecord(ctx, a, formID, in, opts)
	}), nil
}

// UpdateRecords changes up to MaxBulkWrites records of a form, per item
// like CreateRecords: each change is UpdateRecord (its version is a
// compare-and-set, so a stale or repeated item is ErrConflict), with its own
// history entry and record.updated event. It needs the bulk-edit action,
// like the other bulk operations, and the edit rows of each record.
func (e *Engine) UpdateRecords(ctx context.Context, a Actor, formID string, changes []RecordChange, opts WriteOptions) ([]WriteResult, error) {
	if err := e.allow(ctx, a, ActRecordBulkEdit, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := e.allow(ctx, a, ActRecordEdit, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := checkBulkWrites(len(changes)); err != nil {
		return nil, err
	}
	if _, err := e.CurrentVersion(ctx, a, formID); err != nil {
		return nil, err
	}
	return eachItem(ctx, len(changes), func(i int) (Record, error) {
		c := changes[i]
		if c.ID == "" {
			return Record{}, invalid(fieldErr("id", CodeRequired, nil))
		}
		return e.UpdateRecord(ctx, a, formID, c.ID, c.Data, c.Version, opts)
	}), nil
}

// checkBulkWrites refuses a bulk write with no items or more than MaxBulkWrites.
func checkBulkWrites(n int) error {
	if n == 0 {
		return invalid(fieldErr("items", CodeRequired, nil))
	}
	if n > MaxBulkWrites {
		return invalid(fieldErr("items", CodeMaxItems, map[string]any{"max": MaxBulkWrites}))
	}
	return nil
}

// eachItem runs fn for items 0..n-1 in order, each its own unit of work;
// a cancelled context fails the items not yet written.
func eachItem(ctx context.Context, n int, fn func(i int) (Record, error)) []WriteResult {
	out := make([]WriteResult, n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			out[i].Err = err
			continue
		}
		out[i].Record, out[i].Err = fn(i)
	}
	return out
}
