package engine

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// ActionType is a kind of step that one capability offers to another
// without either importing the other: the workflow capability offers
// "start a flow" and the webhook capability "call a webhook" to
// automations. The capability registers it on the engine's Actions
// registry when cmd wires it; the consumer (engine/automation) looks it up
// by Kind when a design is checked and when a run performs it.
type ActionType struct {
	// Kind names the action in designs ("workflow.start", "webhook.call");
	// it matches ^[a-z][a-z0-9_.]{0,62}$.
	Kind string
	// Label is the name the designer shows, in zh-CN and en.
	Label map[string]string
	// Check validates an action's configuration when its design is
	// published; a problem is an *ValidationError (ErrInvalid) whose field
	// paths are config keys. Nil accepts any configuration.
	Check func(ctx context.Context, a Actor, config map[string]any) error
	// Run performs the action after commit, as the run's actor. It must be
	// idempotent by ActionRun.Key: a run may be retried after a crash.
	Run func(ctx context.Context, r ActionRun) (ActionOutcome, error)
	// Preview says what Run would do without doing anything (dry run).
	Preview func(ctx context.Context, r ActionRun) (ActionOutcome, error)
}

// ActionRun is one performance of an action: its configuration, the record
// and event that triggered it, and who acts.
type ActionRun struct {
	// Actor acts; its Source is the consumer's (automation).
	Actor Actor
	// Config is the action's configuration as published.
	Config map[string]any
	// Form and Record name the triggering record ("" when the trigger has
	// no record, a schedule for example).
	Form, Record string
	// Data holds the triggering record's values after the change; Old
	// before it (nil for a create).
	Data, Old map[string]any
	// Event is the id of the triggering outbox event.
	Event string
	// Key is unique per (design version, event, action): an idempotency key.
	Key string
	// Chain is the write chain the run belongs to; writes the action makes
	// pass it on (WriteOptions.Chain) so loops are caught.
	Chain *Chain
}

// ActionOutcome is what an action did (or, in a preview, would do), for
// the run's log: a summary for people and details for the log's viewer.
type ActionOutcome struct {
	Summary map[string]string `json:"summary,omitempty"`
	Detail  map[string]any    `json:"detail,omitempty"`
}

// ActionRegistry holds the action types capabilities registered. It is
// filled while the program is wired and read afterwards; it is safe for
// concurrent use.
type ActionRegistry struct {
	mu    sync.RWMutex
	kinds map[string]ActionType
}

// Register adds an action type; a second type of the same kind is refused.
func (r *ActionRegistry) Register(t ActionType) error {
	if !validActionKind(t.Kind) {
		return fmt.Errorf("engine: action kind %q must match ^[a-z][a-z0-9_.]{0,62}$", t.Kind)
	}
	if t.Run == nil || t.Preview == nil {
		return fmt.Errorf("engine: action %q needs Run and Preview", t.Kind)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kinds == nil {
		r.kinds = map[string]ActionType{}
	}
	if _, dup := r.kinds[t.Kind]; dup {
		return fmt.Errorf("engine: action %q is registered twice", t.Kind)
	}
	r.kinds[t.Kind] = t
	return nil
}

// Lookup returns the action type of kind.
func (r *ActionRegistry) Lookup(kind string) (ActionType, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.kinds[kind]
	return t, ok
}

// Kinds lists the registered action types, by kind.
func (r *ActionRegistry) Kinds() []ActionType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]ActionType, 0, len(r.kinds))
	for _, t := range r.kinds {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

func validActionKind(k string) bool {
	if len(k) == 0 || len(k) > 63 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Actions returns the engine's registry of action types (see ActionType).
func (e *Engine) Actions() *ActionRegistry { return &e.actions }
