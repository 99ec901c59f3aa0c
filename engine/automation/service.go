package automation

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Collections of the automation capability.
const (
	collAutomations = "automations"
	collVersions    = "automation_versions"
	collRuns        = "automation_runs"
	collAlerts      = "automation_alerts"
	collState       = "automation_state"
)

// Names of the consumer, jobs and schedule registered on the runtime.
const (
	consumerName = "automations"
	jobDate      = "automation_date"
	jobCron      = "automation_cron"
	jobEscalate  = "automation_escalate"
	jobCleanup   = "automation_cleanup"
)

// DefaultRetention is how long runs are kept.
const DefaultRetention = 30 * 24 * time.Hour

// Options tune a Service.
type Options struct {
	// Logger receives the capability's lines; nil means slog.Default().
	Logger *slog.Logger
	// Retention keeps runs this long; 0 means DefaultRetention.
	Retention time.Duration
	// CleanupCron is when old runs are deleted (instance-wide, UTC); empty
	// means "@daily".
	CleanupCron string
}

// Service is the automation capability: designs, the consumer that runs
// them, the execution log and alerts. Create it with New; it is safe for
// concurrent use.
type Service struct {
	e    *engine.Engine
	st   store.Store
	rt   *jobs.Runtime
	log  *slog.Logger
	opts Options

	// indexes holds each workspace's compiled automations (index.go).
	indexes sync.Map // workspace id → *wsIndex
	actors  sync.Map // ws|user → actorEntry

	stats Stats
	// tally buffers the per-automation run counts (summary.go).
	tally tally
}

// Stats are counters since start, for metrics.
type Stats struct {
	Runs, Matched, Failed, Stopped, ConditionErrors, Skipped atomic.Int64
}

// StatsSnapshot is a copy of Stats.
type StatsSnapshot struct {
	Runs, Matched, Failed, Stopped, ConditionErrors, Skipped int64
}

// Stats returns a copy of the counters.
func (s *Service) Stats() StatsSnapshot {
	return StatsSnapshot{Runs: s.stats.Runs.Load(), Matched: s.stats.Matched.Load(), Failed: s.stats.Failed.Load(),
		Stopped: s.stats.Stopped.Load(), ConditionErrors: s.stats.ConditionErrors.Load(), Skipped: s.stats.Skipped.Load()}
}

// New builds the service over the engine, declares its indexes and, when
// rt is not nil, registers its outbox consumer, jobs and cleanup schedule
// on the runtime (call it before rt.Run).
func New(ctx context.Context, e *engine.Engine, rt *jobs.Runtime, opts Options) (*Service, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.CleanupCron == "" {
		opts.CleanupCron = "@daily"
	}
	s := &Service{e: e, st: e.Store(), rt: rt, log: opts.Logger.With("component", "automation"), opts: opts}
	idx := map[string][]store.Index{
		collAutomations: {{Name: "ws_form", Fields: []store.SortKey{{Field: "workspace"}, {Field: "form"}}}},
		collVersions:    {{Name: "auto_num", Fields: []store.SortKey{{Field: "automation"}, {Field: "number"}}, Unique: true}},
		collRuns: {
			{Name: "auto_at", Fields: []store.SortKey{{Field: "automation"}, {Field: "started_at"}}},
			{Name: "record_at", Fields: []store.SortKey{{Field: "record"}, {Field: "started_at"}}},
			{Name: "at", Fields: []store.SortKey{{Field: "started_at"}}},
		},
		collStats: {{Name: "auto_hour", Fields: []store.SortKey{{Field: "automation"}, {Field: "hour"}}}, {Name: "hour", Fields: []store.SortKey{{Field: "hour"}}}},
		collAlerts: {
			{Name: "ws_at", Fields: []store.SortKey{{Field: "workspace"}, {Field: "raised_at"}}},
			{Name: "record", Fields: []store.SortKey{{Field: "record"}, {Field: "raised_at"}}},
			{Name: "rule_at", Fields: []store.SortKey{{Field: "rule"}, {Field: "raised_at"}}},
			// One open (or acknowledged) alert per rule and key: openKey
			// is set only until the alert is resolved.
			{Name: "open", Fields: []store.SortKey{{Field: "open_key"}}, Unique: true},
		},
	}
	for coll, list := range idx {
		if err := s.st.EnsureIndexes(ctx, coll, list); err != nil {
			return nil, fmt.Errorf("automation: declare indexes of %s: %w", coll, err)
		}
	}
	if rt != nil {
		if err := s.register(rt); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// register adds the consumer, the timers' jobs and the cleanup schedule.
func (s *Service) register(rt *jobs.Runtime) error {
	if err := rt.Register(jobs.Consumer{Name: consumerName, Handle: s.handleEvent, LazyPayload: true, Concurrency: 4}); err != nil {
		return err
	}
	for _, j := range []jobs.Job{
		{Name: jobDate, Handle: s.handleDate},
		{Name: jobCron, Handle: s.handleCron},
		{Name: jobEscalate, Handle: s.handleEscalate},
		{Name: jobCleanup, Handle: s.handleCleanup},
	} {
		if err := rt.RegisterJob(j); err != nil {
			return err
		}
	}
	return rt.AddSchedule(jobs.Schedule{Name: jobCleanup, Cron: s.opts.CleanupCron, TimeZone: "UTC", Job: jobCleanup, Missed: jobs.MissedCatchUpOnce})
}

func (s *Service) now() time.Time { return s.e.Now() }
