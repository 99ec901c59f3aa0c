package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Collections of the notify capability.
const (
	collItems = "notifications"
	collPrefs = "notification_prefs"
)

// Names of the jobs and schedules the service registers.
const (
	jobMail       = "notify_mail"
	jobMailSweep  = "notify_mail_sweep"
	jobDigest     = "notify_digest"
	jobRetention  = "notify_retention"
	actorName     = "notify"
	maxTitleRunes = 500
	maxBodyRunes  = 4000
)

// DefaultRetention is how long inbox items are kept.
const DefaultRetention = 90 * 24 * time.Hour

// DefaultDigestHour is the hour (workspace time) daily digests go out.
const DefaultDigestHour = 8

// Options configures a Service.
type Options struct {
	// Engine is required: members, users and workspaces come from it.
	Engine *engine.Engine
	// Jobs runs email, digests and retention; nil keeps the inbox only
	// (no email, no scheduled cleanup).
	Jobs *jobs.Runtime
	// Mailer sends email; nil turns email off (preferences keep their
	// choice, nothing is sent).
	Mailer Mailer
	// Clock tells the time of items; nil means the engine's clock.
	Clock store.Clock
	// Logger receives the service's lines; nil means slog.Default().
	Logger *slog.Logger
	// Retention keeps items this long; 0 means DefaultRetention.
	Retention time.Duration
	// DigestHour is the hour of the day (0-23, workspace time) digests go
	// out; a negative value means DefaultDigestHour.
	DigestHour int
	// BaseURL is the server's public URL, for the links in emails ("" sends
	// emails without links).
	BaseURL string
	// MailAttempts is how often an email is tried before it becomes a
	// dead letter; 0 means 8.
	MailAttempts int
}

// Stats are the service's counters since start.
type Stats struct {
	// Delivered counts items stored, Deduped items dropped by their key,
	// Dropped recipients that are not live members, Muted recipients whose
	// preferences turn every channel off for the kind.
	Delivered, Deduped, Dropped, Muted int64
	// Emailed counts emails sent, Digests digest emails sent.
	Emailed, Digests int64
	// Removed counts items deleted by retention.
	Removed int64
}

// Service is the notify capability; it implements engine.Notifier.
type Service struct {
	e      *engine.Engine
	st     store.Store
	jobs   *jobs.Runtime
	mailer Mailer
	clock  store.Clock
	log    *slog.Logger
	opts   Options

	delivered, deduped, dropped, muted, emailed, digests, removed atomic.Int64
}

var _ engine.Notifier = (*Service)(nil)

// New declares the collections' indexes and, with a jobs runtime, registers
// the email job, the mail sweep, the digest and the retention schedules
// (call it before the runtime runs).
func New(ctx context.Context, opts Options) (*Service, error) {
	if opts.Engine == nil {
		return nil, fmt.Errorf("notify: Options.Engine is required")
	}
	s := &Service{e: opts.Engine, st: opts.Engine.Store(), jobs: opts.Jobs, mailer: opts.Mailer, clock: opts.Clock, log: opts.Logger, opts: opts}
	if s.clock == nil {
		s.clock = store.ClockFunc(opts.Engine.Now)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.opts.Retention <= 0 {
		s.opts.Retention = DefaultRetention
	}
	if s.opts.DigestHour < 0 || s.opts.DigestHour > 23 {
		s.opts.DigestHour = DefaultDigestHour
	}
	if s.opts.MailAttempts <= 0 {
		s.opts.MailAttempts = 8
	}
	idx := map[string][]store.Index{
		collItems: {
			// The inbox page: newest first per recipient.
			{Name: "inbox", Fields: []store.SortKey{{Field: "workspace"}, {Field: "recipient"}, {Field: "inbox"}, {Field: "created", Desc: true}}},
			// The unread count, polled by every open browser.
			{Name: "unread", Fields: []store.SortKey{{Field: "workspace"}, {Field: "recipient"}, {Field: "read"}}},
			// Digests and the mail sweep: items by mail state.
			{Name: "mail", Fields: []store.SortKey{{Field: "mail"}, {Field: "workspace"}, {Field: "created"}}},
			// Retention.
			{Name: "created", Fields: []store.SortKey{{Field: "created"}}},
		},
		collPrefs: {{Name: "ws_user", Fields: []store.SortKey{{Field: "workspace"}, {Field: "user"}}, Unique: true}},
	}
	for coll, list := range idx {
		if err := s.st.EnsureIndexes(ctx, coll, list); err != nil {
			return nil, fmt.Errorf("notify: declare indexes of %s: %w", coll, err)
		}
	}
	if s.jobs != nil {
		if err := s.register(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// register adds the service's jobs and schedules to the runtime.
func (s *Service) register() error {
	for _, j := range []jobs.Job{
		{Name: jobMail, Handle: s.sendMailTask, MaxAttempts: s.opts.MailAttempts},
		{Name: jobMailSweep, Handle: s.sweepMail},
		{Name: jobDigest, Handle: s.digestTask, MaxAttempts: s.opts.MailAttempts},
		{Name: jobRetention, Handle: s.retentionTask},
	} {
		if err := s.jobs.RegisterJob(j); err != nil {
			return fmt.Errorf("notify: register job %s: %w", j.Name, err)
		}
	}
	if err := s.jobs.AddSchedule(jobs.Schedule{Name: jobMailSweep, Cron: "*/10 * * * *", TimeZone: "UTC", Job: jobMailSweep, Missed: jobs.MissedSkip}); err != nil {
		return fmt.Errorf("notify: mail sweep schedule: %w", err)
	}
	if err := s.jobs.AddSchedule(jobs.Schedule{Name: jobRetention, Cron: "17 * * * *", TimeZone: "UTC", Job: jobRetention, Missed: jobs.MissedCatchUpOnce}); err != nil {
		return fmt.Errorf("notify: retention schedule: %w", err)
	}
	if err := s.jobs.AddWorkspaceSchedule(jobs.Schedule{Name: jobDigest, Cron: fmt.Sprintf("0 %d * * *", s.opts.DigestHour), Job: jobDigest, Missed: jobs.MissedCatchUpOnce}); err != nil {
		return fmt.Errorf("notify: digest schedule: %w", err)
	}
	return nil
}

// EmailEnabled says whether email is configured.
func (s *Service) EmailEnabled() bool { return s.mailer != nil && s.jobs != nil }

// DigestHour is the hour of the day (workspace time) digests go out.
func (s *Service) DigestHour() int { return s.opts.DigestHour }

// Stats returns the service's counters.
func (s *Service) Stats() Stats {
	return Stats{Delivered: s.delivered.Load(), Deduped: s.deduped.Load(), Dropped: s.dropped.Load(), Muted: s.muted.Load(),
		Emailed: s.emailed.Load(), Digests: s.digests.Load(), Removed: s.removed.Load()}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }
