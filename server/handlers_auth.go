package server

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/engine"
)

// sessionCookieTTL is how long the browser keeps the session cookies; the
// session itself expires on the server after auth.Options.SessionTTL.
const sessionCookieTTL = 30 * 24 * time.Hour

// LoginResult answers a login or setup: the credential (also usable as a
// Bearer token), the CSRF token cookie-authenticated writes echo, the user
// and the current workspace id.
type LoginResult struct {
	Token     string      `json:"token"`
	CSRFToken string      `json:"csrfToken"`
	User      engine.User `json:"user"`
	Workspace string      `json:"workspace"`
}

func (s *Server) setupStatus(c *fiber.Ctx) error {
	need, err := s.auth.NeedsSetup(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"needed": need})
}

func (s *Server) setup(c *fiber.Ctx) error {
	var in auth.SetupInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, _, err := s.auth.Setup(c.UserContext(), in, c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	s.setSessionCookies(c, g, sessionCookieTTL)
	return created(c, LoginResult{Token: g.Token, CSRFToken: g.CSRF, User: g.User, Workspace: g.Workspace})
}

func (s *Server) login(c *fiber.Ctx) error {
	var in auth.LoginInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.IP, in.UserAgent = c.IP(), c.Get(fiber.HeaderUserAgent)
	g, err := s.auth.Login(c.UserContext(), in)
	if err != nil {
		return err
	}
	s.setSessionCookies(c, g, sessionCookieTTL)
	return c.JSON(LoginResult{Token: g.Token, CSRFToken: g.CSRF, User: g.User, Workspace: g.Workspace})
}

func (s *Server) logout(c *fiber.Ctx) error {
	p, _ := principal(c)
	if err := s.auth.Logout(c.UserContext(), p); err != nil {
		return err
	}
	s.clearSessionCookies(c)
	return noContent(c)
}

// Me describes the signed-in user: who, where, with which role, and how.
type Me struct {
	User       engine.User         `json:"user"`
	Workspace  *engine.Workspace   `json:"workspace"`
	Role       engine.Role         `json:"role,omitempty"`
	AuthMethod string              `json:"authMethod"`
	Scopes     []string            `json:"scopes,omitempty"`
	Workspaces []WorkspaceOfMember `json:"workspaces"`
}

// WorkspaceOfMember is a workspace with the user's role in it.
type WorkspaceOfMember struct {
	engine.Workspace
	Role engine.Role `json:"role"`
}

func (s *Server) me(c *fiber.Ctx) error {
	p, _ := principal(c)
	ctx := c.UserContext()
	u, err := s.e.User(ctx, p.Actor.UserID)
	if err != nil {
		return err
	}
	out := Me{User: u, Role: p.Actor.Role, AuthMethod: string(p.Kind), Scopes: p.Scopes}
	if p.Actor.Workspace != "" {
		ws, err := s.e.Workspace(ctx, p.Actor.Workspace)
		if err != nil {
			return err
		}
		out.Workspace = &ws
	}
	out.Workspaces, err = s.workspacesOf(c, p.Actor.UserID)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) workspacesOf(c *fiber.Ctx, userID string) ([]WorkspaceOfMember, error) {
	ms, err := s.e.Memberships(c.UserContext(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]WorkspaceOfMember, 0, len(ms))
	for _, m := range ms {
		if m.Disabled {
			continue // an admin switched this membership off
		}
		ws, err := s.e.Workspace(c.UserContext(), m.Workspace)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, WorkspaceOfMember{Workspace: ws, Role: m.Role})
	}
	return out, nil
}

func (s *Server) switchWorkspace(c *fiber.Ctx) error {
	var in struct {
		Workspace string `json:"workspace"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, _ := principal(c)
	if p.Kind != auth.KindSession {
		return newError(fiber.StatusForbidden, "session_only", nil)
	}
	if err := s.auth.SwitchWorkspace(c.UserContext(), p, in.Workspace); err != nil {
		return err
	}
	np, err := s.auth.Authenticate(c.UserContext(), mustCredential(c))
	if err != nil {
		return err
	}
	np.Actor.Source = p.Actor.Source
	c.Locals(localPrincipal, np)
	return s.me(c)
}

func mustCredential(c *fiber.Ctx) string {
	cred, _ := credential(c)
	return cred
}

// TokenCreated answers a token creation: the token's description and its
// secret credential, shown this once.
type TokenCreated struct {
	auth.TokenInfo
	Token string `json:"token"`
}

func (s *Server) listTokens(c *fiber.Ctx) error {
	list, err := s.auth.Tokens(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createToken(c *fiber.Ctx) error {
	p, _ := principal(c)
	if p.Kind != auth.KindSession {
		// A token minting tokens would outlive its own revocation.
		return newError(fiber.StatusForbidden, "session_only", nil)
	}
	var in auth.TokenInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	info, tok, err := s.auth.CreateToken(c.UserContext(), p.Actor, in)
	if err != nil {
		return err
	}
	return created(c, TokenCreated{TokenInfo: info, Token: tok})
}

func (s *Server) revokeToken(c *fiber.Ctx) error {
	if err := s.auth.RevokeToken(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}
