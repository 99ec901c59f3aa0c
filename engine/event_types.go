package engine

import "github.com/formloom/formloom/engine/store"

// EventType names a kind of outbox event. Every change to data or design
// commits one in the same unit of work. The types and their payloads are
// API (webhooks publish them): docs/events.md describes each; a payload
// changes only by adding fields, and a change that removes or redefines a
// field raises that payload's version.
type EventType string

// The event types the engine commits.
const (
	// Records (payload RecordPayload).
	EventRecordCreated  EventType = "record.created"
	EventRecordUpdated  EventType = "record.updated"
	EventRecordDeleted  EventType = "record.deleted"
	EventRecordRestored EventType = "record.restored"

	// Apps (payload AppPayload).
	EventAppCreated  EventType = "app.created"
	EventAppUpdated  EventType = "app.updated"
	EventAppDeleted  EventType = "app.deleted"
	EventAppRestored EventType = "app.restored"

	// Forms (payload FormPayload; form.published has FormPublishedPayload).
	EventFormCreated    EventType = "form.created"
	EventFormDraftSaved EventType = "form.draft_saved"
	EventFormDeleted    EventType = "form.deleted"
	EventFormRestored   EventType = "form.restored"
	EventFormPublished  EventType = "form.published"

	// Organisation (payloads WorkspacePayload, DepartmentPayload, MemberPayload).
	EventWorkspaceCreated  EventType = "workspace.created"
	EventWorkspaceUpdated  EventType = "workspace.updated"
	EventDepartmentCreated EventType = "department.created"
	EventDepartmentUpdated EventType = "department.updated"
	EventDepartmentDeleted EventType = "department.deleted"
	EventMemberAdded       EventType = "member.added"
	EventMemberUpdated     EventType = "member.updated"
	EventMemberRemoved     EventType = "member.removed"
	// Invitations of existing accounts (payload InvitationPayload).
	EventMemberInvited            EventType = "member.invited"
	EventMemberInvitationDeclined EventType = "member.invitation_declined"

	// Accounts (payload UserPayload).
	EventUserCreated         EventType = "user.created"
	EventUserUpdated         EventType = "user.updated"
	EventUserDisabled        EventType = "user.disabled"
	EventUserEnabled         EventType = "user.enabled"
	EventUserPasswordChanged EventType = "user.password_changed"
	EventUserPasswordReset   EventType = "user.password_reset"
	// EventUserDeleted: a placeholder account nobody used was deleted
	// (DeletePlaceholderUser).
	EventUserDeleted EventType = "user.deleted"

	// Files (payload FilePayload).
	EventFileUploaded EventType = "file.uploaded"

	// Roles (payload RolePayload) and permission sets (payload
	// PermissionsPayload).
	EventRoleCreated        EventType = "role.created"
	EventRoleUpdated        EventType = "role.updated"
	EventRoleDeleted        EventType = "role.deleted"
	EventPermissionsChanged EventType = "permissions.changed"
)

// EventInfo describes one event type for the catalogue.
type EventInfo struct {
	Type EventType
	// Payload names the payload struct; PayloadVersion is its current version.
	Payload        string
	PayloadVersion int
}

// EventTypes is the catalogue of every event type the engine commits, in
// the order docs/events.md lists them.
func EventTypes() []EventInfo {
	rec := func(t EventType) EventInfo { return EventInfo{t, "RecordPayload", RecordPayloadVersion} }
	app := func(t EventType) EventInfo { return EventInfo{t, "AppPayload", AppPayloadVersion} }
	frm := func(t EventType) EventInfo { return EventInfo{t, "FormPayload", FormPayloadVersion} }
	usr := func(t EventType) EventInfo { return EventInfo{t, "UserPayload", UserPayloadVersion} }
	return []EventInfo{
		rec(EventRecordCreated), rec(EventRecordUpdated), rec(EventRecordDeleted), rec(EventRecordRestored),
		app(EventAppCreated), app(EventAppUpdated), app(EventAppDeleted), app(EventAppRestored),
		frm(EventFormCreated), frm(EventFormDraftSaved), frm(EventFormDeleted), frm(EventFormRestored),
		{EventFormPublished, "FormPublishedPayload", FormPublishedPayloadVersion},
		{EventWorkspaceCreated, "WorkspacePayload", WorkspacePayloadVersion},
		{EventWorkspaceUpdated, "WorkspacePayload", WorkspacePayloadVersion},
		{EventDepartmentCreated, "DepartmentPayload", DepartmentPayloadVersion},
		{EventDepartmentUpdated, "DepartmentPayload", DepartmentPayloadVersion},
		{EventDepartmentDeleted, "DepartmentPayload", DepartmentPayloadVersion},
		{EventMemberAdded, "MemberPayload", MemberPayloadVersion},
		{EventMemberUpdated, "MemberPayload", MemberPayloadVersion},
		{EventMemberRemoved, "MemberPayload", MemberPayloadVersion},
		{EventMemberInvited, "InvitationPayload", InvitationPayloadVersion},
		{EventMemberInvitationDeclined, "InvitationPayload", InvitationPayloadVersion},
		usr(EventUserCreated), usr(EventUserUpdated), usr(EventUserDisabled), usr(EventUserEnabled),
		usr(EventUserPasswordChanged), usr(EventUserPasswordReset), usr(EventUserDeleted),
		{EventFileUploaded, "FilePayload", FilePayloadVersion},
		{EventRoleCreated, "RolePayload", RolePayloadVersion},
		{EventRoleUpdated, "RolePayload", RolePayloadVersion},
		{EventRoleDeleted, "RolePayload", RolePayloadVersion},
		{EventPermissionsChanged, "PermissionsPayload", PermissionsPayloadVersion},
	}
}

// payload is implemented by every payload struct: its map form, as stored
// in the outbox (keys are the struct's json tags).
type payload interface {
	payloadMap() map[string]any
}

// newEvent builds an outbox event of type t about document id of coll.
// Events of accounts carry the workspace the change was made from, or ""
// when it was made outside any workspace (sign-up, own password change).
func newEvent(t EventType, ws, coll, id string, p payload) store.Event {
	return store.Event{Type: string(t), Workspace: ws, Collection: coll, DocID: id, Payload: p.payloadMap()}
}
