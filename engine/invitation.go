package engine

import (
	"context"
	"errors"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// collInvitations keeps pending invitations of existing accounts to
// workspaces: an admin cannot make someone else's account a member; the
// account's owner accepts or declines.
const collInvitations = "invitations"

// Invitation asks an existing account to join a workspace with a role.
type Invitation struct {
	ID          string    `json:"id"`
	Workspace   string    `json:"workspace"`
	UserID      string    `json:"userId"`
	Role        Role      `json:"role"`
	Departments []string  `json:"departments"`
	InvitedBy   string    `json:"invitedBy"`
	CreatedAt   time.Time `json:"createdAt"`
}

// InvitationForMe is an invitation as its invitee sees it: with the
// workspace's and the inviter's names.
type InvitationForMe struct {
	Invitation
	WorkspaceName string `json:"workspaceName"`
	InviterName   string `json:"inviterName"`
}

// Invite asks the account userID to join the actor's workspace (admins
// only). Nothing changes when the account is already a member or already
// invited: the caller answers the same either way, so the answer does not
// say whether, or where, the account exists.
func (e *Engine) Invite(ctx context.Context, a Actor, userID string, role Role, departments []string) error {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return err
	}
	if !ValidRole(role) {
		return invalid(fieldErr("role", CodeOption, map[string]any{"value": string(role)}))
	}
	if err := e.checkDepartments(ctx, a.Workspace, departments); err != nil {
		return err
	}
	if _, err := e.Membership(ctx, a.Workspace, userID); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	id := store.NewID()
	_, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpInsert, Collection: collInvitations, Doc: store.Document{ID: id, Data: map[string]any{
			"workspace": a.Workspace, "user": userID, "role": string(role), "departments": anyList(departments), "invited_by": a.UserID}}}},
		Events: []store.Event{newEvent(EventMemberInvited, a.Workspace, collInvitations, id, InvitationPayload{Invitation: id, User: userID, Role: string(role)})}})
	if errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	return mapStoreErr(err)
}

// MyInvitations lists the pending invitations of the account userID.
func (e *Engine) MyInvitations(ctx context.Context, userID string) ([]InvitationForMe, error) {
	docs, err := e.findAll(ctx, collInvitations, store.Where("user", store.OpEq, userID), []store.SortKey{{Field: store.FieldCreatedAt}})
	if err != nil {
		return nil, err
	}
	out := make([]InvitationForMe, 0, len(docs))
	for _, d := range docs {
		inv := invitationFrom(d)
		ws, err := e.Workspace(ctx, inv.Workspace)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		item := InvitationForMe{Invitation: inv, WorkspaceName: ws.Name}
		if u, err := e.User(ctx, inv.InvitedBy); err == nil {
			item.InviterName = u.Name
		}
		out = append(out, item)
	}
	return out, nil
}

// RespondInvitation accepts or declines the invitation id of the account
// userID; accepting makes the account a member with the invited role, in
// the same unit of work that removes the invitation. Another account's
// invitation is not found.
func (e *Engine) RespondInvitation(ctx context.Context, userID, id string, accept bool) (*Member, error) {
	if store.ValidateID(id) != nil {
		return nil, wrapNotFound("invitation", id)
	}
	d, err := e.st.Get(ctx, collInvitations, id)
	if err != nil {
		return nil, mapStoreErr(err)
	}
	inv := invitationFrom(d)
	if inv.UserID != userID {
		return nil, wrapNotFound("invitation", id)
	}
	writes := []store.Write{{Op: store.OpHardDelete, Collection: collInvitations, Doc: store.Document{ID: id}}}
	ev := newEvent(EventMemberInvitationDeclined, inv.Workspace, collInvitations, id, InvitationPayload{Invitation: id, User: userID, Role: string(inv.Role)})
	if accept {
		if _, err := e.Membership(ctx, inv.Workspace, userID); err == nil {
			accept = false // already a member: only the invitation goes
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		} else {
			mw := memberWrite(inv.Workspace, userID, inv.Role, e.liveDepartments(ctx, inv.Workspace, inv.Departments))
			writes = append(writes, mw)
			ev = memberAddedEvent(inv.Workspace, mw)
		}
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: userID, Writes: writes, Events: []store.Event{ev}})
	if err != nil {
		return nil, mapStoreErr(err)
	}
	if accept {
		m := memberFrom(res.Docs[1])
		return &m, nil
	}
	return nil, nil
}

// liveDepartments keeps the departments of an invitation that still exist.
func (e *Engine) liveDepartments(ctx context.Context, ws string, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if e.checkDepartments(ctx, ws, []string{id}) == nil {
			out = append(out, id)
		}
	}
	return out
}

func invitationFrom(d store.Document) Invitation {
	return Invitation{ID: d.ID, Workspace: str(d.Data, "workspace"), UserID: str(d.Data, "user"), Role: Role(str(d.Data, "role")),
		Departments: strList(d.Data, "departments"), InvitedBy: str(d.Data, "invited_by"), CreatedAt: d.CreatedAt}
}
