package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine"
)

// NeedsSetup reports whether no account exists yet (first run).
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.e.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("auth: count users: %w", err)
	}
	return n == 0, nil
}

// NewSetupToken makes the one-time token POST /api/v1/setup requires and
// returns it; only its hash is kept, in memory, so it is valid until this
// process stops or setup succeeds. Each call replaces the previous token.
func (s *Service) NewSetupToken() string {
	t := newSecret()
	s.setupMu.Lock()
	s.setupHash = hashSecret(t)
	s.setupMu.Unlock()
	return t
}

// SetupInput is the first-run form: the first admin and the first workspace.
type SetupInput struct {
	Token     string                `json:"token"`
	Email     string                `json:"email"`
	Name      string                `json:"name"`
	Password  string                `json:"password"`
	Workspace engine.WorkspaceInput `json:"workspace"`
}

// Setup creates the first admin and the first workspace, once, for the
// holder of the setup token, and opens a session for the admin.
func (s *Service) Setup(ctx context.Context, in SetupInput, userAgent string) (SessionGrant, engine.Workspace, error) {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupHash == "" {
		return SessionGrant{}, engine.Workspace{}, ErrSetupDone
	}
	need, err := s.NeedsSetup(ctx)
	if err != nil {
		return SessionGrant{}, engine.Workspace{}, err
	}
	if !need {
		s.setupHash = ""
		return SessionGrant{}, engine.Workspace{}, ErrSetupDone
	}
	if in.Token == "" || !sameHash(hashSecret(in.Token), s.setupHash) {
		return SessionGrant{}, engine.Workspace{}, ErrSetupToken
	}
	// Every problem at once: the account, the workspace and the password.
	problems := engine.SetupProblems(&engine.UserInput{Email: in.Email, Name: in.Name}, &in.Workspace)
	var pe *PasswordError
	if errors.As(CheckPassword(in.Password, in.Email, in.Name), &pe) {
		problems = append(problems, pe.Field)
	}
	if len(problems) > 0 {
		return SessionGrant{}, engine.Workspace{}, &engine.ValidationError{Fields: problems}
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return SessionGrant{}, engine.Workspace{}, err
	}
	u, ws, err := s.e.Setup(ctx, engine.UserInput{Email: in.Email, Name: in.Name, PasswordHash: hash}, in.Workspace)
	if err != nil {
		return SessionGrant{}, engine.Workspace{}, fmt.Errorf("auth: setup: %w", err)
	}
	s.setupHash = ""
	g, err := s.openSession(ctx, u, userAgent)
	if err != nil {
		return SessionGrant{}, engine.Workspace{}, err
	}
	s.log.Info("first-run setup done", "user", u.ID, "workspace", ws.ID)
	return g, ws, nil
}
