package workflow

import (
	"github.com/formloom/formloom/engine/store"
)

// Event types of approval flows (docs/events.md, "Approval flows"). They
// go to the outbox in the unit of work of the change, like the core's.
const (
	EventFlowSaved     = "approval_flow.saved"
	EventFlowPublished = "approval_flow.published"
	EventFlowDeleted   = "approval_flow.deleted"

	EventStarted     = "approval.started"
	EventNodeEntered = "approval.node_entered"
	EventTaskDecided = "approval.task_decided"
	EventEnded       = "approval.ended"
)

// ApprovalPayloadVersion is the version of every approval payload.
const ApprovalPayloadVersion = 1

// ApprovalEventInfo describes one approval event type: its payload and version.
type ApprovalEventInfo struct {
	Type, Payload          string
	ApprovalPayloadVersion int
}

// EventTypes is the catalogue of the approval event types, in the order
// docs/events.md lists them.
func ApprovalEventTypes() []ApprovalEventInfo {
	return []ApprovalEventInfo{
		{EventFlowSaved, "FlowPayload", ApprovalPayloadVersion},
		{EventFlowPublished, "FlowPayload", ApprovalPayloadVersion},
		{EventFlowDeleted, "FlowPayload", ApprovalPayloadVersion},
		{EventStarted, "InstancePayload", ApprovalPayloadVersion},
		{EventNodeEntered, "NodeEnteredPayload", ApprovalPayloadVersion},
		{EventTaskDecided, "TaskDecidedPayload", ApprovalPayloadVersion},
		{EventEnded, "InstancePayload", ApprovalPayloadVersion},
	}
}

func flowEvent(t, ws, id, form, app string, version int) store.Event {
	return store.Event{Type: t, Workspace: ws, Collection: collFlows, DocID: id, Payload: map[string]any{
		"payload_version": ApprovalPayloadVersion, "flow": id, "form": form, "app": app, "version": version}}
}

// instanceEvent is an event about instance in, on the instance's document.
func instanceEvent(t string, in *Instance, extra map[string]any) store.Event {
	p := map[string]any{"payload_version": ApprovalPayloadVersion, "instance": in.ID, "flow": in.Flow,
		"flow_version": in.FlowVersion, "form": in.Form, "record": in.Record, "initiator": in.Initiator,
		"status": in.Status}
	for k, v := range extra {
		p[k] = v
	}
	return store.Event{Type: t, Workspace: in.Workspace, Collection: collInstances, DocID: in.ID, Payload: p}
}
