package engine

import (
	"fmt"
	"sort"
	"sync"

	"github.com/formloom/formloom/engine/expr"
)

// EventVariable is how the expressions of an automation started by one
// outbox event type see that event: the typed fields of the "event"
// variable. The capability that commits the event registers it (workflow
// registers workflow.stage_changed and the approval events), so the
// automation capability types conditions and mappings over events it does
// not know, and the editor's live check knows their fields.
type EventVariable struct {
	// Type is the outbox event type.
	Type string
	// Label names the event for the designer's trigger picker, in zh-CN
	// and en ("阶段变更" / "Moved to a stage").
	Label map[string]string
	// Fields are the variable's fields and their types; the automation
	// capability adds "type" and "id" (text) to every event.
	Fields map[string]expr.Type
	// Value builds the variable's values from the event's payload (keys
	// of Fields; a missing one is empty). Nil copies the payload's keys
	// named in Fields.
	Value func(payload map[string]any) map[string]any
	// Old, when set, gives the record's field values before the event
	// (field key → value; nil: the field was empty), over its current
	// values: automations then see old and changed() for the event, as
	// for a record write. A stage change gives {field: from}.
	Old func(payload map[string]any) map[string]any
}

// EventVariableRegistry holds the event variables capabilities registered.
// It is filled while the program is wired; it is safe for concurrent use.
type EventVariableRegistry struct {
	mu    sync.RWMutex
	types map[string]EventVariable
}

// Register adds the variable of an event type; a second one is refused.
func (r *EventVariableRegistry) Register(v EventVariable) error {
	if v.Type == "" {
		return fmt.Errorf("engine: an event variable needs its event type")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.types == nil {
		r.types = map[string]EventVariable{}
	}
	if _, dup := r.types[v.Type]; dup {
		return fmt.Errorf("engine: event variable of %q is registered twice", v.Type)
	}
	r.types[v.Type] = v
	return nil
}

// Lookup returns the variable of an event type.
func (r *EventVariableRegistry) Lookup(typ string) (EventVariable, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.types[typ]
	return v, ok
}

// Types lists the event types with a registered variable, sorted.
func (r *EventVariableRegistry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.types))
	for t := range r.types {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// EventVariables returns the engine's registry of event variables (see
// EventVariable).
func (e *Engine) EventVariables() *EventVariableRegistry { return &e.eventVars }
