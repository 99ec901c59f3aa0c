package workflow

import (
	"errors"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// onWriting is the gate: a write that changes the stage field is checked
// against the version's pipeline (transition rule, required fields, entry
// condition) and refused with per-field errors, or recorded as a
// transition in the same unit of work. A write that keeps the stage costs
// a cache lookup and two map reads.
func (s *Stages) onWriting(ev *engine.RecordWritingEvent) error {
	if ev.Action != engine.RecordCreate && ev.Action != engine.RecordUpdate {
		return ev.Next()
	}
	c := s.pipeline(ev.Version)
	if c == nil {
		return ev.Next()
	}
	to, _ := ev.Data[c.p.Field].(string)
	from := ""
	if ev.Old != nil {
		from, _ = ev.Old.Data[c.p.Field].(string)
	}
	if to == from {
		return ev.Next()
	}
	if errs := c.gate(from, to, ev.Data, ev.ExprInput, ev.Action == engine.RecordCreate); len(errs) > 0 {
		return engine.VetoFields(errs...)
	}
	if err := s.record(ev, c, from, to); err != nil {
		return err
	}
	return ev.Next()
}

// gate lists the problems of a move from → to of a record holding data (as
// it would be stored); in builds the expression input on demand, so a
// stage without a condition builds none. created is true for a new record,
// which may start in any stage (imports bring records that are far along)
// but must pass that stage's gates.
func (c *compiled) gate(from, to string, data map[string]any, in func() expr.Input, created bool) []field.Error {
	key := c.p.Field
	if to == "" {
		if created || c.p.Transitions == TransitionsAny {
			return nil
		}
		return []field.Error{{Path: key, Code: CodeStageTransition, Params: map[string]any{"from": c.stageLabel(from), "to": "—"}}}
	}
	ti, ok := c.index[to]
	if !ok {
		// An option that is no stage: the pipeline does not govern it.
		return []field.Error{{Path: key, Code: CodeStageUnknown, Params: map[string]any{"value": c.stageLabel(to)}}}
	}
	var errs []field.Error
	if !created && from != "" && !c.allowed(from, to) {
		errs = append(errs, field.Error{Path: key, Code: CodeStageTransition, Params: map[string]any{"from": c.stageLabel(from), "to": c.stageLabel(to)}})
	}
	st := c.p.Stages[ti]
	label := c.stageLabel(to)
	for _, k := range st.Required {
		if empty(data[k]) {
			errs = append(errs, field.Error{Path: k, Code: CodeStageRequired, Params: map[string]any{"stage": label, "field": c.fieldLabel(k)}})
		}
	}
	if p := c.conds[ti]; p != nil && len(errs) == 0 {
		ok, err := p.Bool(in())
		switch {
		case err != nil:
			errs = append(errs, field.Error{Path: key, Code: CodeStageConditionError, Params: map[string]any{"stage": label, "reason": runReason(err)}})
		case !ok:
			errs = append(errs, field.Error{Path: key, Code: CodeStageCondition, Params: map[string]any{"stage": label, "message": st.Message}})
		}
	}
	return errs
}

// allowed applies the pipeline's transition rule to a move between two
// stages (from may be a value that is no longer a stage: any move is
// allowed out of it).
func (c *compiled) allowed(from, to string) bool {
	fi, ok := c.index[from]
	if !ok {
		return true
	}
	switch c.p.Transitions {
	case TransitionsAny:
		return true
	case TransitionsList:
		return c.next[fi][to]
	}
	if c.p.Stages[fi].Closed() {
		return false
	}
	return c.index[to] > fi || c.p.Stages[c.index[to]].Closed()
}

func (c *compiled) fieldLabel(k string) string {
	if l := c.fieldLb[k]; l != "" {
		return l
	}
	return k
}

// empty reports whether a stored value counts as missing for a required field.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// runReason says why a condition could not be computed, per language.
func runReason(err error) map[string]string {
	if errors.Is(err, expr.ErrLimit) {
		return map[string]string{"zh-CN": "计算量超出上限", "en": "needs more work than allowed"}
	}
	return map[string]string{"zh-CN": "无法计算（可能有字段为空或取值不符）", "en": "cannot be computed (a field may be empty or hold an unexpected value)"}
}

// record adds the transition, its event and the entered-at stamp to the
// write's unit of work.
//
// A create adds only the stamp. The record is its own entry into the stage
// it is created in: its created_at, creator and stage value say what a
// transition from "" would, and its record.created event carries the
// stage. Storing that entry again cost a create a transition row and a
// second outbox row, half again the CPU of a create without a pipeline
// (docs/performance.md, "Stage pipelines"). RecordHistory derives the
// entry (createdEntry) and the funnels count records created into a
// closed stage from the records (engine/report/funnel_history.go).
func (s *Stages) record(ev *engine.RecordWritingEvent, c *compiled, from, to string) error {
	now := ev.Now().UTC()
	if ev.Action == engine.RecordCreate {
		return s.stampEntered(ev, c, now)
	}
	var dur int64 = -1
	if from != "" {
		since, err := s.enteredAt(ev, c)
		if err != nil {
			return err
		}
		if !since.IsZero() && !now.Before(since) {
			dur = now.Sub(since).Milliseconds()
		}
	}
	t := map[string]any{
		"workspace": ev.Actor.Workspace, "form": ev.Version.Form, "app": ev.Version.App, "record": ev.RecordID,
		"field": c.p.Field, "from": from, "to": to, "from_flag": c.flag(from), "to_flag": c.flag(to),
		"at": store.FormatTime(now), "by": ev.Actor.UserID, "by_name": ev.Actor.Name, "source": string(ev.Actor.Source),
		"form_version": ev.Version.Number,
	}
	if dur >= 0 {
		t["duration_ms"] = float64(dur)
	}
	if i, ok := c.index[to]; ok && c.p.Stages[i].Probability != nil {
		t["probability"] = *c.p.Stages[i].Probability
	}
	id := store.NewID()
	ev.AddWrite(store.Write{Op: store.OpInsert, Collection: collTransitions, Doc: store.Document{ID: id, Data: t}})
	payload := map[string]any{"payload_version": StageChangedPayloadVersion, "transition": id}
	for k, v := range t {
		if k != "workspace" {
			payload[k] = v
		}
	}
	ev.AddEvent(store.Event{Type: EventStageChanged, Workspace: ev.Actor.Workspace, Collection: collTransitions, DocID: ev.RecordID, Payload: payload})
	return s.stampEntered(ev, c, now)
}

// stampEntered sets the pipeline's entered-at field, when it has one, to
// the time of the move.
func (s *Stages) stampEntered(ev *engine.RecordWritingEvent, c *compiled, now time.Time) error {
	if c.p.EnteredAtField == "" {
		return nil
	}
	return ev.SetValue(c.p.EnteredAtField, now.Format(time.RFC3339Nano))
}

// enteredAt is when the record entered its current stage: the entered-at
// field when the pipeline keeps one (no store read), else the record's
// last transition (one indexed read, only when the stage changes), else its
// creation.
func (s *Stages) enteredAt(ev *engine.RecordWritingEvent, c *compiled) (time.Time, error) {
	if c.p.EnteredAtField != "" {
		if v, ok := ev.Old.Data[c.p.EnteredAtField].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t, nil
			}
		}
	}
	page, err := s.st.Find(ev.Context, collTransitions, store.Query{
		Filter: &store.Filter{Field: "record", Op: store.OpEq, Value: ev.RecordID},
		Sort:   []store.SortKey{{Field: "at", Desc: true}}, Limit: 1})
	if err != nil {
		return time.Time{}, err
	}
	if len(page.Docs) > 0 {
		if t, err := time.Parse(time.RFC3339Nano, str(page.Docs[0].Data, "at")); err == nil {
			return t, nil
		}
	}
	return ev.Old.CreatedAt, nil
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }
