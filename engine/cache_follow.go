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
	pos, err := store.OutboxHead(ctx, e.st)
	for err != nil {
		e.log.Warn("follow changes: could not find the end of the outbox", "err", err)
		if wait(ctx, interval) != nil {
			return nil
		}
		pos, err = store.OutboxHead(ctx, e.st)
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
		evs, err := store.ReadEventHeads(ctx, e.st, pos, store.MaxReadEvents)
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
