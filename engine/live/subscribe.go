package live

import (
	"context"
	"errors"
	"sync"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Reasons a subscription ends on the hub's side.
const (
	// ReasonShutdown: the process is shutting down (connect to another).
	ReasonShutdown = "shutdown"
	// ReasonSlow: the client read too slowly; it resumes from its last id.
	ReasonSlow = "slow"
	// ReasonReplaced: the member opened more streams than allowed and this
	// was the oldest.
	ReasonReplaced = "replaced"
	// ReasonForbidden: the member may no longer view records of a form
	// the stream watches.
	ReasonForbidden = "forbidden"
)

// Error codes of this package (texts in engine/i18n/messages_live.go).
const (
	CodeForms    = "live_forms"
	CodeTooMany  = "live_too_many_forms"
	CodeFormName = "live_form"
	// CodeLastEventID is a Last-Event-ID that is no outbox position.
	CodeLastEventID = "live_last_event_id"
)

// Subscription is one viewer's stream of events about some forms.
type Subscription struct {
	h     *Hub
	user  string // workspace/user key of byUser
	forms map[string]bool
	out   chan Event
	ended chan struct{}
	after int64 // the client's resume point: never send at or before it

	mu        sync.Mutex
	actor     engine.Actor
	replaying bool
	held      []Event
	reason    string
	closed    bool
}

// Forms returns the forms watched.
func (s *Subscription) Forms() []string {
	out := make([]string, 0, len(s.forms))
	for f := range s.forms {
		out = append(out, f)
	}
	return out
}

// Events delivers the subscription's events in id order.
func (s *Subscription) Events() <-chan Event { return s.out }

// Ended is closed when the hub ends the subscription; Reason says why.
func (s *Subscription) Ended() <-chan struct{} { return s.ended }

// Reason says why the hub ended the subscription ("" while it runs).
func (s *Subscription) Reason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// Actor returns whom the subscription's permission checks are for.
func (s *Subscription) Actor() engine.Actor {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.actor
}

// SetActor replaces the actor after the stream re-authenticated (a role
// changed), so later checks use the current one.
func (s *Subscription) SetActor(a engine.Actor) {
	s.mu.Lock()
	s.actor = a
	s.mu.Unlock()
}

// Recheck replaces the actor (after the stream re-authenticated: roles may
// have changed) and checks again that it may view records of every
// watched form; when it may not view one, the subscription ends
// (ReasonForbidden: a new one leaves that form out) and Recheck says so
// with the engine's error.
func (s *Subscription) Recheck(ctx context.Context, a engine.Actor) error {
	s.SetActor(a)
	forms := make([]string, 0, len(s.forms))
	for f := range s.forms {
		forms = append(forms, f)
	}
	for _, f := range forms {
		if err := s.h.viewable(ctx, a, f); err != nil {
			var ve *engine.ValidationError
			if errors.Is(err, engine.ErrForbidden) || errors.As(err, &ve) {
				s.end(ReasonForbidden) // the client reconnects without that form
			}
			return err
		}
	}
	return nil
}

// Close ends the subscription from the client's side (disconnect).
func (s *Subscription) Close() { s.end("") }

// end removes the subscription from the hub and closes Ended once.
func (s *Subscription) end(reason string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.reason = true, reason
	s.mu.Unlock()
	close(s.ended)
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	for f := range s.forms {
		if m := h.byForm[f]; m != nil {
			delete(m, s)
			if len(m) == 0 {
				delete(h.byForm, f)
			}
		}
	}
	l := h.byUser[s.user]
	for i, x := range l {
		if x == s {
			l = append(l[:i:i], l[i+1:]...)
			break
		}
	}
	if len(l) == 0 {
		delete(h.byUser, s.user)
	} else {
		h.byUser[s.user] = l
	}
	h.count--
}

// deliver queues an event the fan-out found visible; a full queue ends
// the subscription (the client resumes from its last id).
func (s *Subscription) deliver(ev Event) {
	if ev.ID <= s.after {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if s.replaying {
		s.held = append(s.held, ev)
		s.mu.Unlock()
		return
	}
	select {
	case s.out <- ev:
		s.mu.Unlock()
	default:
		s.mu.Unlock()
		s.end(ReasonSlow)
	}
}

// Subscribe opens a stream of the changes to records of forms that a may
// see, after the outbox position lastID (0: from now). Forms a may not
// view records of are left out (Forms says which are watched); when none
// is left the answer is the engine's ErrForbidden or a ValidationError on
// "forms", as for a bad list. The missed
// events still in the ring are queued first, checked against a's
// permissions now; when some may be gone, a TypeReset event comes first.
// Close the subscription when the client goes away.
func (h *Hub) Subscribe(ctx context.Context, a engine.Actor, forms []string, lastID int64) (*Subscription, error) {
	want, err := h.checkForms(ctx, a, forms)
	if err != nil {
		return nil, err
	}
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s := &Subscription{h: h, user: a.Workspace + "/" + a.UserID, forms: want, actor: a, replaying: true,
		out: make(chan Event, h.opts.Buffer), ended: make(chan struct{}), after: max(lastID, 0)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	if h.count >= h.opts.MaxPerProcess {
		h.mu.Unlock()
		return nil, ErrBusy
	}
	var missed []Event
	reset := false
	if lastID > 0 && lastID < h.pos {
		var ok bool
		missed, ok = h.ring.since(lastID, want)
		reset = !ok
	}
	pos := h.pos
	if reset {
		s.after = pos
	}
	var evict *Subscription
	if l := h.byUser[s.user]; len(l) >= h.opts.MaxPerMember {
		evict = l[0]
	}
	h.byUser[s.user] = append(h.byUser[s.user], s)
	for f := range want {
		if h.byForm[f] == nil {
			h.byForm[f] = map[*Subscription]struct{}{}
		}
		h.byForm[f][s] = struct{}{}
	}
	h.count++
	h.mu.Unlock()
	if evict != nil {
		evict.end(ReasonReplaced)
	}
	if reset {
		s.out <- Event{ID: pos, Type: TypeReset, At: h.e.Now().UTC()}
	}
	// Replay what was missed, under the permissions of now, then whatever
	// the fan-out queued meanwhile, in order.
	for _, ev := range missed {
		if len(s.out) == cap(s.out) {
			break // more than a buffer missed: the client resumes again
		}
		if h.visible(ctx, ev, []engine.Actor{a})[0] {
			s.out <- ev
		}
	}
	s.mu.Lock()
	slow := false
	for _, ev := range s.held {
		select {
		case s.out <- ev:
		default:
			slow = true
		}
	}
	s.held, s.replaying = nil, false
	s.mu.Unlock()
	if slow {
		s.end(ReasonSlow)
	}
	return s, nil
}

// checkForms validates the list and keeps the forms a may view records
// of. Forms a may not (or that do not exist) are left out, so one tab's
// shared stream keeps running when one of its screens shows a form the
// member lost access to; only when none is left is the answer an error
// (the first form's: ErrForbidden, or a ValidationError naming it).
func (h *Hub) checkForms(ctx context.Context, a engine.Actor, forms []string) (map[string]bool, error) {
	want := map[string]bool{}
	var order []string
	for _, f := range forms {
		if f != "" && !want[f] {
			want[f] = true
			order = append(order, f)
		}
	}
	switch {
	case len(want) == 0:
		return nil, &engine.ValidationError{Fields: []field.Error{{Path: "forms", Code: CodeForms}}}
	case len(want) > MaxForms:
		return nil, &engine.ValidationError{Fields: []field.Error{{Path: "forms", Code: CodeTooMany, Params: map[string]any{"max": MaxForms}}}}
	}
	var first error
	for _, f := range order {
		err := h.viewable(ctx, a, f)
		if err == nil {
			continue
		}
		var ve *engine.ValidationError
		if !errors.Is(err, engine.ErrForbidden) && !errors.As(err, &ve) {
			return nil, err // the store failed: say so rather than watch less
		}
		delete(want, f)
		if first == nil {
			first = err
		}
	}
	if len(want) == 0 {
		return nil, first
	}
	return want, nil
}

// viewable says whether a may view records of form f.
func (h *Hub) viewable(ctx context.Context, a engine.Actor, f string) error {
	if _, err := h.e.CurrentVersion(ctx, a, f); err != nil {
		if errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrNotPublished) {
			return &engine.ValidationError{Fields: []field.Error{{Path: "forms", Code: CodeFormName, Params: map[string]any{"form": f}}}}
		}
		return err
	}
	_, err := h.e.Authorize(ctx, a, engine.ActRecordView, engine.Resource{Form: f})
	return err
}
