package auth

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// UpdateMember changes a member's membership and account as a workspace
// admin (see engine.MemberAccountUpdate for who may change an account).
// Disabling an account ends its sessions at once; its API tokens are kept
// but refused while it stays disabled (Authenticate checks the account), so
// enabling it again brings the integrations back without new secrets.
func (s *Service) UpdateMember(ctx context.Context, a engine.Actor, userID string, in engine.MemberAccountUpdate) (engine.User, engine.Member, error) {
	u, m, err := s.e.UpdateMemberAccount(ctx, a, userID, in)
	if err != nil {
		return engine.User{}, engine.Member{}, err
	}
	s.invalidateUser(userID)
	if in.MemberDisabled != nil && *in.MemberDisabled {
		s.log.Info("member disabled in workspace", "user", userID, "by", a.UserID, "workspace", a.Workspace)
	}
	if in.Disabled != nil && *in.Disabled {
		if err := s.EndSessions(ctx, a.UserID, userID); err != nil {
			return engine.User{}, engine.Member{}, err
		}
		s.log.Info("account disabled", "user", userID, "by", a.UserID, "workspace", a.Workspace)
	}
	return u, m, nil
}

// ResetPassword sets a new password for a member of the admin's workspace
// (hashed with argon2id) and ends the member's sessions, so whoever held the
// old password is signed out everywhere. API tokens stay valid.
func (s *Service) ResetPassword(ctx context.Context, a engine.Actor, userID, password string) error {
	if _, err := s.e.Authorize(ctx, a, engine.ActMembersManage, engine.Resource{}); err != nil {
		return err
	}
	m, err := s.e.Membership(ctx, a.Workspace, userID)
	if err != nil {
		return err
	}
	target, err := s.e.User(ctx, m.UserID)
	if err != nil {
		return err
	}
	if err := CheckPassword(password, target.Email, target.Name); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	u, err := s.e.ResetMemberPassword(ctx, a, userID, hash)
	if err != nil {
		return err
	}
	s.invalidateUser(userID)
	if err := s.EndSessions(ctx, a.UserID, userID); err != nil {
		return err
	}
	s.throttle.forgetAccount(u.Email) // the member may sign in with the new password at once
	s.log.Info("password reset by an admin", "user", userID, "by", a.UserID, "workspace", a.Workspace)
	return nil
}

// EndSessions deletes every browser session of userID; by is the actor
// recorded on the deletes.
func (s *Service) EndSessions(ctx context.Context, by, userID string) error {
	f := store.Where("user", store.OpEq, userID)
	for {
		p, err := s.st.Find(ctx, collSessions, store.Query{Filter: &f, Limit: store.MaxPageSize})
		if err != nil {
			return fmt.Errorf("auth: list sessions: %w", err)
		}
		if len(p.Docs) == 0 {
			return nil
		}
		writes := make([]store.Write, len(p.Docs))
		for i, d := range p.Docs {
			s.forget(d.ID)
			writes[i] = store.Write{Op: store.OpHardDelete, Collection: collSessions, Doc: store.Document{ID: d.ID}}
		}
		if _, err := s.st.Commit(ctx, store.UnitOfWork{Actor: by, Writes: writes}); err != nil {
			return fmt.Errorf("auth: end sessions: %w", err)
		}
	}
}
