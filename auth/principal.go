package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Kind tells how a principal authenticated.
type Kind string

// Credential kinds.
const (
	KindSession Kind = "session"
	KindToken   Kind = "token"
)

// Token scopes, matched against the action of the route (server's route
// table), never the HTTP method: "read" allows read actions (including
// POST …/records/query and export), "write" read and write actions, and
// "admin" every action, including design and workspace administration.
// The role of the token's user still decides on top of the scope.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
	ScopeAdmin = "admin"
)

// Route actions a scope is checked against.
const (
	ActionRead  = "read"
	ActionWrite = "write"
	ActionAdmin = "admin"
)

// Principal is an authenticated credential and the actor it stands for. The
// caller sets Actor.Source from the transport (cookie or header).
type Principal struct {
	Kind         Kind
	CredentialID string
	Actor        engine.Actor
	// Scopes of an API token; nil for sessions, which may do everything the role allows.
	Scopes []string
	// ExpiresAt is when the credential stops working (zero: never).
	ExpiresAt time.Time

	csrfHash string
}

// CheckCSRF reports whether token is the CSRF token of this session.
func (p Principal) CheckCSRF(token string) bool {
	return p.Kind == KindSession && token != "" && sameHash(hashSecret(token), p.csrfHash)
}

// Allows reports whether the credential's scopes allow a route of this
// action (ActionRead, ActionWrite or ActionAdmin). Sessions may do
// everything their role allows; an unknown action is refused.
func (p Principal) Allows(action string) bool {
	if p.Kind == KindSession {
		return true
	}
	has := func(sc string) bool { return slices.Contains(p.Scopes, sc) }
	switch action {
	case ActionRead:
		return has(ScopeRead) || has(ScopeWrite) || has(ScopeAdmin)
	case ActionWrite:
		return has(ScopeWrite) || has(ScopeAdmin)
	case ActionAdmin:
		return has(ScopeAdmin)
	}
	return false
}

type cached struct {
	p          Principal
	secretHash string
	until      time.Time
}

// Authenticate resolves a credential (session or API token) to a principal.
// Unknown, expired and revoked credentials, disabled users and tokens whose
// user left the workspace are ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, credential string) (Principal, error) {
	prefix, id, secret, ok := parseCredential(credential)
	if !ok {
		return Principal{}, ErrUnauthenticated
	}
	now := s.now()
	sh := hashSecret(secret)
	if s.opts.CacheTTL > 0 {
		s.cacheMu.Lock()
		c, hit := s.cache[id]
		s.cacheMu.Unlock()
		if hit && now.Before(c.until) && sameHash(sh, c.secretHash) && (c.p.ExpiresAt.IsZero() || now.Before(c.p.ExpiresAt)) {
			return c.p, nil
		}
	}
	coll := collSessions
	if prefix == prefixToken {
		coll = collTokens
	}
	d, err := s.st.Get(ctx, coll, id)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: read credential: %w", err)
	}
	stored := str(d.Data, "secret_hash")
	if !sameHash(sh, stored) {
		return Principal{}, ErrUnauthenticated
	}
	p := Principal{CredentialID: id, csrfHash: str(d.Data, "csrf_hash")}
	if exp := str(d.Data, "expires_at"); exp != "" {
		t, err := store.ParseTime(exp)
		if err != nil || !now.Before(t) {
			return Principal{}, ErrUnauthenticated
		}
		p.ExpiresAt = t
	}
	if prefix == prefixToken {
		p.Kind = KindToken
		for _, sc := range toStrings(d.Data["scopes"]) {
			p.Scopes = append(p.Scopes, sc)
		}
	} else {
		p.Kind = KindSession
	}
	actor, err := s.actor(ctx, str(d.Data, "user"), str(d.Data, "workspace"), p.Kind)
	if err != nil {
		return Principal{}, err
	}
	p.Actor = actor
	if s.opts.CacheTTL > 0 {
		s.cacheMu.Lock()
		if len(s.cache) > 100000 {
			clear(s.cache)
		}
		s.cache[id] = cached{p: p, secretHash: stored, until: now.Add(s.opts.CacheTTL)}
		s.cacheMu.Unlock()
	}
	return p, nil
}

// actor builds the engine actor of a user in a workspace. A session whose
// user left its workspace acts in none; a token bound to it stops working.
func (s *Service) actor(ctx context.Context, userID, ws string, kind Kind) (engine.Actor, error) {
	u, err := s.e.User(ctx, userID)
	if errors.Is(err, engine.ErrNotFound) {
		return engine.Actor{}, ErrUnauthenticated
	}
	if err != nil {
		return engine.Actor{}, err
	}
	if u.Disabled {
		return engine.Actor{}, ErrUnauthenticated
	}
	a := engine.Actor{UserID: u.ID, Name: u.Name, Email: u.Email}
	if ws == "" {
		return a, nil
	}
	m, err := s.e.Membership(ctx, ws, u.ID)
	if err == nil && m.Disabled {
		// An admin of the workspace switched this member off: the account
		// works elsewhere, but acts in no workspace here.
		err = fmt.Errorf("%w: membership disabled", engine.ErrNotFound)
	}
	switch {
	case errors.Is(err, engine.ErrNotFound) && kind == KindToken:
		return engine.Actor{}, ErrUnauthenticated
	case errors.Is(err, engine.ErrNotFound):
		return a, nil
	case err != nil:
		return engine.Actor{}, err
	}
	a.Workspace, a.Role, a.Departments = ws, m.Role, m.Departments
	a.Roles, a.AdminApps = m.Roles, m.AdminApps
	return a, nil
}

// forget drops one credential from the cache.
func (s *Service) forget(id string) {
	s.cacheMu.Lock()
	delete(s.cache, id)
	s.cacheMu.Unlock()
}

// invalidateUser drops every cached credential of a user (after a change of
// role or membership).
func (s *Service) invalidateUser(userID string) {
	s.cacheMu.Lock()
	for k, c := range s.cache {
		if c.p.Actor.UserID == userID {
			delete(s.cache, k)
		}
	}
	s.cacheMu.Unlock()
}

// InvalidateWorkspace makes the next request of every member of ws read
// their role and membership again (after a change that may touch many
// members, such as deleting a role).
func (s *Service) InvalidateWorkspace(ws string) {
	s.cacheMu.Lock()
	for k, c := range s.cache {
		if c.p.Actor.Workspace == ws {
			delete(s.cache, k)
		}
	}
	s.cacheMu.Unlock()
}

// InvalidateUser makes the next request of userID read its role and
// membership again; call it after changing them.
func (s *Service) InvalidateUser(userID string) { s.invalidateUser(userID) }

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
