package automation

import "time"

// Severity is an alert's urgency.
type Severity string

// The severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// AlertState is where an alert is in its lifecycle: open →
// acknowledged → resolved (resolved from either).
type AlertState string

// The alert states.
const (
	AlertOpen         AlertState = "open"
	AlertAcknowledged AlertState = "acknowledged"
	AlertResolved     AlertState = "resolved"
)

// Alert is one raised alert: at most one is open (or acknowledged) per
// rule and dedupe key.
type Alert struct {
	ID        string `json:"id"`
	Workspace string `json:"workspace"`
	// Rule is the automation that raised it; RuleName its name then.
	Rule     string     `json:"rule"`
	RuleName string     `json:"ruleName"`
	Form     string     `json:"form"`
	Record   string     `json:"record,omitempty"`
	Key      string     `json:"key"`
	Severity Severity   `json:"severity"`
	State    AlertState `json:"state"`
	Title    string     `json:"title"`
	Body     string     `json:"body,omitempty"`
	// Owner is the record's owner when raised: the first to be told.
	Owner string `json:"owner,omitempty"`
	// Level is the escalation level reached: 0 owner, 1 department head,
	// 2 role. Notified lists everyone told so far.
	Level          int        `json:"level"`
	Notified       []string   `json:"notified"`
	RaisedAt       time.Time  `json:"raisedAt"`
	AcknowledgedAt *time.Time `json:"acknowledgedAt,omitempty"`
	AcknowledgedBy string     `json:"acknowledgedBy,omitempty"`
	ResolvedAt     *time.Time `json:"resolvedAt,omitempty"`
	ResolvedBy     string     `json:"resolvedBy,omitempty"`
	// Resolution is "manual" or "auto" (the condition no longer held).
	Resolution string `json:"resolution,omitempty"`
	Version    int64  `json:"version"`
}

// AlertCount is how many alerts one rule raised in one week (weeks start
// on Monday in the workspace time zone).
type AlertCount struct {
	Rule     string `json:"rule"`
	RuleName string `json:"ruleName"`
	Week     string `json:"week"` // ISO week, "2026-W49"
	Start    string `json:"start"`
	Raised   int    `json:"raised"`
	Critical int    `json:"critical"`
}
