package engine

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// DeletePlaceholderUser deletes an account that was created as a
// placeholder and never used: homed in the actor's workspace, without a
// password and a member of no workspace (its membership ended first). The
// template installer undoes the sample members of a failed install with it;
// any other account is refused (workspace admins only).
func (e *Engine) DeletePlaceholderUser(ctx context.Context, a Actor, userID string) error {
	if err := e.allow(ctx, a, ActMembersManage, Resource{}); err != nil {
		return err
	}
	u, err := e.User(ctx, userID)
	if err != nil {
		return err
	}
	if u.Home != a.Workspace || u.PasswordHash != "" {
		return fmt.Errorf("%w: user %s is not a placeholder of this workspace", ErrForbidden, userID)
	}
	f := store.Where("user", store.OpEq, userID)
	n, err := e.st.Count(ctx, collMembers, store.Query{Filter: &f})
	if err != nil {
		return mapStoreErr(err)
	}
	if n > 0 {
		return invalid(fieldErr("id", CodeInUse, map[string]any{"members": n}))
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collUsers, Doc: store.Document{ID: userID}}},
		Events: []store.Event{userEvent(EventUserDeleted, a.Workspace, userID)}})
	return mapStoreErr(err)
}
