package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/hook"
	"github.com/formloom/formloom/engine/store"
)

// RecordAction is what a record write does.
type RecordAction string

// The record actions a RecordWriting handler sees.
const (
	RecordCreate  RecordAction = "create"
	RecordUpdate  RecordAction = "update"
	RecordDelete  RecordAction = "delete"
	RecordRestore RecordAction = "restore"
)

// RecordWritingEvent is triggered for every record write, whatever its
// source (single writes, bulk deletes, each row of an import), after the
// input is normalized, computed and validated and before the unit of work
// is committed (docs/lifecycle.md). A handler may
//   - refuse the write by returning an error: Veto or VetoFields for a
//     problem the user fixes, an error matching ErrForbidden for a refusal,
//     anything else as an internal error; nothing of the write is stored;
//   - add writes, events and queue items that commit in the same unit of
//     work as the record, all or nothing (AddWrite, AddEvent, Enqueue);
//   - call e.Next() to let the write go on: a handler that returns nil
//     without calling Next stops the write, which the caller gets as an
//     internal error, so forgetting Next never loses a write silently.
//
// Handlers run inside the request: they must be quick and must not write to
// the store themselves (their writes would not be part of the unit). Data
// and Old are the engine's own maps: read them, never change them.
type RecordWritingEvent struct {
	hook.Event
	Context context.Context
	Actor   Actor
	Action  RecordAction
	// Version is the compiled form version the record is written with.
	Version *Version
	// RecordID is the record's id (already chosen for a create).
	RecordID string
	// Old is the record before the write; nil for a create.
	Old *Record
	// Data holds the record's field values after the write (for delete and
	// restore, the values it has).
	Data map[string]any
	// Changed lists the field keys whose values change.
	Changed []string
	Options WriteOptions
	// Import is true for a row of an import: every row's additions commit
	// in the import's single unit of work.
	Import bool

	unit *store.UnitOfWork
	// fctx is the write's field context (clock, time zone), for Now and SetValue.
	fctx field.Context
}

// AddWrite adds a write to the record's unit of work.
func (e *RecordWritingEvent) AddWrite(w store.Write) { e.unit.Writes = append(e.unit.Writes, w) }

// AddEvent adds an outbox event to the record's unit of work.
func (e *RecordWritingEvent) AddEvent(ev store.Event) { e.unit.Events = append(e.unit.Events, ev) }

// Enqueue adds queue items to the record's unit of work.
func (e *RecordWritingEvent) Enqueue(items ...store.QueueItem) {
	e.unit.Enqueue = append(e.unit.Enqueue, items...)
}

// OnRecordWriting returns the hook triggered inside every record write (see
// RecordWritingEvent). Capabilities bind to it when they are wired in cmd.
func (e *Engine) OnRecordWriting() *hook.Hook[*RecordWritingEvent] { return &e.onRecordWriting }

// Veto is the error a RecordWriting handler returns to refuse a write with
// a message for the user in zh-CN and en. path is a field key, or "" for the
// record as a whole. The caller gets a *ValidationError (ErrInvalid) whose
// field error has the code CodeHookVeto and the message as "message".
func Veto(path string, message map[string]string) error {
	if strings.TrimSpace(message["zh-CN"]) == "" && strings.TrimSpace(message["en"]) == "" {
		message = vetoMessage
	}
	return invalid(fieldErr(path, CodeHookVeto, map[string]any{"message": message}))
}

// vetoMessage is the message of a veto that gives none.
var vetoMessage = map[string]string{"zh-CN": "此操作被业务规则拒绝", "en": "A business rule refused this change"}

// VetoFields is the error a RecordWriting handler returns to refuse a write
// with field errors of its own codes (each with texts in engine/i18n).
func VetoFields(errs ...field.Error) error {
	if len(errs) == 0 {
		return Veto("", nil)
	}
	return invalid(errs...)
}

// errHookStopped: a handler returned nil without calling Next.
var errHookStopped = errors.New("engine: a RecordWriting handler stopped the write without calling Next or returning an error")

// writing triggers RecordWriting for one record of u. It returns the error
// to give the caller: a veto as it is (ErrInvalid, ErrForbidden), others wrapped.
func (w *write) writing(ctx context.Context, u *store.UnitOfWork, action RecordAction, id string, data map[string]any, changes []map[string]any, opts WriteOptions, imported bool) error {
	h := &w.e.onRecordWriting
	if h.Length() == 0 {
		return nil
	}
	ev := &RecordWritingEvent{Context: ctx, Actor: w.a, Action: action, Version: w.v, RecordID: id, Old: w.old,
		Data: data, Options: opts, Import: imported, unit: u, fctx: w.ctx}
	for _, c := range changes {
		if k, ok := c["field"].(string); ok {
			ev.Changed = append(ev.Changed, k)
		}
	}
	reached := false
	err := h.Trigger(ev, func(*RecordWritingEvent) error { reached = true; return nil })
	switch {
	case err == nil && !reached:
		return errHookStopped
	case err == nil:
		return nil
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrForbidden), errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		return err
	}
	return fmt.Errorf("engine: RecordWriting handler: %w", err)
}
