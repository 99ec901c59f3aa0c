package engine

import (
	"context"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// DefaultFollowInterval is how often FollowChanges reads the outbox: a
// change committed by another process sharing the store is enforced here
// within about this time (the documented bound is 2 s).
const DefaultFollowInterval = 500 * time.Millisecond

// followRewind is how many events before the outbox's end FollowChanges
// applies again when it starts (see FollowChanges).
const followRewind = 1024

// FollowChanges keeps this process's caches true to changes other
// processes sharing the store commit: it tails the outbox from its current
// end every interval (0 means DefaultFollowInterval) and, for each event,
// drops what the change makes stale: the authorizer's cache of the
// workspace (members, roles, departments, apps, forms, permission sets,
// accounts), the cached current version of a form, and a workspace's time
// zone. It keeps its position in memory only (every process reads every
// event; nothing is checkpointed) and returns when ctx ends. Changes made
// by this process were already applied when they committed; seeing them
// again costs a cache refill, nothing more.
func (e *Engine) FollowChanges(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = DefaultFollowInterval
	}
	pos, err := outboxHead(ctx, e.st)
	for err != nil {
		e.log.Warn("follow changes: could not find the end of the outbox", "err", err)
		if wait(ctx, interval) != nil {
			return nil
		}
		pos, err = outboxHead(ctx, e.st)
	}
	// The end is found while the engine already serves, so a change another
	// process committed between this engine's first cache fill and that
	// read would never be applied. Re-apply the last followRewind events
	// first: it costs cache refills, and closes the start-up window.
	pos = max(0, pos-followRewind)
	for {
		n, err := e.followBatch(ctx, pos)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("follow changes: could not read the outbox", "err", err)
		}
		pos = n
		if wait(ctx, interval) != nil {
			return nil
		}
	}
}

// followBatch applies every event after pos and returns the new position.
func (e *Engine) followBatch(ctx context.Context, pos int64) (int64, error) {
	for {
		evs, err := readEventHeads(ctx, e.st, pos, store.MaxReadEvents)
		if err != nil {
			return pos, err
		}
		for _, ev := range evs {
			e.forgetChanged(ev)
			pos = ev.Seq
		}
		if len(evs) < store.MaxReadEvents {
			return pos, nil
		}
	}
}

// forgetChanged drops the cached knowledge one event makes stale.
func (e *Engine) forgetChanged(ev store.Event) {
	if policyColls[ev.Collection] && ev.Workspace != "" {
		e.invalidate(ev.Workspace)
	}
	switch ev.Collection {
	case collForms, collFormVersions:
		e.current.Delete(ev.DocID)
		if ev.Collection == collFormVersions {
			// A version's id is <form>_v<n>; its payload names the form too,
			// but the head read does not decode payloads: drop the
			// workspace's entries instead.
			e.forgetCurrent(ev.Workspace)
		}
	case collApps:
		// An app moved to or from the recycle bin changes whether its forms
		// take writes (checkWritable reads the cached entry).
		e.forgetCurrent(ev.Workspace)
	case collWorkspaces:
		e.zones.Delete(ev.DocID)
		e.zones.Delete(ev.Workspace)
	}
}

// forgetCurrent drops the cached current versions of ws's forms.
func (e *Engine) forgetCurrent(ws string) {
	e.current.Range(func(k, v any) bool {
		if v.(currentEntry).ws == ws {
			e.current.Delete(k)
		}
		return true
	})
}

// readEventHeads reads events without their payloads where the store can.
func readEventHeads(ctx context.Context, st store.Store, after int64, limit int) ([]store.Event, error) {
	if rr, ok := st.(store.RawEventReader); ok {
		raw, err := rr.ReadRawEvents(ctx, after, limit, false)
		if err != nil {
			return nil, err
		}
		out := make([]store.Event, len(raw))
		for i, r := range raw {
			out[i] = r.Event
		}
		return out, nil
	}
	return st.ReadEvents(ctx, after, limit)
}

// outboxHead returns the highest sequence number in the outbox (0 when
// empty) with a logarithmic number of one-event reads, since the contract
// reads forward only: "some event lies after x" holds for every x below
// the head and for none at or above it.
func outboxHead(ctx context.Context, st store.Store) (int64, error) {
	after := func(x int64) (bool, error) {
		evs, err := readEventHeads(ctx, st, x, 1)
		return len(evs) > 0, err
	}
	var lo, hi int64 = 0, 1 // the head is >= lo and < hi once after(hi) is false
	for {
		ok, err := after(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	ok, err := after(lo)
	if err != nil {
		return 0, err
	}
	if !ok {
		return lo, nil
	}
	// after(lo) is true and after(hi) false: the head is in (lo, hi].
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := after(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}

// wait waits d or until ctx ends (then it returns ctx's error).
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
