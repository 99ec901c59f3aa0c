package automation

import (
	"time"

	"github.com/formloom/formloom/engine"
)

// RunStatus is how a run ended.
type RunStatus string

// The run statuses.
const (
	// RunSucceeded: the condition held and every action succeeded.
	RunSucceeded RunStatus = "succeeded"
	// RunNoMatch: the condition did not hold (or failed to evaluate:
	// ConditionError says why); no action ran.
	RunNoMatch RunStatus = "no_match"
	// RunFailed: an action failed; the later ones did not run and the
	// earlier ones are not rolled back.
	RunFailed RunStatus = "failed"
	// RunStopped: loop protection stopped the chain (too deep, or a cycle).
	RunStopped RunStatus = "stopped"
	// RunRunning: the run started and has not finished (or its process
	// stopped in the middle; it is not run again).
	RunRunning RunStatus = "running"
	// RunPreview: a dry run; nothing was written.
	RunPreview RunStatus = "preview"
)

// ActionStatus is how one action of a run ended.
type ActionStatus string

// The action statuses.
const (
	ActionOK      ActionStatus = "ok"
	ActionFailed  ActionStatus = "failed"
	ActionSkipped ActionStatus = "skipped"
	// ActionWould is a dry run's: what the action would do.
	ActionWould ActionStatus = "would"
)

// Run is one entry of the execution log: what started it, whether the
// condition held and what each action did.
type Run struct {
	ID         string `json:"id"`
	Workspace  string `json:"workspace"`
	Automation string `json:"automation"`
	Name       string `json:"name"`
	Version    int    `json:"version"`
	Form       string `json:"form"`
	// Record is the triggering record ("" for a schedule without scan).
	Record string `json:"record,omitempty"`
	// Event and EventType name the triggering outbox event (or the timer
	// that fired: "schedule", "date").
	Event     string      `json:"event"`
	EventType string      `json:"eventType"`
	Trigger   TriggerType `json:"trigger"`
	Status    RunStatus   `json:"status"`
	// Matched is the condition's result; ConditionError why it could not
	// be evaluated (then Matched is false).
	Matched        bool   `json:"matched"`
	ConditionError string `json:"conditionError,omitempty"`
	// Error says why the run failed or stopped.
	Error   *RunError      `json:"error,omitempty"`
	Actions []ActionResult `json:"actions"`
	// Chain is the write chain the run's writes carry.
	Chain *engine.Chain `json:"chain,omitempty"`
	// Replay is true for a run of a replay, DryRun for a preview.
	Replay bool `json:"replay,omitempty"`
	DryRun bool `json:"dryRun,omitempty"`
	// RequestedBy is the member who ran the schedule now (Service.RunNow).
	RequestedBy string    `json:"requestedBy,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	DurationMS  float64   `json:"durationMs"`
}

// RunError is a run's or an action's error: a stable code and a message
// in zh-CN and en.
type RunError struct {
	Code    string            `json:"code"`
	Message map[string]string `json:"message"`
	// Fields are the per-field problems of a refused write.
	Fields []FieldProblem `json:"fields,omitempty"`
}

// FieldProblem is one field error of a refused write.
type FieldProblem struct {
	Path string `json:"path"`
	Code string `json:"code"`
}

// ActionResult is what one action of a run did, or in a dry run would do.
type ActionResult struct {
	Index  int          `json:"index"`
	Kind   string       `json:"kind"`
	Name   string       `json:"name,omitempty"`
	Status ActionStatus `json:"status"`
	// Summary is a line for people per language; Detail the records,
	// values and notifications (see docs/automations.md).
	Summary    map[string]string `json:"summary,omitempty"`
	Detail     map[string]any    `json:"detail,omitempty"`
	Error      *RunError         `json:"error,omitempty"`
	DurationMS float64           `json:"durationMs"`
}
