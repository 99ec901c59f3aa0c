package webhook

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine"
)

// actorOf builds the engine actor an endpoint or inbound hook acts as: the
// configured user as a member of ws, so permissions shape what it reads and
// writes. A user who left the workspace or was disabled acts no more.
func (s *Service) actorOf(ctx context.Context, ws, userID string, src engine.Source) (engine.Actor, error) {
	u, err := s.e.User(ctx, userID)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("webhook: actor %s: %w", userID, err)
	}
	if u.Disabled {
		return engine.Actor{}, fmt.Errorf("%w: webhook actor %s is disabled", engine.ErrForbidden, userID)
	}
	m, err := s.e.Membership(ctx, ws, userID)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("webhook: actor %s in %s: %w", userID, ws, err)
	}
	if m.Disabled {
		return engine.Actor{}, fmt.Errorf("%w: webhook actor %s is disabled in the workspace", engine.ErrForbidden, userID)
	}
	return engine.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Workspace: ws, Role: m.Role,
		Departments: m.Departments, Roles: m.Roles, AdminApps: m.AdminApps, Source: src}, nil
}
