package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// cacheTTL bounds how long the fan-out uses a workspace's endpoint list
// without reading it again (edits in this process drop it at once).
const cacheTTL = 2 * time.Second

// liveEndpoint is an enabled endpoint ready for the fan-out: its filter
// compiled against the form's current version.
type liveEndpoint struct {
	ep      Endpoint
	filter  *expr.Program
	version *engine.Version
}

type cachedEndpoints struct {
	until time.Time
	list  []*liveEndpoint
}

// forget drops the cached endpoints of a workspace.
func (s *Service) forget(ws string) {
	s.mu.Lock()
	delete(s.cache, ws)
	s.mu.Unlock()
}

// live returns the workspace's enabled endpoints, from the cache.
func (s *Service) live(ctx context.Context, ws string) ([]*liveEndpoint, error) {
	s.mu.Lock()
	c, ok := s.cache[ws]
	s.mu.Unlock()
	if ok && time.Now().Before(c.until) {
		return c.list, nil
	}
	docs, err := s.findAll(ctx, collEndpoints, store.And(store.Where("workspace", store.OpEq, ws), store.Where("enabled", store.OpEq, true)), nil)
	if err != nil {
		return nil, err
	}
	list := make([]*liveEndpoint, 0, len(docs))
	for _, d := range docs {
		le := &liveEndpoint{ep: endpointFrom(d)}
		if le.ep.Filter != "" && le.ep.Form != "" {
			v, err := s.e.VersionOf(ctx, ws, le.ep.Form)
			if err == nil {
				le.version = v
				le.filter, err = expr.Compile(le.ep.Filter, v.Env(), expr.Bool)
			}
			if err != nil {
				// A filter that no longer compiles (the form changed) lets
				// nothing through rather than everything.
				s.log.Warn("webhook filter does not compile; endpoint receives nothing until fixed", "endpoint", le.ep.ID, "error", err)
				le.filter, le.version = nil, nil
				le.ep.Events = nil
			}
		}
		list = append(list, le)
	}
	s.mu.Lock()
	s.cache[ws] = cachedEndpoints{until: time.Now().Add(cacheTTL), list: list}
	s.mu.Unlock()
	return list, nil
}

// subscribes says the endpoint takes events of type t ("alert.*" takes
// every alert event).
func subscribes(events []string, t string) bool {
	for _, e := range events {
		if e == t {
			return true
		}
		if p, ok := strings.CutSuffix(e, ".*"); ok && strings.HasPrefix(t, p+".") {
			return true
		}
	}
	return false
}

// deliveryID names the delivery of one event to one endpoint, so a
// replayed fan-out (after a crash) adds nothing.
func deliveryID(endpoint, event string) string {
	h := sha256.Sum256([]byte(endpoint + "|" + event))
	return "wd_" + hex.EncodeToString(h[:12])
}

// lane orders deliveries: one record's deliveries to one endpoint.
func lane(endpoint string, ev store.Event) string {
	if ev.DocID == "" {
		return endpoint
	}
	return endpoint + "." + ev.Collection + "." + ev.DocID
}

// fanOut is the outbox consumer: it turns one event into a delivery per
// endpoint that subscribes to it and whose filter passes.
func (s *Service) fanOut(ctx context.Context, d jobs.Delivery) error {
	ev := d.Event
	if ev.Workspace == "" || strings.HasPrefix(ev.Type, "webhook.") {
		return nil
	}
	eps, err := s.live(ctx, ev.Workspace)
	if err != nil || len(eps) == 0 {
		return err
	}
	var p map[string]any
	for _, le := range eps {
		if !subscribes(le.ep.Events, ev.Type) {
			continue
		}
		if p == nil {
			if p, err = d.Payload(); err != nil {
				return err
			}
			if p == nil {
				p = map[string]any{}
			}
		}
		if le.ep.Form != "" && str(p, "form") != le.ep.Form {
			continue
		}
		if err := s.enqueueEvent(ctx, le, ev, p); err != nil {
			return err
		}
	}
	return nil
}

// enqueueEvent evaluates the endpoint's filter and stores the delivery.
func (s *Service) enqueueEvent(ctx context.Context, le *liveEndpoint, ev store.Event, p map[string]any) error {
	if le.filter != nil {
		data, _ := p["data"].(map[string]any)
		loc, err := s.e.Location(ctx, ev.Workspace)
		if err != nil {
			loc = time.UTC
		}
		ok, err := le.filter.Bool(le.version.ExprInput(engine.Actor{}, data, nil, s.now(), loc))
		if err != nil {
			// A runtime error in a condition means "did not match" (logged).
			s.log.Info("webhook filter failed on an event; not delivered", "endpoint", le.ep.ID, "event", ev.ID, "error", err)
			return nil
		}
		if !ok {
			return nil
		}
	}
	a, err := s.actorOf(ctx, ev.Workspace, le.ep.Actor, engine.SourceSystem)
	if err != nil {
		s.log.Warn("webhook endpoint's actor cannot act; event not delivered", "endpoint", le.ep.ID, "error", err)
		return nil
	}
	body, err := s.buildPayload(ctx, a, ev, p)
	if errors.Is(err, errInvisible) {
		return nil
	}
	if err != nil {
		return err
	}
	id := deliveryID(le.ep.ID, ev.ID)
	return s.enqueue(ctx, newDelivery{id: id, msgID: "msg_" + ev.ID, ws: ev.Workspace, endpoint: le.ep.ID, event: ev.ID,
		typ: ev.Type, form: str(p, "form"), record: str(p, "record"), lane: lane(le.ep.ID, ev), body: body})
}

// newDelivery is a delivery to store and queue.
type newDelivery struct {
	id, msgID, ws, endpoint, event, typ, form, record, lane string
	body                                                    []byte
	redelivery                                              string // id of the delivery this one repeats
}

// enqueue stores a delivery and its queue item in one unit of work; an
// existing id (a replayed fan-out) adds nothing.
func (s *Service) enqueue(ctx context.Context, n newDelivery) error {
	now := s.now()
	data := map[string]any{"workspace": n.ws, "endpoint": n.endpoint, "event": n.event, "type": n.typ, "msg_id": n.msgID,
		"form": n.form, "record": n.record, "lane": n.lane, "status": StatusPending, "attempts": 0,
		"next_at": store.FormatTime(now), "body": string(n.body)}
	if n.redelivery != "" {
		data["redelivery_of"] = n.redelivery
	}
	_, err := s.st.Commit(ctx, store.UnitOfWork{At: now, Actor: "webhooks",
		Writes:  []store.Write{{Op: store.OpInsert, Collection: collDeliveries, Doc: store.Document{ID: n.id, Data: data}}},
		Enqueue: []store.QueueItem{{ID: n.id, Queue: queueDeliveries, Key: n.lane, DueAt: now, Payload: map[string]any{"delivery": n.id}}}})
	if errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	if err == nil {
		s.kick()
	}
	return err
}

// typesOf lists the record events for a catalogue (UI event picker).
func typesOf() []string {
	out := slices.Clone(recordEvents)
	return append(out, string(engine.EventFormPublished))
}
