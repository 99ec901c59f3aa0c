package automation

import (
	"context"
	"errors"
	"reflect"
	"slices"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/jobs"
)

// handleEvent is the outbox consumer: it finds the automations an event
// starts in the workspace's index (without decoding the payload of an
// event nobody waits for), re-plans date-relative timers, and runs each
// candidate in turn. It returns an error only when the work must be
// retried (the store failed); a failed action is the run's outcome, logged.
func (s *Service) handleEvent(ctx context.Context, d jobs.Delivery) error {
	ev := d.Event
	switch ev.Type {
	case EventAutomationChanged, string(engine.EventFormPublished):
		s.invalidate(ev.Workspace)
		return nil
	case string(engine.EventMemberAdded), string(engine.EventMemberUpdated), string(engine.EventMemberRemoved),
		string(engine.EventUserUpdated), string(engine.EventUserDisabled), string(engine.EventUserEnabled):
		// Who an automation acts as, with which roles, is read again: a
		// removed or disabled actor stops acting from the next event on.
		s.actors.Clear()
		return nil
	}
	if ev.Workspace == "" {
		return nil
	}
	idx, err := s.index(ctx, ev.Workspace)
	if err != nil {
		return err
	}
	var cands, dates []*compiled
	isRecord := slices.Contains(recordEvents, ev.Type)
	if isRecord {
		cands = idx.records[ev.Collection][ev.Type]
		dates = idx.dates[ev.Collection]
	}
	others := idx.events[ev.Type]
	if len(cands)+len(dates)+len(others) == 0 {
		return nil
	}
	p, err := d.Payload()
	if err != nil {
		return err
	}
	if isRecord {
		k := recordCause(ev.ID, ev.Type, p)
		for _, c := range dates {
			if err := s.planDate(ctx, c, k); err != nil {
				return err
			}
		}
		if off, _ := p["automations_off"].(bool); off {
			return nil
		}
		for _, c := range cands {
			if c.watch != nil && !watches(c.watch, k.changed) {
				continue
			}
			if err := s.runOne(ctx, c, k); err != nil {
				return err
			}
		}
	}
	for _, c := range others {
		k, ok, err := s.eventCause(ctx, c, ev.ID, ev.Type, p)
		if err != nil {
			return err
		}
		if ok {
			if err := s.runOne(ctx, c, k); err != nil {
				return err
			}
		}
	}
	return nil
}

var recordEvents = []string{string(engine.EventRecordCreated), string(engine.EventRecordUpdated), string(engine.EventRecordDeleted), string(engine.EventRecordRestored)}

// runOne runs c for k; a run already made is not an error.
func (s *Service) runOne(ctx context.Context, c *compiled, k *cause) error {
	_, err := s.execute(ctx, c, k, live)
	if errors.Is(err, errDuplicateRun) {
		return nil
	}
	return err
}

func watches(watch map[string]bool, changed []string) bool {
	for _, k := range changed {
		if watch[k] {
			return true
		}
	}
	return false
}

// recordCause reads a record event's payload: the values after the
// change, and before it (the payload's old values of the changed keys
// over the new ones).
func recordCause(id, typ string, p map[string]any) *cause {
	k := &cause{event: id, eventType: typ}
	k.form, _ = p["form"].(string)
	k.record, _ = p["record"].(string)
	k.by, _ = p["actor"].(string)
	k.data, _ = p["data"].(map[string]any)
	k.ev = map[string]any{"source": p["source"], "changed": []any{}}
	if k.data == nil {
		k.data = map[string]any{}
	}
	if list, ok := p["changed"].([]any); ok {
		for _, c := range list {
			if s, ok := c.(string); ok {
				k.changed = append(k.changed, s)
			}
		}
		k.ev["changed"] = plain(list)
	}
	if ch, ok := p["chain"].(map[string]any); ok {
		k.chain = &engine.Chain{}
		k.chain.ID, _ = ch["id"].(string)
		k.chain.Depth = intOf(ch["depth"])
		if list, ok := ch["origins"].([]any); ok {
			for _, o := range list {
				if s, ok := o.(string); ok {
					k.chain.Origins = append(k.chain.Origins, s)
				}
			}
		}
	}
	if typ == string(engine.EventRecordCreated) {
		return k
	}
	old, _ := p["old"].(map[string]any)
	k.old = make(map[string]any, len(k.data))
	for f, v := range k.data {
		k.old[f] = v
	}
	for _, f := range k.changed {
		if v, ok := old[f]; ok {
			k.old[f] = v
		} else {
			delete(k.old, f)
		}
	}
	return k
}

// eventCause reads another event: it concerns c's form when its payload
// names that form (or names none), and the record it names, read as the
// automation's actor.
func (s *Service) eventCause(ctx context.Context, c *compiled, id, typ string, p map[string]any) (*cause, bool, error) {
	if f, _ := p["form"].(string); f != "" && f != c.auto.Form {
		return nil, false, nil
	}
	k := &cause{event: id, eventType: typ, form: c.auto.Form, data: map[string]any{}, ev: s.eventFields(typ, p)}
	// Who caused it: "actor" in record-like payloads, "by" in workflow
	// ones ("system" for a due time: then the automation's actor).
	k.by, _ = p["actor"].(string)
	if by, _ := p["by"].(string); k.by == "" && by != "system" {
		k.by = by
	}
	if rec, _ := p["record"].(string); rec != "" {
		a, err := s.actorFor(ctx, c.auto.Workspace, c.ver.Design.Actor)
		if err != nil {
			return nil, false, nil
		}
		r, err := s.e.Record(ctx, a, c.auto.Form, rec)
		if errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrForbidden) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		k.record, k.data, k.owner = r.ID, r.Data, r.Owner
	}
	k.old = k.data
	if v, ok := s.e.EventVariables().Lookup(typ); ok && v.Old != nil && k.record != "" {
		// What the event changed, as a record write would say it.
		if before := v.Old(p); len(before) > 0 {
			k.old = make(map[string]any, len(k.data))
			for f, x := range k.data {
				k.old[f] = x
			}
			for f, x := range before {
				if x == nil {
					delete(k.old, f)
				} else {
					k.old[f] = x
				}
				if !reflect.DeepEqual(k.old[f], k.data[f]) {
					k.changed = append(k.changed, f)
				}
			}
		}
	}
	return k, true, nil
}

// intOf reads a stored number (float64 from JSON, an integer from a
// store that keeps them).
func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case int32:
		return int(n)
	case int64:
		return int(n)
	}
	return 0
}
