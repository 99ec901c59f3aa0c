package engine

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// commit commits a unit of work of the engine's own items. It refuses a
// unit that changes documents without an event, so no change to data or
// design can skip the outbox.
func (e *Engine) commit(ctx context.Context, u store.UnitOfWork) (store.CommitResult, error) {
	if len(u.Writes) > 0 && len(u.Events) == 0 {
		return store.CommitResult{}, fmt.Errorf("engine: a unit of work with %d writes (first to %s) commits no event",
			len(u.Writes), u.Writes[0].Collection)
	}
	res, err := e.st.Commit(ctx, u)
	if err == nil {
		e.invalidateAfter(u)
	}
	return res, err
}

// policyColls are the collections whose changes change who may do what.
var policyColls = map[string]bool{collMembers: true, collDepartments: true, collRoles: true, collFormPermissions: true,
	collApps: true, collForms: true, collUsers: true}

// invalidateAfter tells a caching Authorizer about a committed change of
// the organisation, apps, forms or permission sets.
func (e *Engine) invalidateAfter(u store.UnitOfWork) {
	for _, w := range u.Writes {
		if policyColls[w.Collection] {
			seen := map[string]bool{}
			for _, ev := range u.Events {
				if ev.Workspace != "" && !seen[ev.Workspace] {
					seen[ev.Workspace] = true
					e.invalidate(ev.Workspace)
				}
			}
			return
		}
	}
}

// memberAddedEvent is the member.added event of a membership insert.
func memberAddedEvent(ws string, w store.Write) store.Event {
	return newEvent(EventMemberAdded, ws, collMembers, w.Doc.ID, memberPayload(w.Doc.ID, w.Doc.Data))
}

// memberPayload reads a membership's stored data into its payload.
func memberPayload(id string, data map[string]any) MemberPayload {
	deps, _ := data["departments"].([]any)
	off, _ := data["disabled"].(bool)
	p := MemberPayload{Member: id, User: str(data, "user"), Role: str(data, "role"), Departments: make([]string, 0, len(deps)), Disabled: off,
		Roles: strList(data, "roles"), AdminApps: strList(data, "admin_apps")}
	for _, d := range deps {
		if s, ok := d.(string); ok {
			p.Departments = append(p.Departments, s)
		}
	}
	return p
}

// userEvent is an event of type t about account id.
func userEvent(t EventType, ws, id string) store.Event {
	return newEvent(t, ws, collUsers, id, UserPayload{User: id})
}
