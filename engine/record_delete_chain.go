package engine

import (
	"context"

	"github.com/formloom/formloom/engine/store"
)

// DeleteRecordWith is DeleteRecord with write options: an automation's or
// a flow's delete passes its WriteOptions.Chain on (recorded in history and
// in the record.deleted event, like its creates and updates), so a loop
// that goes through a delete is stopped too.
func (e *Engine) DeleteRecordWith(ctx context.Context, a Actor, formID, id string, version int64, opts WriteOptions) error {
	return e.binMove(ctx, a, formID, id, version, store.OpSoftDelete, opts)
}
