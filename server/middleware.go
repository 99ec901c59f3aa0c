package server

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/valyala/fasthttp"

	"github.com/formloom/formloom/engine/store"
)

// Locals keys.
const (
	localLogger    = "formloom.logger"
	localRequestID = "formloom.requestID"
	localPrincipal = "formloom.principal"
)

// headerRequestID carries the request id in both directions.
const headerRequestID = "X-Request-ID"

func (s *Server) middleware() {
	s.app.Use(s.observe)
	s.app.Use(s.secureHeaders)
	if len(s.cfg.CORSOrigins) > 0 {
		s.app.Use(cors.New(cors.Config{
			AllowOrigins:  strings.Join(s.cfg.CORSOrigins, ","),
			AllowMethods:  "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS",
			AllowHeaders:  "Authorization,Content-Type,Accept-Language,X-Request-ID,X-CSRF-Token",
			ExposeHeaders: "X-Request-ID,Retry-After",
			MaxAge:        600,
		}))
	}
	s.app.Use(s.limitBody)
	s.app.Use(compressAPI())
}

// minCompressAPIBytes is the size from which API answers are compressed:
// smaller ones (a record, an error) gain too little for the CPU they cost.
const minCompressAPIBytes = 4 << 10

// compressAPI compresses API answers of at least minCompressAPIBytes with
// brotli or gzip when the client accepts it (fasthttp's compressor, as
// Fiber's compress middleware uses). The browser app's files are
// compressed once at start-up instead (ui.go); event streams never are.
func compressAPI() fiber.Handler {
	compressor := fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {},
		fasthttp.CompressBrotliDefaultCompression, fasthttp.CompressDefaultCompression)
	return func(c *fiber.Ctx) error {
		if !strings.HasPrefix(c.Path(), "/api/") {
			return c.Next()
		}
		if err := c.Next(); err != nil {
			return err
		}
		res := c.Response()
		if res.IsBodyStream() || len(res.Body()) < minCompressAPIBytes ||
			strings.HasPrefix(string(res.Header.ContentType()), "text/event-stream") {
			return nil
		}
		compressor(c.Context())
		return nil
	}
}

// observe gives the request an id and a logger, recovers panics, renders
// errors, logs the request and records its metrics by route template.
func (s *Server) observe(c *fiber.Ctx) (err error) {
	start := time.Now()
	id := c.Get(headerRequestID)
	if !validRequestID(id) {
		id = store.NewID()
	}
	c.Set(headerRequestID, id)
	log := s.log.With("request_id", id)
	c.Locals(localRequestID, id)
	c.Locals(localLogger, log)
	func() {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("server: panic: %v", r)
			}
		}()
		err = c.Next()
	}()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			log.Error("write error response", "err", herr)
		}
	}
	status := c.Response().StatusCode()
	tmpl := s.routeTemplate(c, status)
	elapsed := time.Since(start)
	s.metrics.observeRequest(c.Method(), tmpl, status, elapsed)
	attrs := []any{"method", c.Method(), "route", tmpl, "path", c.Path(), "status", status,
		"duration_ms", float64(elapsed.Microseconds()) / 1000, "ip", c.IP()}
	if p, ok := principal(c); ok {
		attrs = append(attrs, "user", p.Actor.UserID)
	}
	switch {
	case status >= 500:
		log.Error("request", attrs...)
	case status >= 400:
		log.Info("request", attrs...)
	default:
		log.Debug("request", attrs...)
	}
	return nil
}

// routeTemplate is the matched route's path ("/api/v1/forms/:form"), or
// "unmatched" for requests no route took, so metrics keep a bounded label set.
func (s *Server) routeTemplate(c *fiber.Ctx, status int) string {
	r := c.Route()
	if r == nil || r.Path == "/" && c.Path() != "/" || status == fiber.StatusNotFound && r.Path == "/" {
		return "unmatched"
	}
	return r.Path
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return false
		}
	}
	return true
}

// secureHeaders sets headers that keep browsers from sniffing, framing or
// leaking referrers. The API's responses may run no scripts at all.
func (s *Server) secureHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	if strings.HasPrefix(c.Path(), "/api/") {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'")
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	}
	if s.secure {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// limitBody enforces the API body limit; only uploads may be larger (up to
// the upload limit, which Fiber's own BodyLimit enforces while reading).
func (s *Server) limitBody(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodPost && (c.Path() == "/api/v1/files" || isImportPath(c.Path())) {
		return c.Next()
	}
	if c.Method() == fiber.MethodPost && isTemplateBundlePath(c.Path()) {
		// Template bundles may be up to template.MaxBundleBytes; the
		// template routes check that limit themselves.
		return c.Next()
	}
	if len(c.Request().Body()) > s.cfg.BodyLimit {
		return errBodyTooLarge
	}
	return c.Next()
}

// isImportPath matches POST /api/v1/forms/{form}/records/import, whose
// files may be larger than JSON bodies (up to engine.MaxImportBytes).
func isImportPath(p string) bool {
	rest, ok := strings.CutPrefix(p, "/api/v1/forms/")
	if !ok {
		return false
	}
	form, tail, _ := strings.Cut(rest, "/")
	return form != "" && tail == "records/import"
}

// isTemplateBundlePath matches the template routes whose bodies carry a
// bundle: POST /api/v1/templates/check and /install, and
// /api/v1/apps/{app}/template/preview and /upgrade.
func isTemplateBundlePath(p string) bool {
	switch p {
	case "/api/v1/templates/check", "/api/v1/templates/install":
		return true
	}
	rest, ok := strings.CutPrefix(p, "/api/v1/apps/")
	if !ok {
		return false
	}
	app, tail, _ := strings.Cut(rest, "/")
	return app != "" && (tail == "template/preview" || tail == "template/upgrade")
}
