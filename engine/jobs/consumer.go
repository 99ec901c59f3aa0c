package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// errNotOwner means another process holds the consumer's lease.
var errNotOwner = errors.New("jobs: another process holds the consumer")

// lease is this process's hold on one consumer: its checkpoint document.
// The loop keeps it between batches, so a batch costs no lease write: the
// lease is renewed once a third of it has passed, and the position is
// stored at most every Options.CheckpointEvery (and when the loop goes idle
// or stops), so busy writing does not add a checkpoint write per commit.
type lease struct {
	mu      sync.Mutex
	name    string
	version int64
	seq     int64     // stored position
	until   time.Time // stored lease end, by the store clock
	savedAt time.Time // wall time of the last store write
}

// acquire takes or renews the consumer's lease and reads its checkpoint.
func (r *Runtime) acquire(ctx context.Context, name string) (*lease, error) {
	now := r.clock.Now().UTC()
	d, err := r.st.Get(ctx, collCheckpoints, name)
	if errors.Is(err, store.ErrNotFound) {
		_, err = r.st.Commit(ctx, store.UnitOfWork{At: now, Actor: r.opts.Owner, Writes: []store.Write{{
			Op: store.OpInsert, Collection: collCheckpoints,
			Doc: store.Document{ID: name, Data: map[string]any{"seq": 0, "owner": "", "until": ""}},
		}}})
		if err != nil && !errors.Is(err, store.ErrDuplicate) {
			return nil, fmt.Errorf("jobs: create checkpoint of %s: %w", name, err)
		}
		d, err = r.st.Get(ctx, collCheckpoints, name)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: read checkpoint of %s: %w", name, err)
	}
	owner, _ := d.Data["owner"].(string)
	until, _ := d.Data["until"].(string)
	if owner != "" && owner != r.opts.Owner {
		if u, err := store.ParseTime(until); err == nil && u.After(now) {
			return nil, errNotOwner
		}
	}
	seq, _ := d.Data["seq"].(float64)
	l := &lease{name: name, version: d.Version, seq: int64(seq)}
	if err := r.save(ctx, l, l.seq); err != nil {
		return nil, err
	}
	return l, nil
}

// save writes the checkpoint seq and renews the lease, as a compare-and-set
// on the version this process last wrote; a conflict means it lost the lease.
func (r *Runtime) save(ctx context.Context, l *lease, seq int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := r.clock.Now().UTC()
	res, err := r.st.Commit(ctx, store.UnitOfWork{At: now, Actor: r.opts.Owner, Writes: []store.Write{{
		Op: store.OpUpdate, Collection: collCheckpoints, ExpectVersion: l.version,
		Doc: store.Document{ID: l.name, Data: map[string]any{
			"seq": seq, "owner": r.opts.Owner, "until": store.FormatTime(now.Add(r.opts.Lease)),
		}},
	}}})
	if errors.Is(err, store.ErrConflict) {
		return errNotOwner
	}
	if err != nil {
		return fmt.Errorf("jobs: save checkpoint of %s: %w", l.name, err)
	}
	l.version, l.seq, l.until, l.savedAt = res.Docs[0].Version, seq, now.Add(r.opts.Lease), time.Now()
	r.stat(l.name, func(s *Stats) { s.Position, s.Running = seq, true })
	return nil
}

// renewDue says the lease has run a third of its time and should be renewed
// before more work is done under it.
func (r *Runtime) renewDue(l *lease) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !r.clock.Now().Before(l.until.Add(-r.opts.Lease * 2 / 3))
}

// renew prolongs the lease without moving the checkpoint.
func (r *Runtime) renew(ctx context.Context, l *lease) error {
	l.mu.Lock()
	seq := l.seq
	l.mu.Unlock()
	return r.save(ctx, l, seq)
}

