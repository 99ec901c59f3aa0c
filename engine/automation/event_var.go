package automation

import (
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/store"
)

// eventVar is the name of the variable conditions and mappings read the
// triggering event through (docs/automations.md, "The event variable").
const eventVar = "event"

// baseEventFields are the fields every event variable has: the event's
// type and id (a timer's key for schedules and dates), the form and
// record it is about and who caused it.
var baseEventFields = map[string]expr.Type{
	"type": expr.Text, "id": expr.Text, "form": expr.Text, "record": expr.Text, "by": expr.Text,
}

// recordEventFields add a record event's changed keys and write source.
var recordEventFields = withFields(baseEventFields, map[string]expr.Type{
	"changed": expr.ListOf(expr.Text), "source": expr.Text,
})

func withFields(base, more map[string]expr.Type) map[string]expr.Type {
	out := make(map[string]expr.Type, len(base)+len(more))
	for k, t := range base {
		out[k] = t
	}
	for k, t := range more {
		out[k] = t
	}
	return out
}

// eventVarType is the type of the event variable of trigger t: for an
// event trigger, the fields the event's capability registered (an event
// type nobody registered is an untyped object: any payload key reads,
// as "any").
func (s *Service) eventVarType(t Trigger) expr.Type {
	switch {
	case recordTrigger(t.Type):
		return expr.ObjectOf(recordEventFields)
	case t.Type == TriggerEvent:
		v, ok := s.e.EventVariables().Lookup(t.Event)
		if !ok {
			return expr.ObjectOf(nil)
		}
		return expr.ObjectOf(withFields(v.Fields, baseEventFields))
	}
	return expr.ObjectOf(baseEventFields)
}

// envFor is the expression environment of a design on form version fv:
// the form's fields, old, new, changed, user, now and the event variable.
func (s *Service) envFor(fv *engine.Version, t Trigger) expr.Env {
	env := RecordEnv(fv)
	env.Vars = map[string]expr.Type{eventVar: s.eventVarType(t)}
	return env
}

// eventFields returns the event variable's values for an event of type
// typ from its payload: the registered fields coerced to their types, or
// (unregistered) the payload's keys as they are.
func (s *Service) eventFields(typ string, p map[string]any) map[string]any {
	v, ok := s.e.EventVariables().Lookup(typ)
	if !ok {
		out := make(map[string]any, len(p))
		for k, x := range p {
			out[k] = plain(x)
		}
		return out
	}
	src := p
	if v.Value != nil {
		src = v.Value(p)
	}
	return coerceFields(v.Fields, src)
}

// coerceFields keeps the declared keys of src, each as an expression value
// of its declared type (a value of another type is empty).
func coerceFields(fields map[string]expr.Type, src map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for k, t := range fields {
		if x, ok := src[k]; ok {
			out[k] = coerce(t, x)
		}
	}
	return out
}

func coerce(t expr.Type, x any) any {
	x = plain(x)
	switch t.Kind {
	case expr.KindText:
		if s, ok := x.(string); ok {
			return s
		}
	case expr.KindNumber:
		if f, ok := x.(float64); ok {
			return f
		}
	case expr.KindBool:
		if b, ok := x.(bool); ok {
			return b
		}
	case expr.KindDate, expr.KindDateTime:
		switch v := x.(type) {
		case time.Time:
			return v
		case string:
			if at, err := store.ParseTime(v); err == nil {
				return at
			}
			if at, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return at
			}
		}
	case expr.KindList:
		list, ok := x.([]any)
		if !ok {
			return nil
		}
		if t.Elem == nil {
			return list
		}
		out := make([]any, 0, len(list))
		for _, e := range list {
			if c := coerce(*t.Elem, e); c != nil {
				out = append(out, c)
			}
		}
		return out
	case expr.KindObject:
		if m, ok := x.(map[string]any); ok {
			if t.Fields == nil {
				return m
			}
			return coerceFields(t.Fields, m)
		}
	default:
		return x
	}
	return nil
}

// plain turns a store's integers into float64 (expressions' numbers),
// in lists and objects too.
func plain(x any) any {
	switch v := x.(type) {
	case int, int32, int64:
		return float64(intOf(v))
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plain(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = plain(e)
		}
		return out
	}
	return x
}

// eventValue is the event variable of k: its payload's fields with the
// base fields over them (built once per cause).
func (k *cause) eventValue() map[string]any {
	if k.evVal != nil {
		return k.evVal
	}
	m := make(map[string]any, len(k.ev)+len(baseEventFields))
	for f, v := range k.ev {
		m[f] = v
	}
	m["type"], m["id"] = k.eventType, k.event
	for f, v := range map[string]string{"form": k.form, "record": k.record, "by": k.by} {
		if _, ok := m[f].(string); !ok || v != "" {
			m[f] = v
		}
	}
	k.evVal = m
	return m
}

// EventTypeInfo describes an event type an event trigger may name: its
// label and the event variable's fields with their types ("text",
// "number", "datetime", "list<text>"…), the common ones included.
type EventTypeInfo struct {
	Type   string            `json:"type"`
	Label  map[string]string `json:"label,omitempty"`
	Fields map[string]string `json:"fields"`
}

// EventTypes lists the event types capabilities declared an event
// variable for, by type: what the trigger picker offers and the
// expression editor completes after "event.".
func (s *Service) EventTypes() []EventTypeInfo {
	reg := s.e.EventVariables()
	out := []EventTypeInfo{}
	for _, typ := range reg.Types() {
		v, _ := reg.Lookup(typ)
		fields := map[string]string{}
		for k, t := range withFields(v.Fields, baseEventFields) {
			fields[k] = t.String()
		}
		out = append(out, EventTypeInfo{Type: typ, Label: v.Label, Fields: fields})
	}
	return out
}
