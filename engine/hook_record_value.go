package engine

import (
	"fmt"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// Now returns the time of the write: the engine clock's reading the
// pipeline stamped the record with, so what a handler records (a
// transition's time, say) matches the record's own times.
func (e *RecordWritingEvent) Now() time.Time { return e.fctx.Now }

// SetValue sets a field of the record being created or updated to value, for
// values a capability maintains in the record itself so expressions and
// store filters can read them (the time a state was entered, for example:
// a stage pipeline's "entered at" field). key must be a current field of
// Version that takes input; value goes through the field type's
// normalization like user input, and a value it refuses is an error (a
// design mistake of the capability, not the user's). The change is recorded
// like the writer's own: in the stored record and the event's data, in the
// history entry's changes and in Changed and the event's changed list.
//
// It runs after validation: the value is not checked against the form's
// rules again, so capabilities set only fields they own.
func (e *RecordWritingEvent) SetValue(key string, value any) error {
	if e.Action != RecordCreate && e.Action != RecordUpdate {
		return fmt.Errorf("engine: SetValue on a %s", e.Action)
	}
	f, ok := e.Version.byKey[key]
	if !ok || !f.typ.Input() {
		return fmt.Errorf("engine: SetValue: %q is not an input field of form %s version %d", key, e.Version.Form, e.Version.Number)
	}
	n, errs := f.typ.Normalize(e.fctx, f.def, key, value)
	if len(errs) > 0 {
		return fmt.Errorf("engine: SetValue %q: %v", key, errs[0])
	}
	u := e.unit
	if len(u.Writes) < 2 || u.Writes[0].Collection != recordColl(e.Version.Form) || len(u.Events) == 0 {
		return fmt.Errorf("engine: SetValue: the unit of work has no record write")
	}
	// A copy: Data may be shared with the record as read (a transfer
	// writes the old values back), which must not change under the caller.
	data := make(map[string]any, len(e.Data)+1)
	for k, v := range e.Data {
		data[k] = v
	}
	var old any
	if e.Old != nil {
		old = e.Old.Data[key]
	}
	data[key] = n
	e.Data = data
	u.Writes[0].Doc.Data[recordField] = data
	if _, isMap := u.Events[0].Payload["data"]; isMap {
		u.Events[0].Payload["data"] = data
	}
	for _, k := range e.Changed {
		if k == key {
			e.replaceChange(key, old, n)
			return nil
		}
	}
	e.Changed = append(e.Changed, key)
	if ch, ok := u.Events[0].Payload["changed"].([]any); ok {
		u.Events[0].Payload["changed"] = append(ch, key)
	}
	if e.Action == RecordUpdate {
		hist := u.Writes[1].Doc.Data
		ch, _ := hist["changes"].([]any)
		hist["changes"] = append(ch, map[string]any{"field": key, "old": old, "new": n})
		setPayloadOld(u.Events[0].Payload, key, old)
	}
	return nil
}

// replaceChange sets the new value of key's entry in the history entry.
func (e *RecordWritingEvent) replaceChange(key string, old, n any) {
	hist := e.unit.Writes[1].Doc.Data
	ch, _ := hist["changes"].([]any)
	for i, c := range ch {
		if m, ok := c.(map[string]any); ok && m["field"] == key {
			ch[i] = map[string]any{"field": key, "old": old, "new": n}
		}
	}
}

// ExprInput returns what an expression compiled against this version's
// environment sees for data (stored values) over old (nil for a create),
// written by a at now in loc: the input a capability's own expressions
// (a stage gate's condition, say) run with, like the form's rules.
func (v *Version) ExprInput(a Actor, data, old map[string]any, now time.Time, loc *time.Location) expr.Input {
	if loc == nil {
		loc = time.UTC
	}
	w := &write{v: v, a: a, ctx: field.Context{Location: loc, Now: now}, budget: expr.NewBudget(0)}
	if old != nil {
		w.old = &Record{Data: old}
	}
	return w.exprInput(data)
}

// ExprInput returns the expression input of the record being written (see
// Version.ExprInput).
func (e *RecordWritingEvent) ExprInput() expr.Input {
	var old map[string]any
	if e.Old != nil {
		old = e.Old.Data
	}
	return e.Version.ExprInput(e.Actor, e.Data, old, e.fctx.Now, e.fctx.Location)
}