// release gives the lease up so another process can take over at once.
// It retries a conflict: a save whose caller gave up may land just before.
func (r *Runtime) release(ctx context.Context, name string) {
	var err error
	for range 3 {
		var d store.Document
		d, err = r.st.Get(ctx, collCheckpoints, name)
		if err != nil || d.Data["owner"] != r.opts.Owner {
			break
		}
		data := map[string]any{"seq": d.Data["seq"], "owner": "", "until": ""}
		_, err = r.st.Commit(ctx, store.UnitOfWork{Actor: r.opts.Owner, Writes: []store.Write{{
			Op: store.OpUpdate, Collection: collCheckpoints, ExpectVersion: d.Version, Doc: store.Document{ID: name, Data: data},
		}}})
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		r.log.Warn("could not release a consumer; it is taken over when its lease ends", "consumer", name, "error", err)
	}
	r.stat(name, func(s *Stats) { s.Running = false })
}

// step handles one batch after pos under the lease l (nil: acquire it
// first). It returns the lease still held (nil when lost), the position
// passed (stored or not), and whether the batch was full.
func (r *Runtime) step(ctx context.Context, c *Consumer, l *lease, pos int64) (*lease, int64, bool, error) {
	var err error
	switch {
	case l == nil:
		if l, err = r.acquire(ctx, c.Name); err != nil {
			if errors.Is(err, errNotOwner) {
				r.stat(c.Name, func(s *Stats) { s.Running = false })
			}
			return nil, 0, false, err
		}
		pos = l.seq
	case r.renewDue(l):
		if err := r.save(ctx, l, pos); err != nil {
			return r.dropLease(c, err), 0, false, err
		}
	}
	events, err := r.readRaw(ctx, pos, r.opts.BatchSize, !c.LazyPayload)
	if err != nil || len(events) == 0 {
		return l, pos, false, err
	}
	if err := r.handleBatch(ctx, c, l, events); err != nil {
		if errors.Is(err, errNotOwner) {
			return r.dropLease(c, err), 0, false, err
		}
		return l, pos, false, err
	}
	pos = events[len(events)-1].Seq
	if time.Since(l.savedAt) >= r.opts.CheckpointEvery {
		// Record the batch even if the runtime is stopping.
		if err := r.save(context.WithoutCancel(ctx), l, pos); err != nil {
			return r.dropLease(c, err), 0, false, err
		}
	}
	return l, pos, len(events) == r.opts.BatchSize, nil
}

// dropLease forgets a lease a failed write put in doubt; the next step
// acquires the consumer again from its stored checkpoint.
func (r *Runtime) dropLease(c *Consumer, err error) *lease {
	if errors.Is(err, errNotOwner) {
		r.stat(c.Name, func(s *Stats) { s.Running = false })
	}
	return nil
}

// readEvents reads the batch after pos, without decoding the payloads
// where the store can (store.RawEventReader).
func (r *Runtime) readRaw(ctx context.Context, pos int64, limit int, withPayload bool) ([]store.RawEvent, error) {
	if rr, ok := r.st.(store.RawEventReader); ok {
		return rr.ReadRawEvents(ctx, pos, limit, withPayload)
	}
	evs, err := r.st.ReadEvents(ctx, pos, limit)
	out := make([]store.RawEvent, len(evs))
	for i, e := range evs {
		out[i] = store.RawEvent{Event: e}
	}
	return out, err
}

// fetchEvent reads one event with its payload, for a lazy Payload call.
func (r *Runtime) fetchEvent(seq int64) (store.RawEvent, error) {
	evs, err := r.readRaw(context.Background(), seq-1, 1, true)
	if err != nil {
		return store.RawEvent{}, err
	}
	if len(evs) == 0 || evs[0].Seq != seq {
		return store.RawEvent{}, fmt.Errorf("%w: jobs: event %d is no longer in the outbox", store.ErrNotFound, seq)
	}
	return evs[0], nil
}

