package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// SessionGrant is what a login returns: the session credential (shown
// once), the CSRF token cookie-authenticated writes must echo, the user and
// the session's current workspace ("" when the user belongs to none).
type SessionGrant struct {
	Token     string
	CSRF      string
	User      engine.User
	Workspace string
}

// openSession stores a new session for u in its first workspace.
func (s *Service) openSession(ctx context.Context, u engine.User, userAgent string) (SessionGrant, error) {
	ms, err := s.e.Memberships(ctx, u.ID)
	if err != nil {
		return SessionGrant{}, err
	}
	ws := ""
	for _, m := range ms {
		if !m.Disabled {
			ws = m.Workspace
			break
		}
	}
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	secret, csrf := newSecret(), newSecret()
	id := store.NewID()
	expires := s.now().Add(s.opts.SessionTTL)
	_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: u.ID, Writes: []store.Write{{Op: store.OpInsert, Collection: collSessions,
		Doc: store.Document{ID: id, Data: map[string]any{"user": u.ID, "secret_hash": hashSecret(secret), "csrf_hash": hashSecret(csrf),
			"workspace": ws, "expires_at": store.FormatTime(expires), "user_agent": userAgent}}}}})
	if err != nil {
		return SessionGrant{}, fmt.Errorf("auth: open session: %w", err)
	}
	s.log.Info("session opened", "user", u.ID, "session", id)
	return SessionGrant{Token: formatCredential(prefixSession, id, secret), CSRF: csrf, User: u, Workspace: ws}, nil
}

// Logout ends the session p (a no-op for API tokens, which are revoked instead).
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if p.Kind != KindSession {
		return nil
	}
	s.forget(p.CredentialID)
	_, err := s.st.Commit(ctx, store.UnitOfWork{Actor: p.Actor.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collSessions,
		Doc: store.Document{ID: p.CredentialID}}}})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// SwitchWorkspace makes ws the current workspace of session p; the user must
// be a member of ws (otherwise engine.ErrNotFound).
func (s *Service) SwitchWorkspace(ctx context.Context, p Principal, ws string) error {
	if p.Kind != KindSession {
		return fmt.Errorf("%w: an API token is bound to its workspace", engine.ErrForbidden)
	}
	if m, err := s.e.Membership(ctx, ws, p.Actor.UserID); err != nil || m.Disabled {
		return fmt.Errorf("%w: workspace %q", engine.ErrNotFound, ws)
	}
	d, err := s.st.Get(ctx, collSessions, p.CredentialID)
	if err != nil {
		return fmt.Errorf("auth: switch workspace: %w", err)
	}
	d.Data["workspace"] = ws
	_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: p.Actor.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collSessions,
		ExpectVersion: d.Version, Doc: store.Document{ID: d.ID, Data: d.Data}}}})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%w: session changed meanwhile", engine.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("auth: switch workspace: %w", err)
	}
	s.forget(p.CredentialID)
	return nil
}
