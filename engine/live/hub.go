package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// Event types a subscriber receives besides the record event types.
const (
	// TypeReset says events may have been missed (the resume point is
	// older than the ring): refetch everything shown.
	TypeReset = "live.reset"
)

// stageChanged is engine/workflow's stage transition event (not imported:
// capabilities meet only through the outbox).
const stageChanged = "workflow.stage_changed"

// watched are the event types fanned out.
var watched = map[string]bool{
	string(engine.EventRecordCreated): true, string(engine.EventRecordUpdated): true,
	string(engine.EventRecordDeleted): true, string(engine.EventRecordRestored): true,
	stageChanged: true,
}

// Defaults of Options.
const (
	DefaultHeartbeat     = 15 * time.Second
	DefaultPoll          = 500 * time.Millisecond
	DefaultRing          = 1024
	DefaultBuffer        = 256
	DefaultMaxPerMember  = 8
	DefaultMaxPerProcess = 2000
	// MaxForms bounds the forms one subscription watches.
	MaxForms = 50
)

// ErrBusy means the process serves as many live connections as it may.
var ErrBusy = errors.New("live: too many live connections")

// ErrClosed means the hub is shutting down and takes no subscriber.
var ErrClosed = errors.New("live: shutting down")

// Event is what a subscriber is told of one change. It names the record
// and never carries a field value.
type Event struct {
	// ID is the event's outbox position: increasing, the same in every
	// process, the SSE id a client resumes from.
	ID       int64     `json:"id"`
	Type     string    `json:"type"`
	Form     string    `json:"form,omitempty"`
	RecordID string    `json:"recordId,omitempty"`
	Version  int64     `json:"version,omitempty"`
	At       time.Time `json:"at"`

	workspace string
	encoded   string // the JSON, made once for every stream
}

// JSON returns the event as its stream sends it.
func (ev Event) JSON() []byte {
	if ev.encoded != "" {
		return []byte(ev.encoded)
	}
	b, _ := json.Marshal(ev) // plain strings, numbers and a time: cannot fail
	return b
}

// Ticker is a heartbeat source; tests inject one they drive.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type timeTicker struct{ t *time.Ticker }

func (t timeTicker) C() <-chan time.Time { return t.t.C }
func (t timeTicker) Stop()               { t.t.Stop() }

// Options tunes a Hub; zero values mean the defaults.
type Options struct {
	// Heartbeat is how often a stream says it is alive (DefaultHeartbeat).
	Heartbeat time.Duration
	// NewTicker makes heartbeat tickers; nil means time.NewTicker.
	NewTicker func(d time.Duration) Ticker
	// Poll is how often the tail reads the outbox without a commit signal
	// of this process: the bound on seeing another process's commit.
	Poll time.Duration
	// Ring is how many recent events are kept for resuming.
	Ring int
	// Buffer is how many events may wait for one slow subscriber before
	// it is dropped (its client reconnects and resumes).
	Buffer int
	// MaxPerMember bounds one member's streams in a workspace; a new one
	// beyond it ends that member's oldest (a reloaded tab's dead stream).
	MaxPerMember int
	// MaxPerProcess bounds every stream of the process; beyond it
	// Subscribe answers ErrBusy.
	MaxPerProcess int
	// Logger receives the hub's lines; nil means slog.Default().
	Logger *slog.Logger
}

// Hub fans outbox events out to this process's subscribers. Create it
// with New, run Run once; it is safe for concurrent use.
type Hub struct {
	e    *engine.Engine
	st   store.Store
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	byForm map[string]map[*Subscription]struct{}
	byUser map[string][]*Subscription // workspace/user -> oldest first
	count  int
	closed bool
	ring   ring
	pos    int64 // last outbox position read (guarded by mu)
	ready  chan struct{}

	done atomic.Int64 // every event up to here has been fanned out
}

// New returns a hub over e reading the outbox of st (the store itself,
// whose commit signals wake the tail).
func New(e *engine.Engine, st store.Store, opts Options) *Hub {
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	if opts.NewTicker == nil {
		opts.NewTicker = func(d time.Duration) Ticker { return timeTicker{time.NewTicker(d)} }
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Ring <= 0 {
		opts.Ring = DefaultRing
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.MaxPerMember <= 0 {
		opts.MaxPerMember = DefaultMaxPerMember
	}
	if opts.MaxPerProcess <= 0 {
		opts.MaxPerProcess = DefaultMaxPerProcess
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Hub{e: e, st: st, opts: opts, log: opts.Logger.With("component", "live"),
		byForm: map[string]map[*Subscription]struct{}{}, byUser: map[string][]*Subscription{},
		ring: newRing(opts.Ring), ready: make(chan struct{})}
}

// NewTicker returns a heartbeat ticker at the hub's interval.
func (h *Hub) NewTicker() Ticker { return h.opts.NewTicker(h.opts.Heartbeat) }

// Done returns the outbox position up to which every event has been
// fanned out: a stream may tell its client it has passed it.
func (h *Hub) Done() int64 { return h.done.Load() }

// Ready is closed once the tail has found the end of the outbox; events
// committed after that reach subscribers.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Connections returns how many streams are open.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// Close ends every subscription and refuses new ones (shutdown).
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	var all []*Subscription
	for _, l := range h.byUser {
		all = append(all, l...)
	}
	h.mu.Unlock()
	for _, s := range all {
		s.end(ReasonShutdown)
	}
}

// visible says which viewers may see the record of ev now.
func (h *Hub) visible(ctx context.Context, ev Event, viewers []engine.Actor) []bool {
	ok, err := h.e.RecordVisibleTo(ctx, ev.workspace, ev.Form, ev.RecordID, viewers)
	if err != nil {
		// Fail closed: nobody is told (their next refetch shows the truth).
		h.log.Warn("could not check who may see a changed record", "form", ev.Form, "record", ev.RecordID, "err", err)
		return make([]bool, len(viewers))
	}
	return ok
}
