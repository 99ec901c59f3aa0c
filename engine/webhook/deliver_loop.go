package webhook

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// claimBatch is how many deliveries one claim leases at most.
const claimBatch = 32

// Run sends due deliveries, up to Options.Concurrency at once, until ctx
// ends; it waits for those in flight before returning.
//
// The loop claims as many due deliveries as it has room for in one round
// trip (store.BatchClaimer; one at a time on a store without it), each
// the head of its lane, so a record's deliveries to an endpoint still go
// one after another. Each claimed delivery is sent on its own goroutine;
// its result (attempt log and delivery state) goes through the results
// batcher, which group-commits the results of concurrent deliveries in
// one unit of work, and the queue item is acked only after that commit
// (at least once). A single one-at-a-time claiming loop paid a commit
// round trip per claim: that was the throughput limit.
func (s *Service) Run(ctx context.Context) error {
	rb := newResultBatcher(s.st, resultBatch)
	s.results.Store(rb)
	defer func() { s.results.Store(nil); rb.close() }()
	var wg sync.WaitGroup
	defer wg.Wait()
	var inflight atomic.Int64
	freed := make(chan struct{}, 1)
	for ctx.Err() == nil {
		room := s.opts.Concurrency - int(inflight.Load())
		var woken <-chan struct{}
		if room > 0 {
			woken = s.wake.wait()
			its, err := s.claim(ctx, min(room, claimBatch))
			if err != nil && ctx.Err() == nil {
				s.log.Warn("could not claim deliveries", "error", err)
			}
			for _, it := range its {
				inflight.Add(1)
				wg.Go(func() {
					defer func() {
						inflight.Add(-1)
						select {
						case freed <- struct{}{}:
						default:
						}
					}()
					s.process(context.WithoutCancel(ctx), it)
				})
			}
			if len(its) > 0 && err == nil {
				continue
			}
		}
		// Full, or nothing due: a finished delivery (its lane's next item
		// may be due), a kick (new work) or the poll (retries come due)
		// wakes the loop.
		t := time.NewTimer(s.opts.Poll)
		select {
		case <-ctx.Done():
		case <-woken:
		case <-freed:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// claim leases up to n due deliveries.
func (s *Service) claim(ctx context.Context, n int) ([]store.QueueItem, error) {
	if bc, ok := s.st.(store.BatchClaimer); ok {
		return bc.ClaimBatch(ctx, queueDeliveries, s.owner, s.lease(), n)
	}
	it, err := s.st.Claim(ctx, queueDeliveries, s.owner, s.lease())
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []store.QueueItem{it}, nil
}

// signal wakes every goroutine waiting on it: wait returns a channel that
// the next fire closes.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func (g *signal) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *signal) fire() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}
