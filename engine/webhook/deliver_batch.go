package webhook

import (
	"context"
	"sync"

	"github.com/formloom/formloom/engine/store"
)

// resultBatch is how many deliveries' results one unit of work holds at most.
const resultBatch = 32

// resultBatcher group-commits the results of concurrent deliveries: each
// finished delivery hands over its unit (attempt log and delivery state)
// and waits; the batcher folds every unit waiting, up to max, into one
// unit of work and commits it, so N deliveries cost one commit instead of
// N. It flushes as soon as no more results wait (idle), never on a
// timer, so a lone delivery is not delayed. A batch that fails (a
// delivery's compare-and-set lost to a concurrent redeliver) is retried
// one unit at a time, so one result's error is its own.
type resultBatcher struct {
	st   store.Store
	max  int
	reqs chan resultReq
	done chan struct{}
	once sync.Once
}

type resultReq struct {
	ctx  context.Context
	u    store.UnitOfWork
	errc chan error
}

// newResultBatcher starts a batcher. A store without transactions gets
// batches of one: a merged unit could half-apply there.
func newResultBatcher(st store.Store, max int) *resultBatcher {
	if !st.Capabilities().Transactions {
		max = 1
	}
	b := &resultBatcher{st: st, max: max, reqs: make(chan resultReq, max), done: make(chan struct{})}
	go b.run()
	return b
}

// commit stores u with the others waiting and returns its own outcome.
func (b *resultBatcher) commit(ctx context.Context, u store.UnitOfWork) error {
	r := resultReq{ctx: ctx, u: u, errc: make(chan error, 1)}
	select {
	case b.reqs <- r:
	case <-b.done:
		_, err := b.st.Commit(ctx, u)
		return err
	}
	return <-r.errc
}

// close stops the batcher once the results handed over are committed.
func (b *resultBatcher) close() { b.once.Do(func() { close(b.done) }) }

func (b *resultBatcher) run() {
	for {
		var first resultReq
		select {
		case first = <-b.reqs:
		case <-b.done:
			// Results handed over before close still commit.
			for {
				select {
				case r := <-b.reqs:
					_, err := b.st.Commit(r.ctx, r.u)
					r.errc <- err
				default:
					return
				}
			}
		}
		batch := []resultReq{first}
	fill:
		for len(batch) < b.max {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		b.flush(batch)
	}
}

// flush commits the batch as one unit, or each unit alone if that fails.
func (b *resultBatcher) flush(batch []resultReq) {
	if len(batch) > 1 {
		u := store.UnitOfWork{At: batch[0].u.At, Actor: batch[0].u.Actor}
		for _, r := range batch {
			u.Writes = append(u.Writes, r.u.Writes...)
		}
		if _, err := b.st.Commit(context.WithoutCancel(batch[0].ctx), u); err == nil {
			for _, r := range batch {
				r.errc <- nil
			}
			return
		}
	}
	for _, r := range batch {
		_, err := b.st.Commit(r.ctx, r.u)
		r.errc <- err
	}
}

// commitResult stores a delivery's result: through the running loop's
// batcher, or on its own (DeliverDue, a redeliver).
func (s *Service) commitResult(ctx context.Context, u store.UnitOfWork) error {
	if b := s.results.Load(); b != nil {
		return b.commit(ctx, u)
	}
	_, err := s.st.Commit(ctx, u)
	return err
}
