package live

import (
	"context"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Run tails the outbox from its current end and fans every watched event
// out until ctx ends; then it closes the hub. The position lives in memory
// only: every process reads every event, nothing is leased or
// checkpointed (a restarted process starts at the end; its clients resume
// from their Last-Event-ID, or get a reset when it is older than the ring).
// It is woken by this process's commits (store.CommitNotifier) and polls
// every Options.Poll for the commits of other processes.
func (h *Hub) Run(ctx context.Context) error {
	defer h.Close()
	var notify <-chan struct{}
	if cn, ok := h.st.(store.CommitNotifier); ok {
		ch, stop := cn.NotifyCommits()
		defer stop()
		notify = ch
	}
	poll := time.NewTicker(h.opts.Poll)
	defer poll.Stop()
	pos, err := store.OutboxHead(ctx, h.st)
	for err != nil {
		h.log.Warn("live: could not find the end of the outbox", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
		}
		pos, err = store.OutboxHead(ctx, h.st)
	}
	h.mu.Lock()
	h.pos, h.ring.floor = pos, pos
	h.mu.Unlock()
	h.done.Store(pos)
	close(h.ready)
	for {
		for {
			n, full, err := h.step(ctx, pos)
			if err != nil && ctx.Err() == nil {
				h.log.Warn("live: could not read the outbox", "err", err)
			}
			pos = n
			if !full || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-notify:
		case <-poll.C:
		}
	}
}

// step fans out the events after pos; it returns the new position and
// whether the read was full (more may follow).
func (h *Hub) step(ctx context.Context, pos int64) (int64, bool, error) {
	raws, err := readRaw(ctx, h.st, pos, store.MaxReadEvents, true)
	if err != nil || len(raws) == 0 {
		return pos, false, err
	}
	for _, r := range raws {
		if watched[r.Type] {
			if ev, ok := decode(r); ok {
				h.publish(ctx, ev)
			}
		}
		h.mu.Lock()
		h.pos = r.Seq
		h.mu.Unlock()
		h.done.Store(r.Seq)
	}
	return raws[len(raws)-1].Seq, len(raws) == store.MaxReadEvents, nil
}

// decode makes the subscriber's event of an outbox record event.
func decode(r store.RawEvent) (Event, bool) {
	p := r.Payload
	if r.Raw != nil {
		var err error
		if p, err = r.DecodePayload(); err != nil {
			return Event{}, false
		}
	}
	form, _ := p["form"].(string)
	rec, _ := p["record"].(string)
	if form == "" || rec == "" {
		return Event{}, false
	}
	ev := Event{ID: r.Seq, Type: r.Type, Form: form, RecordID: rec, At: r.At.UTC(), workspace: r.Workspace}
	if r.Type != stageChanged {
		// A stage change commits with its record.updated, which has the version.
		v, _ := p["version"].(float64)
		ev.Version = int64(v)
	}
	return ev, true
}

// readRaw reads events after pos, without decoding payloads where the
// store can (store.RawEventReader).
func readRaw(ctx context.Context, st store.Store, after int64, limit int, withPayload bool) ([]store.RawEvent, error) {
	if rr, ok := st.(store.RawEventReader); ok {
		return rr.ReadRawEvents(ctx, after, limit, withPayload)
	}
	evs, err := st.ReadEvents(ctx, after, limit)
	out := make([]store.RawEvent, len(evs))
	for i, e := range evs {
		out[i] = store.RawEvent{Event: e}
	}
	return out, err
}
