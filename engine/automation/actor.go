package automation

import (
	"context"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
)

// actorTTL bounds how long a resolved actor is trusted: a member whose
// role or membership changed acts with the new rights within it.
const actorTTL = 10 * time.Second

type actorEntry struct {
	a   engine.Actor
	err error
	at  time.Time
}

// actorFor builds the engine actor of member user in ws, as automations
// act: with the member's roles and departments and Source automation. A
// disabled or departed member, or a disabled account, is ErrForbidden.
func (s *Service) actorFor(ctx context.Context, ws, user string) (engine.Actor, error) {
	key := ws + "|" + user
	if x, ok := s.actors.Load(key); ok {
		if e := x.(actorEntry); time.Since(e.at) < actorTTL {
			return e.a, e.err
		}
	}
	a, err := s.resolveActor(ctx, ws, user)
	s.actors.Store(key, actorEntry{a: a, err: err, at: time.Now()})
	return a, err
}

func (s *Service) resolveActor(ctx context.Context, ws, user string) (engine.Actor, error) {
	if user == "" {
		return engine.Actor{}, fmt.Errorf("%w: no actor", engine.ErrForbidden)
	}
	u, err := s.e.User(ctx, user)
	if err != nil {
		return engine.Actor{}, fmt.Errorf("%w: actor %s: %v", engine.ErrForbidden, user, err)
	}
	if u.Disabled {
		return engine.Actor{}, fmt.Errorf("%w: actor %s is disabled", engine.ErrForbidden, user)
	}
	m, err := s.e.Membership(ctx, ws, user)
	if err != nil || m.Disabled {
		return engine.Actor{}, fmt.Errorf("%w: actor %s is not an active member", engine.ErrForbidden, user)
	}
	return engine.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Workspace: ws, Role: m.Role, Departments: m.Departments,
		Roles: m.Roles, AdminApps: m.AdminApps, Source: engine.SourceAutomation}, nil
}

// userValue is the expression's user: who made the triggering change
// (the automation's actor for timers and schedules).
func userValue(a engine.Actor) map[string]any {
	deps := make([]any, len(a.Departments))
	for i, d := range a.Departments {
		deps[i] = d
	}
	roles := []any{string(a.Role)}
	for _, r := range a.Roles {
		roles = append(roles, r)
	}
	return map[string]any{"id": a.UserID, "name": a.Name, "email": a.Email, "departments": deps, "roles": roles}
}
