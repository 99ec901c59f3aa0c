package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestWireNotify: email is off without --smtp-host, on with a valid SMTP
// configuration, and a bad one stops serve with the flag named.
func TestWireNotify(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	open := func() (*engine.Engine, *jobs.Runtime) {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Authorizer: access.New()})
		if err != nil {
			t.Fatal(err)
		}
		return e, jobs.New(st, jobs.Options{Logger: quiet, Workspaces: e.WorkspaceZones})
	}
	flags := func(args ...string) notifyFlags {
		var f notifyFlags
		fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return f
	}
	e, work := open()
	svc, err := wireNotify(ctx, flags(), e, work, quiet, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if svc.EmailEnabled() || svc.DigestHour() != 8 {
		t.Errorf("defaults: email %v, digest hour %d", svc.EmailEnabled(), svc.DigestHour())
	}
	if err := e.Notify(ctx, engine.Notification{Workspace: "none", Kind: "automation", Title: "x"}); err != nil {
		t.Errorf("the engine's notifier is not wired: %v", err)
	}
	e, work = open()
	svc, err = wireNotify(ctx, flags("--smtp-host", "smtp.example.com", "--smtp-from", "Formloom <noreply@example.com>", "--notify-digest-hour", "18"), e, work, quiet, "")
	if err != nil {
		t.Fatal(err)
	}
	if !svc.EmailEnabled() || svc.DigestHour() != 18 {
		t.Errorf("configured: email %v, digest hour %d", svc.EmailEnabled(), svc.DigestHour())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp-host", "smtp.example.com"}, "--smtp-*"},
		{[]string{"--smtp-host", "smtp.example.com", "--smtp-from", "a@example.com", "--smtp-tls", "ssl"}, "--smtp-*"},
		{[]string{"--notify-digest-hour", "24"}, "--notify-digest-hour"},
		{[]string{"--notify-retention", (time.Hour).String()}, "--notify-retention"},
	} {
		e, work := open()
		if _, err := wireNotify(ctx, flags(c.args...), e, work, quiet, ""); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want one naming %s", c.args, err, c.want)
		}
	}
}
