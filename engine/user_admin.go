package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// MemberAccountUpdate is what a workspace admin may change about a member:
// the membership (role, departments) and the account (name, disabled).
// A nil pointer leaves that part as it is.
//
// Disabled is account-wide, not per workspace: a disabled user cannot sign
// in and none of their sessions or API tokens work, in any workspace.
// MemberDisabled is the membership's own switch: the user keeps their
// account but cannot act in this workspace (sessions act in no workspace
// there, API tokens bound to it are refused). Any admin of the workspace may
// always set it, even when the account is shared with other workspaces.
//
// Because of their reach, account changes (name, disabled, password) are
// allowed only to an admin of the workspace that created the account (its
// home: setup's workspace, or the one whose admin added it with a password)
// who is also an admin of every other workspace the user belongs to. An
// account that joined by accepting an invitation is never controlled by
// the inviting workspace. Otherwise the admin of one team could lock a user
// out of, or take over their account in, another team's workspace. An admin
// cannot disable their own account or membership.
type MemberAccountUpdate struct {
	Name           *string
	Disabled       *bool
	MemberDisabled *bool
	// Role and Departments change the membership; Version is the membership
	// version the caller read (0: unconditional). Departments nil with Role
	// set clears the departments, as UpdateMember does.
	Role        *Role
	Departments *[]string
	Version     int64
	// UserVersion is the account version the caller read (0: unconditional).
	UserVersion int64
}

// UpdateMemberAccount changes a member of the actor's workspace (admins
// only) in one unit of work: membership and account together or neither.
// userID is the member's account id. See MemberAccountUpdate for who may
// change the account.
func (e *Engine) UpdateMemberAccount(ctx context.Context, a Actor, userID string, in MemberAccountUpdate) (User, Member, error) {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return User{}, Member{}, err
	}
	m, u, err := e.adminTarget(ctx, a, userID)
	if err != nil {
		return User{}, Member{}, err
	}
	var writes []store.Write
	var events []store.Event
	if in.Role != nil || in.Departments != nil || in.MemberDisabled != nil {
		role := m.Role
		if in.Role != nil {
			role = *in.Role
		}
		deps := m.Departments
		if in.Departments != nil {
			deps = *in.Departments
		} else if in.Role != nil {
			deps = nil
		}
		if !ValidRole(role) {
			return User{}, Member{}, invalid(fieldErr("role", CodeOption, map[string]any{"value": string(role)}))
		}
		memberOff := m.Disabled
		if in.MemberDisabled != nil {
			memberOff = *in.MemberDisabled
			if memberOff && userID == a.UserID {
				return User{}, Member{}, invalid(fieldErr("memberDisabled", CodeSelfDisable, nil))
			}
		}
		if role != RoleAdmin || (memberOff && !m.Disabled) {
			if err := e.keepAnAdmin(ctx, m); err != nil {
				return User{}, Member{}, err
			}
		}
		if err := e.checkDepartments(ctx, a.Workspace, deps); err != nil {
			return User{}, Member{}, err
		}
		data := memberData(a.Workspace, userID, role, deps, memberOff)
		data["roles"], data["admin_apps"] = anyList(m.Roles), anyList(m.AdminApps)
		writes = append(writes, store.Write{Op: store.OpUpdate, Collection: collMembers, ExpectVersion: in.Version,
			Doc: store.Document{ID: m.ID, Data: data}})
		events = append(events, newEvent(EventMemberUpdated, a.Workspace, collMembers, m.ID, memberPayload(m.ID, data)))
	}
	if in.Name != nil || in.Disabled != nil {
		name, disabled := u.Name, u.Disabled
		if in.Name != nil {
			name = strings.TrimSpace(*in.Name)
			if err := checkName("name", name); err != nil {
				return User{}, Member{}, err
			}
		}
		if in.Disabled != nil {
			disabled = *in.Disabled
			if disabled && userID == a.UserID {
				return User{}, Member{}, invalid(fieldErr("disabled", CodeSelfDisable, nil))
			}
		}
		path := "name"
		if in.Disabled != nil {
			path = "disabled"
		}
		if err := e.requireAccountAdmin(ctx, a, u, path); err != nil {
			return User{}, Member{}, err
		}
		writes = append(writes, userUpdate(u, name, u.PasswordHash, disabled, in.UserVersion))
		if in.Name != nil || disabled == u.Disabled {
			events = append(events, userEvent(EventUserUpdated, a.Workspace, userID))
		}
		if disabled != u.Disabled {
			typ := EventUserEnabled
			if disabled {
				typ = EventUserDisabled
			}
			events = append(events, userEvent(typ, a.Workspace, userID))
		}
	}
	if len(writes) == 0 {
		return u, m, nil
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: writes, Events: events})
	if err != nil {
		return User{}, Member{}, mapStoreErr(err)
	}
	for _, d := range res.Docs {
		switch {
		case d.ID == m.ID:
			m = memberFrom(d)
		case d.ID == u.ID:
			u = userFrom(d)
		}
	}
	return u, m, nil
}

