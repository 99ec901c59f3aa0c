package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/live"
	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/engine/webhook"
	"github.com/formloom/formloom/engine/workflow"
)

// Defaults of Config.
const (
	DefaultBodyLimit    = 1 << 20
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 60 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
)

// Config assembles a Server. Engine, Builder and Auth are required.
type Config struct {
	Engine  *engine.Engine
	Builder *builder.Service
	Auth    *auth.Service
	// Logger receives request logs; nil means slog.Default().
	Logger *slog.Logger
	// Metrics collects HTTP and store metrics; nil makes a new registry.
	Metrics *Metrics
	// BaseURL is the public URL of the server ("http://127.0.0.1:8080");
	// an https URL makes cookies Secure and turns HSTS on.
	BaseURL string
	// BodyLimit bounds request bodies other than uploads; 0 means 1 MiB.
	BodyLimit int
	// UploadLimit bounds one uploaded file; 0 means engine.DefaultMaxFileBytes.
	UploadLimit int
	// ReadTimeout, WriteTimeout and IdleTimeout bound connections; 0 means the defaults.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// CORSOrigins lists origins allowed to call the API from a browser; empty turns CORS off.
	CORSOrigins []string
	// TrustedProxies lists proxy addresses or CIDRs whose X-Forwarded-For is
	// believed (for the client IP of rate limits and logs); empty trusts none.
	TrustedProxies []string
	// PublicMetrics serves /metrics without authentication (for a scraper on
	// a private network); by default it needs a credential like the API.
	PublicMetrics bool
	// UI is the built browser app (index.html at its root); nil serves a
	// page saying the UI is not built.
	UI fs.FS
	// Version is reported by /healthz and the OpenAPI document.
	Version string
	// Jobs is the background-work runtime the admin API shows; nil shows
	// no consumers, no queues and no dead letters.
	Jobs *jobs.Runtime
	// Notify is the notification inbox and preferences; nil answers an
	// empty inbox and no preferences.
	Notify *notify.Service
	// Views keeps saved views; nil makes one over Engine.
	Views *report.Views
	// Approvals runs approval flows (engine/workflow); nil answers 404 on
	// their routes.
	Approvals *workflow.Approvals
	// Webhooks is the integrations capability (outbound endpoints, the
	// delivery log, inbound hooks); nil answers its routes with 404.
	Webhooks *webhook.Service
	// Ready reports the background runtime and read-only state to
	// /readyz; nil means no background work and a writable store.
	Ready func() Readiness
	// Stages runs stage pipelines (engine/workflow); nil answers 404 on
	// their routes.
	Stages *workflow.Stages
	// Live fans record changes out to open screens (engine/live); nil
	// answers GET /api/v1/live with 404.
	Live *live.Hub
	// Automations designs and runs automations and alerts
	// (engine/automation); nil answers its routes with 404.
	Automations *automation.Service
	// Dashboards keeps dashboards and computes their charts (engine/report);
	// nil answers 404 on their routes.
	Dashboards *report.Dashboards
	// Templates installs, exports and upgrades app templates
	// (engine/template); nil answers 404 on their routes.
	Templates *template.Service
}

// Server is the HTTP adapter. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg     Config
	e       *engine.Engine
	b       *builder.Service
	auth    *auth.Service
	log     *slog.Logger
	metrics *Metrics
	app     *fiber.App
	routes  []route
	secure  bool
	full    storageFlag // set by a write that failed on a full disk
	views   *report.Views
	drain   drainFlag // set when shutdown begins (readiness.go)
	// assets is the browser app, compressed once at start-up; nil when
	// Config.UI is nil.
	assets map[string]*uiAsset

	openapiOnce sync.Once
	openapiDoc  []byte
	openapiErr  error
}

// New builds the server and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil || cfg.Builder == nil || cfg.Auth == nil {
		return nil, fmt.Errorf("server: Engine, Builder and Auth are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.UploadLimit <= 0 {
		cfg.UploadLimit = engine.DefaultMaxFileBytes
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{cfg: cfg, e: cfg.Engine, b: cfg.Builder, auth: cfg.Auth, log: cfg.Logger, metrics: cfg.Metrics,
		secure: strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://"), views: cfg.Views}
	if s.views == nil {
		v, err := report.NewViews(context.Background(), cfg.Engine)
		if err != nil {
			return nil, err
		}
		s.views = v
	}
	if cfg.UI != nil {
		assets, err := loadUI(cfg.UI)
		if err != nil {
			return nil, err
		}
		s.assets = assets
	}
	fc := fiber.Config{
		AppName:               "formloom",
		BodyLimit:             max(cfg.BodyLimit, cfg.UploadLimit+64<<10, template.MaxBundleBytes+64<<10),
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           cfg.IdleTimeout,
		DisableStartupMessage: true,
		CaseSensitive:         true,
		StrictRouting:         false,
		ErrorHandler:          s.handleError,
		ReadBufferSize:        16 << 10,
		// Values from the request outlive handlers (caches, errors): copy them.
		Immutable: true,
	}
	if len(cfg.TrustedProxies) > 0 {
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = cfg.TrustedProxies
		fc.ProxyHeader = fiber.HeaderXForwardedFor
	}
	s.app = fiber.New(fc)
	s.metrics.watchOutbox(cfg.Engine.Store())
	s.middleware()
	s.register()
	return s, nil
}

// App returns the Fiber application (tests use App().Test and GetRoutes).
func (s *Server) App() *fiber.App { return s.app }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.app.Listener(ln); err != nil {
		return fmt.Errorf("server: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
