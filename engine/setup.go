package engine

import (
	"context"
	"errors"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Setup creates the first account and the first workspace with that account
// as its admin, in one unit of work: a bad workspace input leaves no account
// behind. The caller (first-run setup) makes sure it runs only once.
func (e *Engine) Setup(ctx context.Context, user UserInput, ws WorkspaceInput) (User, Workspace, error) {
	if p := SetupProblems(&user, &ws); len(p) > 0 {
		return User{}, Workspace{}, invalid(p...)
	}
	wsID := store.NewID()
	user.Home = wsID
	uw, err := userWrite(user)
	if err != nil {
		return User{}, Workspace{}, err
	}
	u := store.UnitOfWork{Actor: uw.Doc.ID,
		Writes: []store.Write{uw,
			{Op: store.OpInsert, Collection: collWorkspaces, Doc: store.Document{ID: wsID, Data: map[string]any{
				"name": ws.Name, "time_zone": ws.TimeZone, "language": ws.Language}}},
			memberWrite(wsID, uw.Doc.ID, RoleAdmin, nil),
		},
	}
	u.Events = []store.Event{
		userEvent(EventUserCreated, wsID, uw.Doc.ID),
		newEvent(EventWorkspaceCreated, wsID, collWorkspaces, wsID, WorkspacePayload{Workspace: wsID, Name: ws.Name, TimeZone: ws.TimeZone, Language: ws.Language}),
		memberAddedEvent(wsID, u.Writes[2]),
	}
	res, err := e.commit(ctx, u)
	if errors.Is(err, store.ErrDuplicate) {
		return User{}, Workspace{}, invalid(fieldErr("email", CodeTaken, nil))
	}
	if err != nil {
		return User{}, Workspace{}, mapStoreErr(err)
	}
	return userFrom(res.Docs[0]), workspaceFrom(res.Docs[1]), nil
}

// CreateMember creates an account and makes it a member of the actor's
// workspace in one unit of work (admins only).
func (e *Engine) CreateMember(ctx context.Context, a Actor, user UserInput, role Role, departments []string) (User, Member, error) {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return User{}, Member{}, err
	}
	if !ValidRole(role) {
		return User{}, Member{}, invalid(fieldErr("role", CodeOption, map[string]any{"value": string(role)}))
	}
	if err := e.checkDepartments(ctx, a.Workspace, departments); err != nil {
		return User{}, Member{}, err
	}
	user.Home = a.Workspace
	uw, err := userWrite(user)
	if err != nil {
		return User{}, Member{}, err
	}
	mw := memberWrite(a.Workspace, uw.Doc.ID, role, departments)
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{uw, mw},
		Events: []store.Event{userEvent(EventUserCreated, a.Workspace, uw.Doc.ID), memberAddedEvent(a.Workspace, mw)}})
	if errors.Is(err, store.ErrDuplicate) {
		return User{}, Member{}, invalid(fieldErr("email", CodeTaken, nil))
	}
	if err != nil {
		return User{}, Member{}, mapStoreErr(err)
	}
	return userFrom(res.Docs[0]), memberFrom(res.Docs[1]), nil
}

// SetupProblems lists every problem of a first-run setup at once: the
// account's (email, name) and the workspace's (paths under "workspace."),
// so the person setting up fixes them in one go.
func SetupProblems(user *UserInput, ws *WorkspaceInput) []field.Error {
	p := userProblems(user)
	for _, fe := range ws.problems() {
		fe.Path = "workspace." + fe.Path
		p = append(p, fe)
	}
	return p
}

// userProblems normalizes an account input in place and lists its problems.
func userProblems(in *UserInput) []field.Error {
	var p []field.Error
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		p = append(p, validationFields(err)...)
	} else {
		in.Email = email
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := checkName("name", in.Name); err != nil {
		p = append(p, validationFields(err)...)
	}
	return p
}

// userWrite validates an account input and returns its insert.
func userWrite(in UserInput) (store.Write, error) {
	if p := userProblems(&in); len(p) > 0 {
		return store.Write{}, invalid(p...)
	}
	return store.Write{Op: store.OpInsert, Collection: collUsers, Doc: store.Document{ID: store.NewID(),
		Data: userData(in.Email, in.Name, in.PasswordHash, false, in.Home)}}, nil
}

func memberWrite(ws, userID string, role Role, departments []string) store.Write {
	return store.Write{Op: store.OpInsert, Collection: collMembers, Doc: store.Document{ID: store.NewID(), Data: memberData(ws, userID, role, departments, false)}}
}

// WorkspaceUser is a member of a workspace with its account.
type WorkspaceUser struct {
	User   User
	Member Member
}

// WorkspaceUsers lists the members of the actor's workspace with their
// accounts, reading the accounts in batches rather than one by one.
func (e *Engine) WorkspaceUsers(ctx context.Context, a Actor) ([]WorkspaceUser, error) {
	members, err := e.Members(ctx, a)
	if err != nil {
		return nil, err
	}
	ids := make([]any, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	users := map[string]User{}
	for start := 0; start < len(ids); start += store.MaxListValues {
		end := min(start+store.MaxListValues, len(ids))
		docs, err := e.findAll(ctx, collUsers, store.Where(store.FieldID, store.OpIn, ids[start:end]), nil)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			users[d.ID] = userFrom(d)
		}
	}
	out := make([]WorkspaceUser, 0, len(members))
	for _, m := range members {
		if u, ok := users[m.UserID]; ok {
			out = append(out, WorkspaceUser{User: u, Member: m})
		}
	}
	return out, nil
}
