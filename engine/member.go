package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// Member is a user's membership of a workspace.
type Member struct {
	ID          string   `json:"id"`
	Workspace   string   `json:"workspace"`
	UserID      string   `json:"userId"`
	Role        Role     `json:"role"`
	Departments []string `json:"departments"`
	// Disabled keeps the member out of this workspace (account kept).
	Disabled bool `json:"disabled"`
	// Roles are the workspace roles the member holds (ids); AdminApps the
	// apps they administer without being a workspace admin.
	Roles     []string `json:"roles"`
	AdminApps []string `json:"adminApps"`
	Version   int64    `json:"version"`
}

// AddMember makes user a member of the actor's workspace (admins only).
func (e *Engine) AddMember(ctx context.Context, a Actor, userID string, role Role, departments []string) (Member, error) {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return Member{}, err
	}
	if !ValidRole(role) {
		return Member{}, invalid(fieldErr("role", CodeOption, map[string]any{"value": string(role)}))
	}
	if _, err := e.User(ctx, userID); err != nil {
		return Member{}, err
	}
	if err := e.checkDepartments(ctx, a.Workspace, departments); err != nil {
		return Member{}, err
	}
	mw := memberWrite(a.Workspace, userID, role, departments)
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{mw},
		Events: []store.Event{memberAddedEvent(a.Workspace, mw)}})
	if errors.Is(err, store.ErrDuplicate) {
		return Member{}, invalid(fieldErr("userId", CodeAlreadyMember, nil))
	}
	if err != nil {
		return Member{}, mapStoreErr(err)
	}
	return memberFrom(res.Docs[0]), nil
}

// Membership returns the membership of user in workspace ws (ErrNotFound if none).
func (e *Engine) Membership(ctx context.Context, ws, userID string) (Member, error) {
	f := store.And(store.Where("workspace", store.OpEq, ws), store.Where("user", store.OpEq, userID))
	p, err := e.st.Find(ctx, collMembers, store.Query{Filter: &f, Limit: 1})
	if err != nil {
		return Member{}, mapStoreErr(err)
	}
	if len(p.Docs) == 0 {
		return Member{}, fmt.Errorf("%w: membership", ErrNotFound)
	}
	return memberFrom(p.Docs[0]), nil
}

// Memberships lists the workspaces a user belongs to.
func (e *Engine) Memberships(ctx context.Context, userID string) ([]Member, error) {
	docs, err := e.findAll(ctx, collMembers, store.Where("user", store.OpEq, userID), nil)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(docs))
	for i, d := range docs {
		out[i] = memberFrom(d)
	}
	return out, nil
}

// Members lists the members of the actor's workspace.
func (e *Engine) Members(ctx context.Context, a Actor) ([]Member, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collMembers, store.Where("workspace", store.OpEq, a.Workspace), nil)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(docs))
	for i, d := range docs {
		out[i] = memberFrom(d)
	}
	return out, nil
}

// UpdateMember changes a member's role and departments (admins only).
func (e *Engine) UpdateMember(ctx context.Context, a Actor, memberID string, role Role, departments []string, version int64) (Member, error) {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return Member{}, err
	}
	d, err := e.getScoped(ctx, collMembers, a.Workspace, memberID)
	if err != nil {
		return Member{}, err
	}
	if !ValidRole(role) {
		return Member{}, invalid(fieldErr("role", CodeOption, map[string]any{"value": string(role)}))
	}
	if err := e.checkDepartments(ctx, a.Workspace, departments); err != nil {
		return Member{}, err
	}
	if role != RoleAdmin {
		if err := e.keepAnAdmin(ctx, memberFrom(d)); err != nil {
			return Member{}, err
		}
	}
	data := memberData(a.Workspace, str(d.Data, "user"), role, departments, memberFrom(d).Disabled)
	keepAccess(data, d.Data)
	return e.rewriteMember(ctx, a, memberID, data, version)
}

// rewriteMember replaces a membership's stored data, conditional on the
// version read, with its member.updated event.
func (e *Engine) rewriteMember(ctx context.Context, a Actor, memberID string, data map[string]any, version int64) (Member, error) {
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collMembers,
		ExpectVersion: version, Doc: store.Document{ID: memberID, Data: data}}},
		Events: []store.Event{newEvent(EventMemberUpdated, a.Workspace, collMembers, memberID, memberPayload(memberID, data))}})
	if err != nil {
		return Member{}, mapStoreErr(err)
	}
	return memberFrom(res.Docs[0]), nil
}

// RemoveMember ends a membership (admins only).
func (e *Engine) RemoveMember(ctx context.Context, a Actor, memberID string) error {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return err
	}
	d, err := e.getScoped(ctx, collMembers, a.Workspace, memberID)
	if err != nil {
		return err
	}
	if err := e.keepAnAdmin(ctx, memberFrom(d)); err != nil {
		return err
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collMembers, Doc: store.Document{ID: memberID}}},
		Events: []store.Event{newEvent(EventMemberRemoved, a.Workspace, collMembers, memberID, memberPayload(memberID, d.Data))}})
	return mapStoreErr(err)
}

// keepAnAdmin refuses to take the admin role away from m (demotion or
// removal) when m is the workspace's last admin: nobody could manage the
// workspace afterwards. Two concurrent demotions of the last two admins are
// not caught; an admin can be re-created with `formloom admin create`.
func (e *Engine) keepAnAdmin(ctx context.Context, m Member) error {
	if m.Role != RoleAdmin {
		return nil
	}
	f := store.And(store.Where("workspace", store.OpEq, m.Workspace), store.Where("role", store.OpEq, string(RoleAdmin)))
	n, err := e.st.Count(ctx, collMembers, store.Query{Filter: &f})
	if err != nil {
		return mapStoreErr(err)
	}
	if n <= 1 {
		return invalid(fieldErr("role", CodeLastAdmin, nil))
	}
	return nil
}

func memberFrom(d store.Document) Member {
	off, _ := d.Data["disabled"].(bool)
	return Member{ID: d.ID, Workspace: str(d.Data, "workspace"), UserID: str(d.Data, "user"), Role: Role(str(d.Data, "role")),
		Departments: strList(d.Data, "departments"), Disabled: off, Roles: strList(d.Data, "roles"), AdminApps: strList(d.Data, "admin_apps"),
		Version: d.Version}
}

// memberData is the stored form of a membership.
func memberData(ws, userID string, role Role, departments []string, disabled bool) map[string]any {
	return map[string]any{"workspace": ws, "user": userID, "role": string(role), "departments": anyList(departments), "disabled": disabled}
}

// keepAccess copies a membership's roles and app administration from the
// stored data src into dst (a rewrite of role or departments keeps them).
func keepAccess(dst, src map[string]any) {
	dst["roles"] = anyList(strList(src, "roles"))
	dst["admin_apps"] = anyList(strList(src, "admin_apps"))
}
