package automation

import (
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// TriggerType names what starts an automation.
type TriggerType string

// The trigger types.
const (
	TriggerCreated  TriggerType = "record.created"
	TriggerUpdated  TriggerType = "record.updated"
	TriggerDeleted  TriggerType = "record.deleted"
	TriggerRestored TriggerType = "record.restored"
	// TriggerChanged fires on a create or an update that changes one of
	// Trigger.Fields.
	TriggerChanged TriggerType = "fields.changed"
	// TriggerSchedule fires at the times of Trigger.Cron in the workspace
	// time zone; with Trigger.Scan, once per record the scan finds.
	TriggerSchedule TriggerType = "schedule"
	// TriggerDate fires once per record and date value, Trigger.Date's
	// offset before or after the record's date field.
	TriggerDate TriggerType = "date"
	// TriggerEvent fires on any other outbox event by its type (for
	// example "workflow.stage_changed"), optionally only for Form's records.
	TriggerEvent TriggerType = "event"
)

// Design is what a designer edits: the trigger, the condition and the
// actions. A published Design is immutable (a Version).
type Design struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Trigger     Trigger `json:"trigger"`
	// Condition is an expression over old, new, changed("f"), user and now
	// (empty: always); a run whose condition fails to evaluate did not match.
	Condition string `json:"condition,omitempty"`
	// Actions run in order; the first that fails stops the run.
	Actions []Action `json:"actions"`
	// Actor is the user id of the member the automation acts as; their
	// permissions apply to every action.
	Actor string `json:"actor"`
	// Retrigger lets the automation run again on its own writes (up to the
	// chain's depth limit); off by default.
	Retrigger bool `json:"retrigger,omitempty"`
}

// Trigger says when an automation runs.
type Trigger struct {
	Type TriggerType `json:"type"`
	// Fields are the field keys of a fields.changed trigger.
	Fields []string `json:"fields,omitempty"`
	// Cron is a schedule's five-field cron expression, in the workspace
	// time zone.
	Cron string `json:"cron,omitempty"`
	// Scan makes a schedule run once per record it selects.
	Scan *Scan `json:"scan,omitempty"`
	// Date is a date-relative trigger's field and offset.
	Date *DateTrigger `json:"date,omitempty"`
	// Event is an event trigger's outbox event type.
	Event string `json:"event,omitempty"`
}

// Scan selects the records a scheduled run visits with a store query on
// an index: those whose Field (updatedAt, or a date or datetime field) is
// more than OlderThanDays days in the past, and that Filter matches.
// "No activity for N days" is a scan on the last-activity date field,
// "unchanged for N days" one on updatedAt.
type Scan struct {
	Field         string        `json:"field"`
	OlderThanDays int           `json:"olderThanDays"`
	Filter        *store.Filter `json:"filter,omitempty"`
}

// DateTrigger is "OffsetDays days after Field" (negative: before), at
// Time ("HH:MM" in the workspace time zone; empty: 09:00) for a date
// field, at the instant plus the offset for a datetime field.
type DateTrigger struct {
	Field      string `json:"field"`
	OffsetDays int    `json:"offsetDays"`
	Time       string `json:"time,omitempty"`
}

// Action is one step of an automation: a built-in kind (see Kinds) or one
// a capability registered on the engine's action registry.
type Action struct {
	Kind   string         `json:"kind"`
	Name   string         `json:"name,omitempty"`
	Config map[string]any `json:"config"`
}

// Automation is an automation as stored: its draft, the number of its
// published version (0: never published) and whether it runs.
type Automation struct {
	ID        string `json:"id"`
	Workspace string `json:"workspace"`
	Form      string `json:"form"`
	App       string `json:"app"`
	Draft     Design `json:"draft"`
	// Published is the current version number; Enabled says it runs.
	Published   int        `json:"published"`
	Enabled     bool       `json:"enabled"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"createdAt"`
	CreatedBy   string     `json:"createdBy"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
	// Alert says the published design raises alerts (an alert rule).
	Alert bool `json:"alert"`
	// Current is the published design (nil before the first publish).
	Current *Design `json:"current,omitempty"`
}

// Version is one published, immutable design of an automation.
type Version struct {
	Automation  string    `json:"automation"`
	Number      int       `json:"number"`
	Design      Design    `json:"design"`
	PublishedAt time.Time `json:"publishedAt"`
	PublishedBy string    `json:"publishedBy"`
}

// Origin is how an automation names itself in a write chain.
func Origin(id string) string { return "automation:" + id }

// recordTrigger reports whether t is started by a record event.
func recordTrigger(t TriggerType) bool {
	switch t {
	case TriggerCreated, TriggerUpdated, TriggerDeleted, TriggerRestored, TriggerChanged:
		return true
	}
	return false
}

// eventTypesOf returns the outbox event types that start a trigger.
func eventTypesOf(t Trigger) []string {
	switch t.Type {
	case TriggerCreated, TriggerUpdated, TriggerDeleted, TriggerRestored:
		return []string{string(t.Type)}
	case TriggerChanged:
		return []string{string(engine.EventRecordCreated), string(engine.EventRecordUpdated)}
	case TriggerEvent:
		return []string{t.Event}
	}
	return nil
}
