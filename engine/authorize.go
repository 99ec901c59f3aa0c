package engine

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// Action is something an actor may be allowed to do. The engine asks its
// Authorizer about one before every operation; engine/access decides.
type Action string

// Actions the engine asks about. Design and organisation actions are
// admin-only today; record actions are open to every member (the
// permissions capability narrows them per form).
const (
	// ActWorkspaceManage: change the workspace's settings.
	ActWorkspaceManage Action = "workspace.manage"
	// ActMembersManage: add, invite, change, disable and remove members.
	ActMembersManage Action = "members.manage"
	// ActDepartmentsManage: create, change and delete departments.
	ActDepartmentsManage Action = "departments.manage"
	// ActAppManage: create, change, delete and restore apps.
	ActAppManage Action = "app.manage"
	// ActFormDesign: create forms, save drafts, delete and publish forms.
	ActFormDesign Action = "form.design"
	// ActJobsManage: see background work (consumers, queues, the
	// workspace's dead letters) and retry or discard dead letters.
	ActJobsManage Action = "jobs.manage"
	// ActRolesManage: create, rename and delete roles, and give members
	// roles and app administration.
	ActRolesManage Action = "roles.manage"
	// ActPermissionsManage: change a form's permission sets (workspace
	// admins and the admins of the form's app).
	ActPermissionsManage Action = "permissions.manage"
	// ActFilesReadAll: read and attach any file of the workspace, whoever
	// uploaded it and whether or not a record refers to it.
	ActFilesReadAll Action = "files.read_all"

	// ActRecordView: read records (pages, single records, lookups).
	ActRecordView Action = "record.view"
	// ActRecordCreate: create records.
	ActRecordCreate Action = "record.create"
	// ActRecordEdit: change records.
	ActRecordEdit Action = "record.edit"
	// ActRecordDelete: move records to the recycle bin.
	ActRecordDelete Action = "record.delete"
	// ActRecordRestore: take records out of the recycle bin.
	ActRecordRestore Action = "record.restore"
	// ActRecordImport: import a file of records.
	ActRecordImport Action = "record.import"
	// ActRecordExport: download records as a file.
	ActRecordExport Action = "record.export"
	// ActRecordHistory: read a record's history.
	ActRecordHistory Action = "record.history"
	// ActRecordBulkEdit: change or delete many records in one request.
	ActRecordBulkEdit Action = "record.bulk_edit"
	// ActRecordTransfer: change a record's owner.
	ActRecordTransfer Action = "record.transfer"
)

// Resource names what an action applies to, from the workspace down; empty
// parts are not known or do not apply.
type Resource struct {
	Workspace string
	App       string
	Form      string
	Record    string
}

// Decision is an Authorizer's answer. Rows and Mask narrow an allowed
// record action: Rows is a filter, in the query model over field keys and
// record properties with placeholders already resolved, that every record
// read or written must match (nil: every row); Mask says which fields the
// actor may see and change (nil: all). Both are shared and read-only.
// Reason says why an action is refused (for logs).
type Decision struct {
	Allowed bool
	Rows    *store.Filter
	Mask    *FieldMask
	Reason  string
}

// Authorizer decides whether an actor may take an action on a resource.
// engine/access implements it; cmd wires it into Options.Authorizer. f
// gives it the trusted reads it needs (permission sets, versions, the
// organisation).
type Authorizer interface {
	Decide(ctx context.Context, f Facts, a Actor, act Action, r Resource) (Decision, error)
}

// denyAll is the authorizer of an engine nobody wired one into: it refuses
// everything, so a missing wiring fails closed and says why.
type denyAll struct{}

func (denyAll) Decide(context.Context, Facts, Actor, Action, Resource) (Decision, error) {
	return Decision{Reason: "no authorizer wired (engine.Options.Authorizer)"}, nil
}

// Authorize asks the engine's authorizer whether a may take act on r. The
// actor is checked first (workspace, user, source); the workspace of r is
// always the actor's. A refusal is ErrForbidden.
func (e *Engine) Authorize(ctx context.Context, a Actor, act Action, r Resource) (Decision, error) {
	if err := a.check(); err != nil {
		return Decision{}, err
	}
	r.Workspace = a.Workspace
	d, err := e.authz.Decide(ctx, e, a, act, r)
	if err != nil {
		return Decision{}, fmt.Errorf("engine: authorize %s: %w", act, err)
	}
	if !d.Allowed {
		reason := d.Reason
		if reason == "" {
			reason = string(act) + " not allowed"
		}
		return Decision{}, fmt.Errorf("%w: %s", ErrForbidden, reason)
	}
	return d, nil
}

// allow is Authorize for callers that need only the yes or no.
func (e *Engine) allow(ctx context.Context, a Actor, act Action, r Resource) error {
	_, err := e.Authorize(ctx, a, act, r)
	return err
}

// binAction is the action of a move into or out of the recycle bin.
func binAction(op store.WriteOp) Action {
	if op == store.OpRestore {
		return ActRecordRestore
	}
	return ActRecordDelete
}
