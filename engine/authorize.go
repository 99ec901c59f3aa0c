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
)

// Resource names what an action applies to, from the workspace down; empty
// parts are not known or do not apply.
type Resource struct {
	Workspace string
	App       string
	Form      string
	Record    string
}

// Decision is an Authorizer's answer. Rows and Fields narrow an allowed
// action: Rows is a filter every record read or written must match (nil:
// every row); Fields is the allowlist of field keys the actor may see and
// write (nil: every field). Reason says why an action is refused (for logs).
type Decision struct {
	Allowed bool
	Rows    *store.Filter
	Fields  []string
	Reason  string
}

// Authorizer decides whether an actor may take an action on a resource.
// engine/access implements it; cmd wires it into Options.Authorizer.
type Authorizer interface {
	Decide(ctx context.Context, a Actor, act Action, r Resource) (Decision, error)
}

// denyAll is the authorizer of an engine nobody wired one into: it refuses
// everything, so a missing wiring fails closed and says why.
type denyAll struct{}

func (denyAll) Decide(context.Context, Actor, Action, Resource) (Decision, error) {
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
	d, err := e.authz.Decide(ctx, a, act, r)
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
