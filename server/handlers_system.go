package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is the body of /healthz and /readyz.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Backend string `json:"backend,omitempty"`
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(Health{Status: "ok", Version: s.cfg.Version})
}

func (s *Server) readyz(c *fiber.Ctx) error {
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
	return c.JSON(Health{Status: "ok", Version: s.cfg.Version, Backend: st.Capabilities().Backend})
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}))
}
