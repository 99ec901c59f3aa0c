package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/server"
)

type serveFlags struct {
	storeFlags
	notify          notifyFlags
	listen          string
	baseURL         string
	logFormat       string
	logLevel        string
	open            bool
	bodyLimit       int
	uploadLimit     int
	corsOrigins     []string
	trustedProxies  []string
	metricsPublic   bool
	shutdownTimeout time.Duration
	drainDelay      time.Duration
}

func serveCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Formloom server",
		Long: "Run the HTTP server. With no configuration it keeps its data in ./formloom-data (SQLite) and listens on 127.0.0.1:8080.\n" +
			"Every flag can also be set with an environment variable: --data-dir is FORMLOOM_DATA_DIR, and so on.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags()); err != nil {
				return err
			}
			return serve(cmd.Context(), f, cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	f.storeFlags.register(fs)
	f.notify.register(fs)
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&f.baseURL, "base-url", "", "public URL of the server (default http://<listen>); https makes cookies Secure")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&f.open, "open", true, "open the browser UI when started from a terminal")
	fs.IntVar(&f.bodyLimit, "body-limit", server.DefaultBodyLimit, "largest API request body in bytes")
	fs.IntVar(&f.uploadLimit, "upload-limit", engine.DefaultMaxFileBytes, "largest uploaded file in bytes")
	fs.StringSliceVar(&f.corsOrigins, "cors-origins", nil, "origins allowed to call the API from a browser (CORS is off when empty)")
	fs.StringSliceVar(&f.trustedProxies, "trusted-proxies", nil, "proxy addresses or CIDRs whose X-Forwarded-For is trusted")
	fs.BoolVar(&f.metricsPublic, "metrics-public", false, "serve /metrics without authentication")
	fs.BoolVar(&f.readOnly, "read-only", false, "open the store for inspection only: reads work, writes are refused, background work does not run (allows a MongoDB without transactions)")
	fs.DurationVar(&f.drainDelay, "drain-delay", 0, "on shutdown, how long /readyz answers 503 before connections are refused (for a load balancer's health check)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to wait for in-flight requests on shutdown")
	return cmd
}

func newLogger(format, level string, w io.Writer) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

func serve(ctx context.Context, f serveFlags, out io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	log, err := newLogger(f.logFormat, f.logLevel, os.Stderr)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	raw, blobs, err := f.storeFlags.open(ctx, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := raw.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	metrics := server.NewMetrics()
	st := metrics.InstrumentStore(raw)
	e, err := engine.New(ctx, st, engine.Options{Logger: log, Blobs: blobs, Authorizer: access.New()})
	if err != nil {
		return fmt.Errorf("start engine: %w", err)
	}
	accounts, err := auth.New(ctx, e, st, auth.Options{Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (use --listen to pick another address)", f.listen, err)
	}
	base := strings.TrimRight(f.baseURL, "/")
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	// Background work runs on the store itself (not the instrumented
	// wrapper), whose commit notifications wake its consumers.
	work, err := newWork(raw, e, log, nil)
	if err != nil {
		ln.Close()
		return err
	}
	notifier, err := wireNotify(ctx, f.notify, e, work, log, base)
	if err != nil {
		ln.Close()
		return err
	}
	hooks, err := wireWebhooks(ctx, raw, e, work, log)
	if err != nil {
		ln.Close()
		return err
	}
	if err := wireIdempotency(e, work, log); err != nil {
		ln.Close()
		return err
	}
	metrics.WatchJobs(work, raw)
	approvals, err := wireApprovals(ctx, e, work, log)
	if err != nil {
		ln.Close()
		return err
	}
	stages, err := wireStages(ctx, e)
	if err != nil {
		ln.Close()
		return err
	}
	dashboards, err := wireDashboards(ctx, e, stages)
	if err != nil {
		ln.Close()
		return err
	}
	automations, err := wireAutomations(ctx, e, work, log)
	if err != nil {
		ln.Close()
		return err
	}
	if err := wireTemplateParts(ctx, e, templateServices{stages: stages, approvals: approvals, automations: automations, dashboards: dashboards, webhooks: hooks}); err != nil {
		ln.Close()
		return err
	}
	tpls, err := wireTemplates(e, log)
	if err != nil {
		ln.Close()
		return err
	}
	var background atomic.Value // server.Background*, for /readyz
	background.Store(server.BackgroundOff)
	ready := func() server.Readiness {
		return server.Readiness{Background: background.Load().(string), ReadOnly: f.readOnly}
	}
	srv, err := server.New(server.Config{Ready: ready, Engine: e, Builder: builder.New(e), Auth: accounts, Logger: log, Metrics: metrics,
		BaseURL: base, BodyLimit: f.bodyLimit, UploadLimit: f.uploadLimit, CORSOrigins: f.corsOrigins,
		TrustedProxies: f.trustedProxies, PublicMetrics: f.metricsPublic, Version: versionString(), UI: uiFiles(), Jobs: work,
		Approvals: approvals, Notify: notifier, Webhooks: hooks, Stages: stages, Automations: automations, Dashboards: dashboards,
		Live: wireLive(ctx, e, raw, log), Templates: tpls})
	if err != nil {
		ln.Close()
		return err
	}
	wctx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	workDone := make(chan struct{})
	hooksDone := make(chan struct{})
	if f.readOnly {
		// Background work writes (checkpoints, leases, deliveries): none on a read-only start.
		close(workDone)
		close(hooksDone)
	} else {
		background.Store(server.BackgroundRunning)
		go func() {
			err := work.Run(wctx)
			if wctx.Err() == nil {
				log.Error("background work stopped", "err", err)
				background.Store(server.BackgroundStopped)
			}
			close(workDone)
		}()
		go func() { _ = hooks.Run(wctx); close(hooksDone) }()
	}
	// Other processes sharing the store change designs, permissions and
	// time zones: follow their events so this one enforces them within 2 s.
	followDone := make(chan struct{})
	go func() { _ = e.FollowChanges(wctx, 0); close(followDone) }()
	defer func() { stopWork(); <-workDone; <-hooksDone; <-followDone }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("formloom listening", "url", base, "version", versionString())

	openURL := base + "/"
	need, err := accounts.NeedsSetup(ctx)
	if err != nil {
		log.Warn("could not check for first-run setup", "err", err)
	}
	if need {
		link := base + "/setup?token=" + accounts.NewSetupToken()
		openURL = link
		fmt.Fprintf(out, "\nNo account exists yet. Create the first admin and workspace:\n\n"+
			"  in the browser (one-time link, valid until this process stops):\n    %s\n\n"+
			"  or stop the server and run:\n    formloom admin create --email you@example.com --name \"Your Name\"\n\n", link)
	}
	if f.open && term.IsTerminal(int(os.Stdout.Fd())) {
		openBrowser(openURL, log)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	srv.Drain()
	if f.drainDelay > 0 {
		// /readyz now answers 503: give the load balancer time to notice
		// before connections are refused.
		log.Info("shutting down: draining", "delay", f.drainDelay)
		time.Sleep(f.drainDelay)
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		log.Error("serve", "err", err)
	}
	log.Info("stopped")
	return nil
}

// openBrowser tries xdg-open (or open on macOS); a missing opener is not an error.
func openBrowser(url string, log *slog.Logger) {
	for _, name := range []string{"xdg-open", "open"} {
		if p, err := exec.LookPath(name); err == nil {
			c := exec.Command(p, url)
			c.Stdout, c.Stderr = nil, nil
			if err := c.Start(); err == nil {
				go func() { _ = c.Wait() }()
			} else {
				log.Debug("open browser", "err", err)
			}
			return
		}
	}
}
