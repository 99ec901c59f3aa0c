package server

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/engine"
)

// Cookies of a browser session.
const (
	cookieSession = "formloom_session"
	// cookieCSRF is readable by the page's scripts, which echo it in
	// headerCSRF on every write; a cross-site page cannot read it.
	cookieCSRF = "formloom_csrf"
	headerCSRF = "X-CSRF-Token"
)

// requireAuth authenticates the request from its Bearer token or session
// cookie and stores the principal. Cookie-authenticated writes must echo the
// session's CSRF token; API tokens must have the scope for the route's
// action (read, write, admin).
func (s *Server) requireAuth(c *fiber.Ctx) error {
	cred, fromCookie := credential(c)
	if cred == "" {
		return errUnauthenticated
	}
	p, err := s.auth.Authenticate(c.UserContext(), cred)
	if err != nil {
		if errors.Is(err, auth.ErrUnauthenticated) {
			return errUnauthenticated
		}
		return err
	}
	if fromCookie {
		p.Actor.Source = engine.SourceUI
		if !safeMethod(c.Method()) && !p.CheckCSRF(c.Get(headerCSRF)) {
			return errCSRF
		}
	} else {
		p.Actor.Source = engine.SourceAPI
	}
	if !p.Allows(routeAction(c)) {
		return errScope
	}
	c.Locals(localPrincipal, p)
	return c.Next()
}

// credential returns the request's credential and whether it came from the
// session cookie. An Authorization header wins over a cookie.
func credential(c *fiber.Ctx) (string, bool) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), false
		}
		return "", false
	}
	if v := c.Cookies(cookieSession); v != "" {
		return v, true
	}
	return "", false
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// principal returns the authenticated principal of the request.
func principal(c *fiber.Ctx) (auth.Principal, bool) {
	p, ok := c.Locals(localPrincipal).(auth.Principal)
	return p, ok
}

// actor returns the engine actor of the authenticated request.
func actor(c *fiber.Ctx) engine.Actor {
	p, _ := principal(c)
	return p.Actor
}

// setSessionCookies sets the session and CSRF cookies after a login.
func (s *Server) setSessionCookies(c *fiber.Ctx, g auth.SessionGrant, ttl time.Duration) {
	exp := time.Now().Add(ttl)
	c.Cookie(&fiber.Cookie{Name: cookieSession, Value: g.Token, Path: "/", Expires: exp, HTTPOnly: true, Secure: s.secure, SameSite: fiber.CookieSameSiteLaxMode})
	c.Cookie(&fiber.Cookie{Name: cookieCSRF, Value: g.CSRF, Path: "/", Expires: exp, HTTPOnly: false, Secure: s.secure, SameSite: fiber.CookieSameSiteStrictMode})
}

// clearSessionCookies removes the session cookies.
func (s *Server) clearSessionCookies(c *fiber.Ctx) {
	for _, name := range []string{cookieSession, cookieCSRF} {
		c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1, HTTPOnly: name == cookieSession, Secure: s.secure})
	}
}
