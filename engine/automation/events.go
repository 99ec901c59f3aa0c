package automation

import (
	"github.com/formloom/formloom/engine/store"
)

// Outbox event types of automations and alerts (docs/events.md). Webhooks
// publish them like the engine's own.
const (
	// EventRunFailed: a run failed (an action's error) or was stopped by
	// loop protection. Payload: RunPayload.
	EventRunFailed = "automation.run_failed"
	// EventAlertRaised, EventAlertAcknowledged, EventAlertResolved follow
	// an alert's lifecycle; EventAlertEscalated when it reaches the next
	// level of its chain. Payload: AlertPayload.
	EventAlertRaised       = "alert.raised"
	EventAlertAcknowledged = "alert.acknowledged"
	EventAlertResolved     = "alert.resolved"
	EventAlertEscalated    = "alert.escalated"
)

// Payload versions.
const (
	RunPayloadVersion   = 1
	AlertPayloadVersion = 1
)

// RunPayload is the payload of automation.run_failed.
type RunPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Run            string `json:"run"`
	Automation     string `json:"automation"`
	Version        int    `json:"version"`
	Form           string `json:"form"`
	Record         string `json:"record,omitempty"`
	Event          string `json:"event"`
	Status         string `json:"status"`
	Code           string `json:"code"`
}

// AlertPayload is the payload of the alert.* events.
type AlertPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Alert          string `json:"alert"`
	Rule           string `json:"rule"`
	Form           string `json:"form"`
	Record         string `json:"record,omitempty"`
	Key            string `json:"key"`
	Severity       string `json:"severity"`
	State          string `json:"state"`
	Level          int    `json:"level"`
	Owner          string `json:"owner,omitempty"`
	// By is who acknowledged or resolved it ("" for the rule itself).
	By string `json:"by,omitempty"`
}

func runFailedEvent(r Run) store.Event {
	code := ""
	if r.Error != nil {
		code = r.Error.Code
	}
	p := RunPayload{PayloadVersion: RunPayloadVersion, Run: r.ID, Automation: r.Automation, Version: r.Version, Form: r.Form,
		Record: r.Record, Event: r.Event, Status: string(r.Status), Code: code}
	return store.Event{Type: EventRunFailed, Workspace: r.Workspace, Collection: collRuns, DocID: r.ID, Payload: toMap(p)}
}

func alertEvent(t string, a Alert, by string) store.Event {
	p := AlertPayload{PayloadVersion: AlertPayloadVersion, Alert: a.ID, Rule: a.Rule, Form: a.Form, Record: a.Record, Key: a.Key,
		Severity: string(a.Severity), State: string(a.State), Level: a.Level, Owner: a.Owner, By: by}
	return store.Event{Type: t, Workspace: a.Workspace, Collection: collAlerts, DocID: a.ID, Payload: toMap(p)}
}
