package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is the body of /healthz and /readyz. /readyz adds the store's
// state ("ok" or "read_only"), the background runtime's (see Readiness)
// and whether the process is shutting down; a process that should not get
// traffic answers 503 with a code instead (unavailable, storage_full,
// shutting_down, background_stopped).
type Health struct {
	Status       string `json:"status"`
	Version      string `json:"version"`
	Backend      string `json:"backend,omitempty"`
	Store        string `json:"store,omitempty"`
	Background   string `json:"background,omitempty"`
	ShuttingDown bool   `json:"shuttingDown"`
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(Health{Status: "ok", Version: s.cfg.Version})
}

func (s *Server) readyz(c *fiber.Ctx) error {
	if s.drain.on.Load() {
		return newError(fiber.StatusServiceUnavailable, "shutting_down", nil)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	st := s.e.Store()
	if err := st.Ping(ctx); err != nil {
		s.logger(c).Warn("store not reachable", "err", err)
		return newError(fiber.StatusServiceUnavailable, "unavailable", err)
	}
	if s.full.isSet() {
		// Reads still work, but writes fail until space is freed; the flag
		// clears with the next write that succeeds.
		return newError(fiber.StatusServiceUnavailable, "storage_full", nil)
	}
	rd := Readiness{Background: BackgroundOff}
	if s.cfg.Ready != nil {
		rd = s.cfg.Ready()
	}
	if rd.Background == BackgroundStopped {
		// Events would pile up unhandled here; another process may still run them.
		return newError(fiber.StatusServiceUnavailable, "background_stopped", nil)
	}
	h := Health{Status: "ok", Version: s.cfg.Version, Backend: st.Capabilities().Backend, Store: "ok", Background: rd.Background}
	if rd.ReadOnly {
		h.Status, h.Store = "read_only", "read_only"
	}
	return c.JSON(h)
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}))
}
