package server

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/webhook"
)

// webhookEndpointInput is the body of create and update.
type webhookEndpointInput struct {
	webhook.EndpointInput
	Version int64 `json:"version"`
}

// webhookInboundInput is the body of an inbound hook's create and update.
type webhookInboundInput struct {
	webhook.InboundInput
	Version int64 `json:"version"`
}

// hooks returns the webhook service or a 404 when it is not wired.
func (s *Server) hooks() (*webhook.Service, error) {
	if s.cfg.Webhooks == nil {
		return nil, engine.ErrNotFound
	}
	return s.cfg.Webhooks, nil
}

// webhookEvent is one entry of the event catalogue.
type webhookEvent struct {
	Type   string `json:"type"`
	Record bool   `json:"record"`
}

func (s *Server) listWebhookEvents(c *fiber.Ctx) error {
	items := []webhookEvent{}
	for _, t := range []string{"record.created", "record.updated", "record.deleted", "record.restored", "form.published",
		"workflow.*", "approval.*", "alert.*"} {
		items = append(items, webhookEvent{Type: t, Record: len(t) > 7 && t[:7] == "record."})
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) listWebhookEndpoints(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	list, err := h.Endpoints(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createWebhookEndpoint(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookEndpointInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ep, err := h.CreateEndpoint(c.UserContext(), actor(c), in.EndpointInput)
	if err != nil {
		return err
	}
	return created(c, ep)
}

func (s *Server) getWebhookEndpoint(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	ep, err := h.Endpoint(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(ep)
}

func (s *Server) updateWebhookEndpoint(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookEndpointInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ep, err := h.UpdateEndpoint(c.UserContext(), actor(c), c.Params("id"), in.EndpointInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(ep)
}

func (s *Server) deleteWebhookEndpoint(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	if err := h.DeleteEndpoint(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) rotateWebhookSecret(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in struct {
		GraceHours int `json:"graceHours"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ep, err := h.RotateSecret(c.UserContext(), actor(c), c.Params("id"), time.Duration(in.GraceHours)*time.Hour)
	if err != nil {
		return err
	}
	return c.JSON(ep)
}

func (s *Server) testWebhookEndpoint(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	d, err := h.SendTest(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(d)
}

func (s *Server) listWebhookDeliveries(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	p, err := h.Deliveries(c.UserContext(), actor(c), c.Params("id"), c.Query("status"), c.Query("cursor"), int(limit))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) redeliverFailedWebhooks(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in struct {
		From *time.Time `json:"from"`
		To   *time.Time `json:"to"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var from, to time.Time
	if in.From != nil {
		from = *in.From
	}
	if in.To != nil {
		to = *in.To
	}
	n, err := h.RedeliverFailed(c.UserContext(), actor(c), c.Params("id"), from, to)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"queued": n})
}

func (s *Server) getWebhookDelivery(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	d, err := h.Delivery(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) redeliverWebhook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	d, err := h.Redeliver(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(d)
}

// webhookCheckInput is the body of the live checks.
type webhookCheckInput struct {
	Form       string `json:"form"`
	Expression string `json:"expression"`
}

func (s *Server) checkWebhookFilter(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookCheckInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	diags, err := h.CheckFilter(c.UserContext(), actor(c), in.Form, in.Expression)
	if err != nil {
		return err
	}
	for i := range diags {
		diags[i] = diags[i].Localize(lang(c))
	}
	return c.JSON(fiber.Map{"type": "bool", "diagnostics": diags})
}

func (s *Server) checkWebhookMapping(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookCheckInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	diags, err := h.CheckMapping(c.UserContext(), actor(c), in.Expression)
	if err != nil {
		return err
	}
	for i := range diags {
		diags[i] = diags[i].Localize(lang(c))
	}
	return c.JSON(fiber.Map{"type": "any", "diagnostics": diags})
}

func (s *Server) listInboundHooks(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	list, err := h.InboundHooks(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createInboundHook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookInboundInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	hk, err := h.CreateInbound(c.UserContext(), actor(c), in.InboundInput)
	if err != nil {
		return err
	}
	return created(c, fiber.Map{"hook": hk.InboundHook, "token": hk.Token, "secret": hk.Secret,
		"url": s.cfg.BaseURL + "/api/v1/hooks/" + hk.ID + "/" + hk.Token})
}

func (s *Server) rotateInboundHook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	hk, err := h.RotateInbound(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"hook": hk.InboundHook, "token": hk.Token, "secret": hk.Secret,
		"url": s.cfg.BaseURL + "/api/v1/hooks/" + hk.ID + "/" + hk.Token})
}

func (s *Server) updateInboundHook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	var in webhookInboundInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	hk, err := h.UpdateInbound(c.UserContext(), actor(c), c.Params("id"), in.InboundInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(hk)
}

func (s *Server) deleteInboundHook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	if err := h.DeleteInbound(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) listInboundCalls(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	list, err := h.InboundCalls(c.UserContext(), actor(c), c.Params("id"), int(limit))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// receiveInboundHook is the public receiver. The URL token is the
// credential (like a capability URL): it is long and random, stored only
// as a hash, and a wrong one answers like a missing hook.
func (s *Server) receiveInboundHook(c *fiber.Ctx) error {
	h, err := s.hooks()
	if err != nil {
		return err
	}
	headers := map[string]string{}
	c.Request().Header.VisitAll(func(k, v []byte) { headers[string(k)] = string(v) })
	res, err := h.Receive(c.UserContext(), c.Params("id"), c.Params("token"), headers, c.Body())
	switch {
	case errors.Is(err, webhook.ErrHookUnknown):
		return engine.ErrNotFound
	case errors.Is(err, webhook.ErrBadSignature):
		return newError(fiber.StatusUnauthorized, "bad_signature", err)
	case errors.Is(err, webhook.ErrRateLimited):
		c.Set(fiber.HeaderRetryAfter, "60")
		return &apiError{status: fiber.StatusTooManyRequests, code: "rate_limited", params: map[string]any{"seconds": 60}, cause: err}
	case errors.Is(err, webhook.ErrTooLarge):
		return errBodyTooLarge
	case err != nil:
		return err
	}
	return c.JSON(res)
}
