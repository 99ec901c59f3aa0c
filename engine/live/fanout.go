package live

import (
	"context"

	"github.com/formloom/formloom/engine"
)

// publish keeps ev for resuming and hands it to every subscriber of its
// form who may see the record now. Viewers are checked once per member
// (one member's tabs share the answer) in one call, which reads the record
// once.
func (h *Hub) publish(ctx context.Context, ev Event) {
	ev.encoded = string(ev.JSON())
	h.mu.Lock()
	h.ring.push(ev)
	subs := make([]*Subscription, 0, len(h.byForm[ev.Form]))
	for s := range h.byForm[ev.Form] {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	index := make(map[string]int, len(subs))
	viewers := make([]engine.Actor, 0, len(subs))
	slot := make([]int, len(subs))
	for i, s := range subs {
		a := s.Actor()
		k, ok := index[s.user]
		if !ok {
			k = len(viewers)
			index[s.user] = k
			viewers = append(viewers, a)
		}
		slot[i] = k
	}
	ok := h.visible(ctx, ev, viewers)
	for i, s := range subs {
		if ok[slot[i]] {
			s.deliver(ev)
		}
	}
}
