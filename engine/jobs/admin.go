package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Consumer states in ConsumerInfo.State.
const (
	// StateRunning: this process holds the consumer's lease.
	StateRunning = "running"
	// StateElsewhere: another process holds a live lease on the consumer.
	StateElsewhere = "elsewhere"
	// StateIdle: nobody holds the consumer (not started yet, or stopped).
	StateIdle = "idle"
)

// ConsumerInfo is one consumer as the admin screen and the metrics show it:
// instance-wide figures read from its checkpoint, plus this process's counters.
type ConsumerInfo struct {
	Name string
	// Position is the outbox sequence number the consumer has passed.
	Position int64
	// LagEvents counts the events after Position, up to store.MaxReadEvents
	// (LagCapped says the count stopped there).
	LagEvents int
	LagCapped bool
	// LagSeconds is the age of the oldest event not yet passed; 0 when caught up.
	LagSeconds float64
	// State is StateRunning, StateElsewhere or StateIdle.
	State string
	// Owner is the process holding the lease, if any.
	Owner string
	// DeadLetters counts the consumer's stored dead letters (all workspaces).
	DeadLetters int
	// Handled, Failures and Panics count in this process since start.
	Handled, Failures, Panics int64
}

// QueueInfo is one watched queue of the store with its depth.
type QueueInfo struct {
	Name  string
	Depth int64
}

// WatchQueue names store queues whose depth Queues and the metrics report
// (the timer and schedule runtimes call it for the queues they use).
func (r *Runtime) WatchQueue(names ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		if !slices.Contains(r.queues, n) {
			r.queues = append(r.queues, n)
		}
	}
}

// Queues returns the depth of every watched queue, by name.
func (r *Runtime) Queues(ctx context.Context) ([]QueueInfo, error) {
	r.mu.Lock()
	names := slices.Clone(r.queues)
	r.mu.Unlock()
	sort.Strings(names)
	out := make([]QueueInfo, 0, len(names))
	for _, n := range names {
		d, err := r.st.Depth(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("jobs: depth of queue %s: %w", n, err)
		}
		out = append(out, QueueInfo{Name: n, Depth: d})
	}
	return out, nil
}

// Consumers describes every registered consumer, by name. The position and
// lease come from the stored checkpoint, so every process answers the same.
func (r *Runtime) Consumers(ctx context.Context) ([]ConsumerInfo, error) {
	stats := r.Stats()
	names := make([]string, 0, len(stats))
	for n := range stats {
		names = append(names, n)
	}
	sort.Strings(names)
	now := r.clock.Now()
	out := make([]ConsumerInfo, 0, len(names))
	for _, n := range names {
		s := stats[n]
		ci := ConsumerInfo{Name: n, State: StateIdle, Handled: s.Handled, Failures: s.Failures, Panics: s.Panics}
		d, err := r.st.Get(ctx, collCheckpoints, n)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("jobs: read checkpoint of %s: %w", n, err)
		default:
			seq, _ := d.Data["seq"].(float64)
			ci.Position = int64(seq)
			owner, _ := d.Data["owner"].(string)
			until, _ := d.Data["until"].(string)
			if u, err := store.ParseTime(until); owner != "" && err == nil && u.After(now) {
				ci.Owner, ci.State = owner, StateElsewhere
				if owner == r.opts.Owner {
					ci.State = StateRunning
				}
			}
		}
		evs, err := r.readRaw(ctx, ci.Position, store.MaxReadEvents, false) // no payload is decoded
		if err != nil {
			return nil, fmt.Errorf("jobs: read the outbox after %s: %w", n, err)
		}
		ci.LagEvents, ci.LagCapped = len(evs), len(evs) == store.MaxReadEvents
		if len(evs) > 0 {
			ci.LagSeconds = max(0, now.Sub(evs[0].At).Seconds())
		}
		p, err := r.st.Find(ctx, collDeadLetters, store.Query{Filter: &store.Filter{Field: "consumer", Op: store.OpEq, Value: n}, Limit: store.MaxPageSize})
		if err != nil {
			return nil, fmt.Errorf("jobs: count dead letters of %s: %w", n, err)
		}
		ci.DeadLetters = len(p.Docs)
		out = append(out, ci)
	}
	return out, nil
}

// DeadLetter returns one dead letter; store.ErrNotFound if there is none.
func (r *Runtime) DeadLetter(ctx context.Context, id string) (DeadLetter, error) {
	d, err := r.st.Get(ctx, collDeadLetters, id)
	if err != nil {
		return DeadLetter{}, fmt.Errorf("jobs: dead letter %s: %w", id, err)
	}
	return decodeDeadLetter(d), nil
}

// WorkspaceDeadLetters lists up to limit dead letters of events of one
// workspace, newest failure first.
func (r *Runtime) WorkspaceDeadLetters(ctx context.Context, workspace string, limit int) ([]DeadLetter, error) {
	p, err := r.st.Find(ctx, collDeadLetters, store.Query{Limit: limit,
		Filter: &store.Filter{Field: "workspace", Op: store.OpEq, Value: workspace},
		Sort:   []store.SortKey{{Field: "failed_at", Desc: true}}})
	if err != nil {
		return nil, fmt.Errorf("jobs: list dead letters: %w", err)
	}
	out := make([]DeadLetter, len(p.Docs))
	for i, d := range p.Docs {
		out[i] = decodeDeadLetter(d)
	}
	return out, nil
}

// Observer is told the duration and outcome of every handler call.
type Observer func(consumer string, d time.Duration, err error)

// ObserveHandlers sets the function told of every handler call (the
// metrics' duration histograms); call it before Run.
func (r *Runtime) ObserveHandlers(f Observer) {
	r.mu.Lock()
	r.observe = f
	r.mu.Unlock()
}

func (r *Runtime) observed(consumer string, d time.Duration, err error) {
	r.mu.Lock()
	f := r.observe
	r.mu.Unlock()
	if f != nil {
		f(consumer, d, err)
	}
}