// ResetMemberPassword replaces the password hash of a member of the actor's
// workspace (admins only; the same rule as for other account changes, see
// MemberAccountUpdate). The caller hashes the password and ends the user's
// sessions.
func (e *Engine) ResetMemberPassword(ctx context.Context, a Actor, userID, hash string) (User, error) {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return User{}, err
	}
	if hash == "" {
		return User{}, invalid(fieldErr("password", CodeRequired, nil))
	}
	_, u, err := e.adminTarget(ctx, a, userID)
	if err != nil {
		return User{}, err
	}
	if err := e.requireAccountAdmin(ctx, a, u, "password"); err != nil {
		return User{}, err
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{userUpdate(u, u.Name, hash, u.Disabled, 0)},
		Events: []store.Event{userEvent(EventUserPasswordReset, a.Workspace, userID)}})
	if err != nil {
		return User{}, mapStoreErr(err)
	}
	return userFrom(res.Docs[0]), nil
}

// adminTarget finds the membership and account of userID in the actor's
// workspace; a user of another workspace is not found.
func (e *Engine) adminTarget(ctx context.Context, a Actor, userID string) (Member, User, error) {
	if store.ValidateID(userID) != nil {
		return Member{}, User{}, wrapNotFound("user", userID)
	}
	m, err := e.Membership(ctx, a.Workspace, userID)
	if err != nil {
		return Member{}, User{}, err
	}
	u, err := e.User(ctx, userID)
	if err != nil {
		return Member{}, User{}, err
	}
	return m, u, nil
}

// requireAccountAdmin is nil when the actor may change the account u: it
// is the actor's own, or the actor administers u's home workspace and every
// workspace u belongs to. Otherwise it is a validation error on path:
// account_not_managed (another workspace created the account, or it joined
// by invitation) or account_shared. Accounts from before homes were kept
// have none and follow only the second rule.
func (e *Engine) requireAccountAdmin(ctx context.Context, a Actor, u User, path string) error {
	if u.ID == a.UserID {
		return nil
	}
	if u.Home != "" && u.Home != a.Workspace {
		return invalid(fieldErr(path, CodeAccountNotManaged, nil))
	}
	theirs, err := e.Memberships(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range theirs {
		if m.Workspace == a.Workspace {
			continue
		}
		mine, err := e.Membership(ctx, m.Workspace, a.UserID)
		if errors.Is(err, ErrNotFound) {
			return invalid(fieldErr(path, CodeAccountShared, nil))
		}
		if err != nil {
			return err
		}
		there := Actor{UserID: a.UserID, Name: a.Name, Email: a.Email, Workspace: m.Workspace, Role: mine.Role, Departments: mine.Departments, Source: a.Source}
		if mine.Disabled || e.allow(ctx, there, ActMembersManage, Resource{}) != nil {
			return invalid(fieldErr(path, CodeAccountShared, nil))
		}
	}
	return nil
}

// AccountProblems normalizes an account input in place (email lower-cased,
// name trimmed) and lists every problem of it, so a caller can check an
// input the same way whether or not the account exists.
func AccountProblems(in *UserInput) []field.Error { return userProblems(in) }

// userUpdate is the replacement of an account document.
func userUpdate(u User, name, hash string, disabled bool, version int64) store.Write {
	return store.Write{Op: store.OpUpdate, Collection: collUsers, ExpectVersion: version,
		Doc: store.Document{ID: u.ID, Data: userData(u.Email, name, hash, disabled, u.Home)}}
}

// userData is the stored form of an account. home is the workspace that
// created it ("" when none did: setup's own account has its workspace).
func userData(email, name, hash string, disabled bool, home string) map[string]any {
	d := map[string]any{"email": email, "name": name, "password_hash": hash, "disabled": disabled}
	if home != "" {
		d["home"] = home
	}
	return d
}
