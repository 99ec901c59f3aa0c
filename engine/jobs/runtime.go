package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Collections of the runtime's own documents.
const (
	collCheckpoints = "jobs_checkpoints"
	collDeadLetters = "jobs_dead_letters"
)

// Delivery is one event handed to a consumer.
type Delivery struct {
	// Event is the outbox event; Event.ID is the idempotency key. Its
	// Payload is nil for a consumer with LazyPayload: call Payload.
	Event store.Event
	// Attempt counts from 1 within this delivery.
	Attempt int
	// lazy holds the payload still encoded, decoded on first Payload call.
	lazy *lazyPayload
}

type lazyPayload struct {
	once sync.Once
	raw  store.RawEvent
	// fetch reads the event again with its payload, when raw has none.
	fetch func() (store.RawEvent, error)
	p     map[string]any
	err   error
}

// Payload returns the event's payload. For a consumer with LazyPayload it
// is read and decoded on the first call; the error is then a store error,
// an event already trimmed (store.ErrNotFound) or a corrupt payload.
func (d Delivery) Payload() (map[string]any, error) {
	if d.lazy == nil {
		return d.Event.Payload, nil
	}
	d.lazy.once.Do(func() {
		raw := d.lazy.raw
		if raw.Raw == nil && d.lazy.fetch != nil {
			if raw, d.lazy.err = d.lazy.fetch(); d.lazy.err != nil {
				return
			}
		}
		if raw.Raw == nil && raw.Payload != nil { // decoded by a store without raw reads
			d.lazy.p = raw.Payload
			return
		}
		d.lazy.p, d.lazy.err = raw.DecodePayload()
	})
	return d.lazy.p, d.lazy.err
}

// Handler handles one event; an error (or a panic) means retry.
type Handler func(ctx context.Context, d Delivery) error

// Consumer is a named handler of some event types.
type Consumer struct {
	// Name is a valid store key (for example "webhooks"); it names the checkpoint.
	Name string
	// Types are the event types handled; empty means every type.
	Types []string
	// Handle is called for each event, at least once.
	Handle Handler
	// MaxAttempts before an event becomes a dead letter; 0 means 8.
	MaxAttempts int
	// Concurrency bounds how many documents are handled at once; 0 means 4.
	Concurrency int
	// LazyPayload says the handler reads the payload only through
	// Delivery.Payload, if at all: the runtime then leaves Event.Payload nil
	// and decodes a payload only when asked. Otherwise every delivered
	// event's payload is decoded before the call. Either way, the events of
	// types the consumer does not handle are never decoded.
	LazyPayload bool
}

// Options tunes a Runtime.
type Options struct {
	// Owner names this process in leases; empty means a new id.
	Owner string
	// Clock tells the time of leases and dead letters; nil means the system clock.
	Clock store.Clock
	// Logger receives the runtime's lines; nil means slog.Default().
	Logger *slog.Logger
	// Lease is how long a process holds a consumer without renewing; 0 means 30 s.
	Lease time.Duration
	// Poll is the fallback interval for commits of other processes; 0 means 1 s.
	Poll time.Duration
	// BatchSize is how many events one read takes; 0 means 256.
	BatchSize int
	// BackoffBase and BackoffMax shape the retry delays (base·2^(n-1), full
	// jitter on the upper half, at most max); 0 means 100 ms and 1 min.
	BackoffBase, BackoffMax time.Duration
	// Retention keeps passed events this long before trimming; 0 means 7 days.
	Retention time.Duration
	// Sleep waits for d or until ctx ends; nil means a real timer. Tests
	// inject one that records the delays instead of waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Renew is how often a running task's lease is renewed; 0 means Lease/3.
	Renew time.Duration
	// CheckpointEvery bounds how often a busy consumer stores its position
	// (wall time); 0 means 50 ms. After a crash, up to that much work is
	// delivered again; a longer interval costs fewer writes.
	CheckpointEvery time.Duration
	// Coalesce is how long a consumer whose last read found several events
	// waits after the next commit signal before reading again (wall time),
	// so a busy outbox is read in batches; 0 means 10 ms. A consumer that
	// keeps up (one event per read) reads at once.
	Coalesce time.Duration
	// Workspaces lists the workspaces and their time zones, for schedules
	// added with AddWorkspaceSchedule; nil allows none.
	Workspaces WorkspaceZones
}

