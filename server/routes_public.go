package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/webhook"
)

// publicRoutes are a form's public link: its settings for the form's
// designers (authenticated), and the two routes a visitor without an
// account uses. Those are unauthenticated on purpose: a public link is a
// capability URL, like an inbound hook's. The token in the path is the
// credential: 32 random characters (192 bits), stored only as a SHA-256
// hash, and a wrong, rotated or disabled one answers 404 like a missing
// link. They read only the fields the link shows (labels and options, no
// expressions, no other records), write only through the write pipeline
// as the link's member with source "public", take at most 64 KiB, and are
// rate limited per client address and per link; a honeypot field turns
// bots away.
func (s *Server) publicRoutes() []route {
	const link = "/api/v1/forms/:form/public-link"
	const pub = "/api/v1/public/forms/:token"
	return []route{
		{method: "GET", path: link, access: authed, action: actRead, tag: "public", op: "getPublicLink", summary: "A form's public link settings (its designers); never the token. 404 when the form has none.", resp: "PublicLink", h: s.getPublicLink},
		{method: "PUT", path: link, access: authed, action: actAdmin, tag: "public", op: "savePublicLink", summary: "Create or replace a form's public link: the fields it shows (the others get their defaults; relations, users, departments, files and computed fields are refused), title, description, thank-you message, submission limit, submissions per client address per hour, presets (fixed values of fields it does not show), enabled, actor. version is the one read (0 to create). Enabling a link without a token makes one, in token, shown this once.", req: "PublicLinkInput", resp: "PublicLinkSaved", h: s.savePublicLink},
		{method: "POST", path: link + "/rotate", access: authed, action: actAdmin, tag: "public", op: "rotatePublicLink", summary: "Give the link a new token (in token, shown this once) and enable it; the old link answers 404 at once.", resp: "PublicLinkSaved", h: s.rotatePublicLink},
		{method: "DELETE", path: link, access: authed, action: actAdmin, tag: "public", op: "deletePublicLink", summary: "Remove a form's public link; its address answers 404.", h: s.deletePublicLink},
		{method: "GET", path: pub, access: public, action: actRead, tag: "public", op: "getPublicForm", summary: "Public, no sign-in (the token is the credential): the design of a public link's page, only the fields it shows, with labels, options and limits. 404 for an unknown, rotated or disabled token.", resp: "PublicForm", h: s.getPublicForm},
		{method: "POST", path: pub, access: public, action: actWrite, tag: "public", op: "submitPublicForm", summary: "Public, no sign-in (the token is the credential): submit the page. values may name only the link's fields; the record is written through the write pipeline with source public. website is the honeypot and must be empty (filled: 201 and nothing written). At most 64 KiB; 422 with per-field errors (nothing written), 404 unknown token, 410 the link's submission limit reached, 413, 429 over the per-address rate.", req: "PublicSubmission", resp: "PublicResult", status: 201, h: s.submitPublicForm},
	}
}

// publicLinkInput is the body of a link's save.
type publicLinkInput struct {
	webhook.PublicLinkInput
	Version int64 `json:"version"`
}

// publicLinkSaved is a saved link with the page's address when a token
// was just made (the browser page /p/<token>).
type publicLinkSaved struct {
	webhook.PublicLinkSaved
	URL string `json:"url,omitempty"`
}

func (s *Server) withURL(l webhook.PublicLinkSaved) publicLinkSaved {
	out := publicLinkSaved{PublicLinkSaved: l}
	if l.Token != "" {
		out.URL = s.cfg.BaseURL + "/p/" + l.Token
	}
	return out
}

// publicSubmission is the body of a public submission.
type publicSubmission struct {
	Values map[string]any `json:"values"`
	// Website is the honeypot (webhook.PublicHoneypot).
	Website string `json:"website"`
}

func (s *Server) getPublicLink(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	l, err := h.PublicLinkOf(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) savePublicLink(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in publicLinkInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := h.SavePublicLink(c.UserContext(), actor(c), c.Params("form"), in.PublicLinkInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(s.withURL(l))
}

func (s *Server) rotatePublicLink(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	l, err := h.RotatePublicLink(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(s.withURL(l))
}

func (s *Server) deletePublicLink(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	if err := h.DeletePublicLink(c.UserContext(), actor(c), c.Params("form")); err != nil {
		return err
	}
	return noContent(c)
}

// publicErr maps the errors of the public routes: an unknown link is a
// plain 404 (nothing tells a wrong token from a missing link).
func publicErr(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, webhook.ErrLinkUnknown):
		return engine.ErrNotFound
	case errors.Is(err, webhook.ErrLinkClosed):
		return newError(fiber.StatusGone, "public_closed", err)
	case errors.Is(err, webhook.ErrRateLimited):
		c.Set(fiber.HeaderRetryAfter, "3600")
		return &apiError{status: fiber.StatusTooManyRequests, code: "public_rate_limited", cause: err}
	}
	return err
}

func (s *Server) getPublicForm(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	f, err := h.PublicFormOf(c.UserContext(), c.Params("token"))
	if err != nil {
		return publicErr(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex")
	return c.JSON(f)
}

func (s *Server) submitPublicForm(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	if len(c.Body()) > webhook.MaxPublicBody {
		return errBodyTooLarge
	}
	var in publicSubmission
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Values == nil {
		in.Values = map[string]any{}
	}
	res, err := h.SubmitPublic(c.UserContext(), c.Params("token"), c.IP(), in.Values, in.Website)
	if err != nil {
		return publicErr(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return created(c, res)
}
