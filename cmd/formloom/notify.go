package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/notify"
)

// notifyFlags configure notifications; email is off while --smtp-host is
// empty. Each flag has its environment variable (FORMLOOM_SMTP_HOST, …).
type notifyFlags struct {
	smtpHost, smtpUser, smtpPassword, smtpFrom, smtpTLS string
	smtpPort                                            int
	retention                                           time.Duration
	digestHour                                          int
}

func (f *notifyFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.smtpHost, "smtp-host", "", "SMTP server for notification email (email is off when empty)")
	fs.IntVar(&f.smtpPort, "smtp-port", 0, "SMTP port (default 587 for starttls, 465 for tls, 25 for none)")
	fs.StringVar(&f.smtpUser, "smtp-user", "", "SMTP user name (no authentication when empty)")
	fs.StringVar(&f.smtpPassword, "smtp-password", "", "SMTP password (prefer the environment variable FORMLOOM_SMTP_PASSWORD)")
	fs.StringVar(&f.smtpFrom, "smtp-from", "", `sender of notification email, for example "Formloom <noreply@example.com>"`)
	fs.StringVar(&f.smtpTLS, "smtp-tls", notify.TLSStartTLS, "SMTP TLS mode: starttls, tls or none")
	fs.DurationVar(&f.retention, "notify-retention", notify.DefaultRetention, "how long in-app notifications are kept")
	fs.IntVar(&f.digestHour, "notify-digest-hour", notify.DefaultDigestHour, "hour of the day (0-23, in each workspace's time zone) daily digests are sent")
}

// wireNotify builds the notify service on the background-work runtime
// (before it runs) and makes it the engine's notifier.
func wireNotify(ctx context.Context, f notifyFlags, e *engine.Engine, work *jobs.Runtime, log *slog.Logger, baseURL string) (*notify.Service, error) {
	if f.digestHour < 0 || f.digestHour > 23 {
		return nil, fmt.Errorf("--notify-digest-hour %d: use an hour from 0 to 23", f.digestHour)
	}
	if f.retention < 24*time.Hour {
		return nil, fmt.Errorf("--notify-retention %s: keep notifications at least a day", f.retention)
	}
	opts := notify.Options{Engine: e, Jobs: work, Logger: log, BaseURL: baseURL, Retention: f.retention, DigestHour: f.digestHour}
	if f.smtpHost != "" {
		m, err := notify.NewSMTPMailer(notify.SMTPConfig{Host: f.smtpHost, Port: f.smtpPort, Username: f.smtpUser,
			Password: f.smtpPassword, From: f.smtpFrom, TLS: f.smtpTLS})
		if err != nil {
			return nil, fmt.Errorf("--smtp-*: %w", err)
		}
		opts.Mailer = m
		c := m.Config()
		log.Info("notification email on", "smtp", fmt.Sprintf("%s:%d", c.Host, c.Port), "tls", c.TLS, "from", c.From)
	}
	svc, err := notify.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	e.SetNotifier(svc)
	if err := registerTestNotifier(work, e, log); err != nil {
		return nil, err
	}
	return svc, nil
}

// Test-only notifications for the e2e suite's notification journey.
const (
	// envTestNotify, set to 1, registers a consumer that notifies a
	// record's creator when a new record holds notifyMarker in a field.
	// Never set it in production.
	envTestNotify = "FORMLOOM_TEST_NOTIFY"
	notifyMarker  = "NOTIFY-ME"
)

// registerTestNotifier registers the test-only consumer when the
// environment asks for it. It goes through the engine's Notifier, as an
// automation's notify action does.
func registerTestNotifier(rt *jobs.Runtime, e *engine.Engine, log *slog.Logger) error {
	if os.Getenv(envTestNotify) != "1" {
		return nil
	}
	log.Warn("test-only notifying consumer registered; unset " + envTestNotify + " outside tests")
	return rt.Register(jobs.Consumer{Name: "test_notify", Types: []string{string(engine.EventRecordCreated)}, Concurrency: 1,
		Handle: func(ctx context.Context, d jobs.Delivery) error {
			p := d.Event.Payload
			data, _ := p["data"].(map[string]any)
			for _, v := range data {
				if v != notifyMarker {
					continue
				}
				actor, _ := p["actor"].(string)
				form, _ := p["form"].(string)
				record, _ := p["record"].(string)
				return e.Notify(ctx, engine.Notification{Workspace: d.Event.Workspace, Recipients: []string{actor}, Kind: "automation",
					Title: "新记录：<" + notifyMarker + ">", Body: "记录 " + record + " 已创建", Form: form, Record: record, Key: d.Event.ID})
			}
			return nil
		}})
}