// Runtime runs registered consumers over one store.
type Runtime struct {
	st    store.Store
	opts  Options
	clock store.Clock
	log   *slog.Logger

	mu        sync.Mutex
	consumers map[string]*Consumer
	stats     map[string]*Stats
	wake      chan struct{}
	queues    []string   // watched store queues (admin.go)
	observe   Observer   // told of every handler call (admin.go)
	timers    timerState // delayed work and schedules (timer.go)
	nextDue   time.Time  // earliest due time planned here, guarded by mu
}

// Stats are one consumer's counters, for metrics and the admin screen.
type Stats struct {
	// Position is the last outbox sequence number the consumer passed.
	Position int64
	// Handled, Failures, DeadLetters and Panics count since start.
	Handled, Failures, DeadLetters, Panics int64
	// Running says this process holds the consumer's lease.
	Running bool
}

// New returns a runtime over st.
func New(st store.Store, opts Options) *Runtime {
	if opts.Owner == "" {
		opts.Owner = "proc-" + store.NewID()
	}
	if opts.Clock == nil {
		opts.Clock = store.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Lease <= 0 {
		opts.Lease = 30 * time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.BatchSize <= 0 || opts.BatchSize > store.MaxReadEvents {
		opts.BatchSize = 256
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 100 * time.Millisecond
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = time.Minute
	}
	if opts.Retention <= 0 {
		opts.Retention = 7 * 24 * time.Hour
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Coalesce <= 0 {
		opts.Coalesce = 10 * time.Millisecond
	}
	if opts.CheckpointEvery <= 0 {
		opts.CheckpointEvery = 50 * time.Millisecond
	}
	return &Runtime{st: st, opts: opts, clock: opts.Clock, log: opts.Logger.With("component", "jobs", "owner", opts.Owner),
		consumers: map[string]*Consumer{}, stats: map[string]*Stats{}, wake: make(chan struct{}, 1)}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Register adds a consumer; call it before Run.
func (r *Runtime) Register(c Consumer) error {
	if err := store.ValidateCollection(c.Name); err != nil {
		return fmt.Errorf("jobs: consumer name: %w", err)
	}
	if c.Handle == nil {
		return fmt.Errorf("%w: jobs: consumer %s has no handler", store.ErrInvalidInput, c.Name)
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.consumers[c.Name]; ok {
		return fmt.Errorf("%w: jobs: consumer %s registered twice", store.ErrDuplicate, c.Name)
	}
	r.consumers[c.Name] = &c
	r.stats[c.Name] = &Stats{}
	return nil
}

// Kick makes the runtime look for work now (tests call it after moving the clock).
func (r *Runtime) Kick() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Stats returns a copy of every consumer's counters.
func (r *Runtime) Stats() map[string]Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Stats, len(r.stats))
	for k, v := range r.stats {
		out[k] = *v
	}
	return out
}

func (r *Runtime) stat(name string, f func(*Stats)) {
	r.mu.Lock()
	f(r.stats[name])
	r.mu.Unlock()
}

// Run runs every consumer until ctx ends; it then finishes the batches in
// flight and releases its leases.
func (r *Runtime) Run(ctx context.Context) error {
	var notify <-chan struct{}
	if cn, ok := r.st.(store.CommitNotifier); ok {
		ch, stop := cn.NotifyCommits()
		defer stop()
		notify = ch
	}
	r.mu.Lock()
	cs := make([]*Consumer, 0, len(r.consumers))
	for _, c := range r.consumers {
		cs = append(cs, c)
	}
	r.mu.Unlock()
	// One loop per consumer; the shared signal is fanned out.
	wakes := make([]chan struct{}, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wake := make(chan struct{}, 1)
		wakes[i] = wake
		wg.Add(1)
		go func() {
			defer wg.Done()
			// wake, not wakes[i]: the slice grows below while this runs.
			r.loop(ctx, c, wake)
		}()
	}
	if r.hasTimerWork() {
		tw := make(chan struct{}, 1)
		wakes = append(wakes, tw)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.runTimers(ctx, tw)
		}()
	}
	fanTo := func(ws []chan struct{}) {
		for _, w := range ws {
			select {
			case w <- struct{}{}:
			default:
			}
		}
	}
	fan := func() { fanTo(wakes) }
	trim := time.NewTicker(10 * time.Minute)
	defer trim.Stop()
	poll := time.NewTicker(r.opts.Poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-notify:
			// Commits wake the consumers only: the timer loop (the last
			// wake, if any) is woken by Plan, its due times and the poll,
			// so busy writing does not make it claim on every commit.
			fanTo(wakes[:len(cs)])
		case <-r.wake:
			fan()
		case <-poll.C:
			fan()
		case <-trim.C:
			if _, err := r.Trim(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("could not trim the outbox", "error", err)
			}
		}
	}
}

// loop runs one consumer: it holds the consumer's lease and handles batches
// until it has caught up, then waits for a signal. A position passed but
// not stored yet is stored CheckpointEvery after the last store write, or
// when the loop stops.
func (r *Runtime) loop(ctx context.Context, c *Consumer, wake <-chan struct{}) {
	var l *lease
	var pos int64
	flush := time.NewTimer(time.Hour)
	flush.Stop()
	defer flush.Stop()
	flushPos := func(bg context.Context) {
		if l == nil || pos == l.seq {
			return
		}
		if err := r.save(bg, l, pos); err != nil {
			l = r.dropLease(c, err)
			if !errors.Is(err, errNotOwner) {
				r.log.Warn("could not store a consumer's checkpoint", "consumer", c.Name, "error", err)
			}
		}
	}
	var busyAt time.Time // when a step last found several events
	for {
		for ctx.Err() == nil {
			var more bool
			var err error
			before := pos
			l, pos, more, err = r.step(ctx, c, l, pos)
			if pos-before > 1 { // several events at once: commits outpace the reads
				busyAt = time.Now()
			}
			switch {
			case err == nil, ctx.Err() != nil:
			case errors.Is(err, errNotOwner):
				r.log.Debug("consumer held by another process", "consumer", c.Name)
			default:
				r.log.Warn("consumer step failed", "consumer", c.Name, "error", err)
			}
			if !more || err != nil {
				break
			}
		}
		if l != nil && pos != l.seq {
			flush.Reset(max(time.Until(l.savedAt.Add(r.opts.CheckpointEvery)), 0))
		}
		select {
		case <-ctx.Done():
			flushPos(context.WithoutCancel(ctx))
			r.release(context.WithoutCancel(ctx), c.Name)
			return
		case <-wake:
			// Busy: let a few more commits land before reading again,
			// so one read takes several events instead of one per commit.
			if d := r.opts.Coalesce - time.Since(busyAt); d > 0 {
				_ = r.opts.Sleep(ctx, d)
			}
		case <-flush.C:
			flushPos(ctx)
		}
	}
}

// backoff is the delay before retry n (n >= 1): base·2^(n-1) capped at max,
// the upper half jittered.
func (r *Runtime) backoff(n int) time.Duration {
	d := r.opts.BackoffBase << min(n-1, 30)
	if d <= 0 || d > r.opts.BackoffMax {
		d = r.opts.BackoffMax
	}
	half := d / 2
	return half + rand.N(half+1)
}
