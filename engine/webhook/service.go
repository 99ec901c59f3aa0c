package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Collections and the queue of this package.
const (
	collEndpoints  = "webhook_endpoints"
	collDeliveries = "webhook_deliveries"
	collAttempts   = "webhook_attempts"
	collInbound    = "webhook_inbound"
	collInboundLog = "webhook_inbound_log"
	collIdem       = "webhook_idempotency"
	// queueDeliveries holds one item per pending delivery, keyed by
	// endpoint and record so a record's deliveries go in order.
	queueDeliveries = "webhook_deliveries"
	// consumerName is the fan-out consumer's checkpoint name.
	consumerName = "webhooks"
)

// Defaults of Options.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultConcurrency  = 50
	DefaultMaxAttempts  = 12
	DefaultDisableAfter = 5 * 24 * time.Hour
	DefaultRetention    = 30 * 24 * time.Hour
	// MaxResponseRead is how much of a receiver's response body is read.
	MaxResponseRead = 64 << 10
	// maxLoggedBody is how much of a response body the log keeps.
	maxLoggedBody = 4 << 10
)

// Options configures the Service.
type Options struct {
	// Engine is the core; Store the store it runs on (the raw store, whose
	// commit notifications wake the runtime); Jobs the runtime that runs
	// the fan-out consumer and the retention schedule.
	Engine *engine.Engine
	Store  store.Store
	Jobs   *jobs.Runtime
	// Key encrypts signing secrets at rest (any length, at least 16 bytes).
	Key []byte
	// Clock tells the time of attempts, backoff and disabling; nil is the
	// system clock. The store must run on the same clock (queue due times).
	Clock  store.Clock
	Logger *slog.Logger
	// Guard tunes the SSRF guard (private targets, test allow-list, resolver).
	Guard GuardOptions
	// Timeout bounds one delivery request; 0 means 15 s.
	Timeout time.Duration
	// Concurrency bounds the deliveries in flight in this process; 0 means 50.
	Concurrency int
	// MaxAttempts of one delivery before it fails for good; 0 means 12
	// (spread over about 4 days by the backoff).
	MaxAttempts int
	// DisableAfter disables an endpoint that has failed without a success
	// for this long and notifies the workspace admins; 0 means 5 days.
	DisableAfter time.Duration
	// Retention keeps deliveries and attempts this long; 0 means 30 days.
	Retention time.Duration
	// Jitter returns a number in [0, 1) for backoff jitter; nil is math/rand.
	Jitter func() float64
	// Poll is how often the delivery loop looks for due retries when
	// nothing woke it; 0 means 1 s.
	Poll time.Duration
	// InboundRate is the number of calls one inbound hook accepts per
	// minute; 0 means 120.
	InboundRate int
}

// Service is the webhooks capability. Create it with New, start its
// delivery loop with Run; it is safe for concurrent use.
type Service struct {
	e      *engine.Engine
	st     store.Store
	jobs   *jobs.Runtime
	clock  store.Clock
	log    *slog.Logger
	opts   Options
	seal   *sealer
	guard  *guard
	client *http.Client
	owner  string
	wake   *signal
	// leaseSlack is the room a claimed delivery's lease leaves after the
	// request timeout to log the attempt (30 s; the crash test shortens it).
	leaseSlack time.Duration
	// results batches the attempt logs of the running delivery loop.
	results atomic.Pointer[resultBatcher]

	mu    sync.Mutex
	cache map[string]cachedEndpoints // workspace -> enabled endpoints
	rates map[string]*rateWindow     // inbound hook -> calls this minute
	// addrRates are the public links' windows per link and client address
	// (publink.go), apart from rates so that many addresses cannot reset
	// the per-link and per-hook windows.
	addrRates map[string]*rateWindow
}

// New builds the service, declares its indexes, registers the fan-out
// consumer and retention schedule on the runtime and the "webhook.call"
// action on the engine.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Engine == nil || o.Store == nil {
		return nil, fmt.Errorf("webhook: Engine and Store are required")
	}
	if len(o.Key) < 16 {
		return nil, fmt.Errorf("webhook: the secret key must have at least 16 bytes")
	}
	if o.Clock == nil {
		o.Clock = store.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.DisableAfter <= 0 {
		o.DisableAfter = DefaultDisableAfter
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.InboundRate <= 0 {
		o.InboundRate = 120
	}
	seal, err := newSealer(o.Key)
	if err != nil {
		return nil, err
	}
	g := newGuard(o.Guard)
	s := &Service{e: o.Engine, st: o.Store, jobs: o.Jobs, clock: o.Clock, log: o.Logger.With("component", "webhook"), opts: o,
		seal: seal, guard: g, client: g.client(o.Timeout), owner: "wh-" + store.NewID(), wake: &signal{}, leaseSlack: 30 * time.Second,
		cache: map[string]cachedEndpoints{}, rates: map[string]*rateWindow{}, addrRates: map[string]*rateWindow{}}
	if err := s.ensureIndexes(ctx); err != nil {
		return nil, err
	}
	if o.Jobs != nil {
		if err := o.Jobs.Register(jobs.Consumer{Name: consumerName, Handle: s.fanOut, Concurrency: 8, LazyPayload: true}); err != nil {
			return nil, err
		}
		if err := o.Jobs.RegisterJob(jobs.Job{Name: "webhook_retention", Handle: s.purgeTask}); err != nil {
			return nil, err
		}
		if err := o.Jobs.AddSchedule(jobs.Schedule{Name: "webhook_retention", Cron: "17 3 * * *", TimeZone: "UTC", Job: "webhook_retention"}); err != nil {
			return nil, err
		}
	}
	if err := o.Engine.Actions().Register(s.actionType()); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) ensureIndexes(ctx context.Context) error {
	idx := map[string][]store.Index{
		collEndpoints:   {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}}}},
		collDeliveries:  {{Name: "ep_at", Fields: []store.SortKey{{Field: "endpoint"}, {Field: store.FieldCreatedAt}}}, {Name: "at", Fields: []store.SortKey{{Field: store.FieldCreatedAt}}}},
		collAttempts:    {{Name: "delivery", Fields: []store.SortKey{{Field: "delivery"}}}, {Name: "at", Fields: []store.SortKey{{Field: store.FieldCreatedAt}}}},
		collInbound:     {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}}}},
		collPublicLinks: {{Name: "ws", Fields: []store.SortKey{{Field: "workspace"}}}, {Name: "token", Fields: []store.SortKey{{Field: "token_hash"}}}},
		collInboundLog:  {{Name: "hook_at", Fields: []store.SortKey{{Field: "hook"}, {Field: store.FieldCreatedAt}}}},
	}
	for coll, ix := range idx {
		if err := s.st.EnsureIndexes(ctx, coll, ix); err != nil {
			return fmt.Errorf("webhook: indexes of %s: %w", coll, err)
		}
	}
	return nil
}

// kick wakes the delivery loop's idle workers.
func (s *Service) kick() { s.wake.fire() }

// now is the service clock in UTC.
func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// admin checks the actor may manage the workspace's integrations.
func (s *Service) admin(ctx context.Context, a engine.Actor) error {
	_, err := s.e.Authorize(ctx, a, engine.ActWorkspaceManage, engine.Resource{})
	return err
}