// handleBatch runs the batch's events, one document after another in
// order, different documents in parallel up to the consumer's concurrency.
func (r *Runtime) handleBatch(ctx context.Context, c *Consumer, l *lease, events []store.RawEvent) error {
	var order []string
	groups := map[string][]store.RawEvent{}
	for _, e := range events {
		if len(c.Types) > 0 && !slices.Contains(c.Types, e.Type) {
			continue
		}
		k := e.Collection + "/" + e.DocID
		if e.DocID == "" {
			k = "event/" + e.ID
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e)
	}
	sem := make(chan struct{}, c.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, k := range order {
		sem <- struct{}{}
		wg.Add(1)
		go func(evs []store.RawEvent) {
			defer wg.Done()
			defer func() { <-sem }()
			for _, e := range evs {
				if err := r.deliver(ctx, c, l, e); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}(groups[k])
	}
	wg.Wait()
	return first
}

// deliver handles one event with retries; after MaxAttempts it stores a
// dead letter. It fails only when the runtime stops or loses the lease, so
// the checkpoint stays before the event.
func (r *Runtime) deliver(ctx context.Context, c *Consumer, l *lease, raw store.RawEvent) error {
	e := raw.Event
	var lazy *lazyPayload
	var decodeErr error
	switch {
	case c.LazyPayload: // Event.Payload stays nil whatever the store read
		lazy = &lazyPayload{raw: raw, fetch: func() (store.RawEvent, error) { return r.fetchEvent(raw.Seq) }}
		e.Payload = nil
	case raw.Raw == nil: // decoded by the store
	default:
		e.Payload, decodeErr = raw.DecodePayload()
	}
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := decodeErr
		if err == nil {
			err = r.call(ctx, c, Delivery{Event: e, Attempt: attempt, lazy: lazy})
		}
		if err == nil {
			r.stat(c.Name, func(s *Stats) { s.Handled++ })
			if r.log.Enabled(ctx, slog.LevelDebug) { // no logger built per event otherwise
				r.log.Debug("event handled", "consumer", c.Name, "event_id", e.ID, "event_type", e.Type, "attempt", attempt, "duration", time.Since(start))
			}
			return nil
		}
		log := r.log.With("consumer", c.Name, "event_id", e.ID, "event_type", e.Type, "attempt", attempt)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.stat(c.Name, func(s *Stats) { s.Failures++ })
		if attempt >= c.MaxAttempts {
			log.Error("event failed for the last time: dead letter", "error", err)
			if lazy != nil {
				e.Payload, _ = Delivery{lazy: lazy}.Payload()
			}
			return r.deadLetter(ctx, c, e, attempt, err)
		}
		delay := r.backoff(attempt)
		log.Warn("event failed; retrying", "error", err, "retry_in", delay)
		if err := r.renew(ctx, l); err != nil {
			return err // errNotOwner: the step drops the lease
		}
		if err := r.opts.Sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// call runs the handler and turns a panic into an error.
func (r *Runtime) call(ctx context.Context, c *Consumer, d Delivery) (err error) {
	start := time.Now()
	defer func() {
		defer func() { r.observed(c.Name, time.Since(start), err) }()
		if p := recover(); p != nil {
			r.stat(c.Name, func(s *Stats) { s.Panics++ })
			r.log.Error("handler panicked", "consumer", c.Name, "event_id", d.Event.ID, "attempt", d.Attempt,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler panicked: %v", p)
		}
	}()
	return c.Handle(ctx, d)
}

// Trim deletes the outbox events every registered consumer has passed and
// that are older than the retention; it returns how many it deleted.
func (r *Runtime) Trim(ctx context.Context) (int64, error) {
	r.mu.Lock()
	names := make([]string, 0, len(r.consumers))
	for n := range r.consumers {
		names = append(names, n)
	}
	r.mu.Unlock()
	if len(names) == 0 {
		return 0, nil
	}
	low := int64(-1)
	for _, n := range names {
		d, err := r.st.Get(ctx, collCheckpoints, n)
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil // a consumer that never ran has passed nothing
		}
		if err != nil {
			return 0, err
		}
		seq, _ := d.Data["seq"].(float64)
		if low < 0 || int64(seq) < low {
			low = int64(seq)
		}
	}
	return r.st.TrimEvents(ctx, low, r.clock.Now().Add(-r.opts.Retention))
}
