package engine

import (
	"encoding/json"
	"fmt"

	"github.com/formloom/formloom/engine/store"
)

// Current versions of the event payloads. A version rises only when a
// field is removed or changes meaning; added fields keep it.
const (
	RecordPayloadVersion        = 1
	AppPayloadVersion           = 1
	FormPayloadVersion          = 1
	FormPublishedPayloadVersion = 1
	WorkspacePayloadVersion     = 1
	DepartmentPayloadVersion    = 1
	MemberPayloadVersion        = 1
	InvitationPayloadVersion    = 1
	UserPayloadVersion          = 1
	FilePayloadVersion          = 1
	RolePayloadVersion          = 1
	PermissionsPayloadVersion   = 1
)

// RecordPayload is the payload of record.created, record.updated,
// record.deleted and record.restored.
type RecordPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Form           string `json:"form"`
	App            string `json:"app"`
	Record         string `json:"record"`
	// Version is the record's version after the change.
	Version int64 `json:"version"`
	// FormVersion is the published form version the record was written with.
	FormVersion int `json:"form_version"`
	// Source is where the write came from: ui, api, import, automation, …
	Source string `json:"source"`
	Actor  string `json:"actor"`
	// Changed lists the field keys whose values changed (empty for delete and restore).
	Changed []string `json:"changed"`
	// AutomationsOff is true when the writer asked automations not to run.
	AutomationsOff bool `json:"automations_off,omitempty"`
	// Chain is the cascade of after-commit writes this write belongs to
	// (nil for a write a person or an integration made).
	Chain *Chain `json:"chain,omitempty"`
	// Data holds the record's field values after the change; for
	// record.deleted and record.restored, the values it has.
	Data map[string]any `json:"data,omitempty"`
	// Old holds, for record.updated, the values the changed fields had
	// before the change (only the keys of Changed; a field that was empty
	// is absent), so consumers see old and new without reading history.
	Old map[string]any `json:"old,omitempty"`

	// changedVals, when set, is Changed as the diff's own values, so the
	// write path does not box every key again.
	changedVals []any
}

func (p RecordPayload) payloadMap() map[string]any {
	changed := p.changedVals
	if changed == nil {
		changed = make([]any, len(p.Changed))
		for i, c := range p.Changed {
			changed[i] = c
		}
	}
	m := map[string]any{"payload_version": RecordPayloadVersion, "form": p.Form, "app": p.App, "record": p.Record,
		"version": p.Version, "form_version": p.FormVersion, "source": p.Source, "actor": p.Actor, "changed": changed}
	if p.AutomationsOff {
		m["automations_off"] = true
	}
	if p.Chain != nil {
		m["chain"] = p.Chain.chainMap()
	}
	if p.Data != nil {
		m["data"] = p.Data
	}
	if len(p.Old) > 0 {
		m["old"] = p.Old
	}
	return m
}

// AppPayload is the payload of app.created, app.updated, app.deleted and app.restored.
type AppPayload struct {
	PayloadVersion int    `json:"payload_version"`
	App            string `json:"app"`
	Name           string `json:"name"`
}

func (p AppPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": AppPayloadVersion, "app": p.App, "name": p.Name}
}

// FormPayload is the payload of form.created, form.draft_saved and form.deleted.
type FormPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Form           string `json:"form"`
	App            string `json:"app"`
	Name           string `json:"name"`
}

func (p FormPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": FormPayloadVersion, "form": p.Form, "app": p.App, "name": p.Name}
}

// FormPublishedPayload is the payload of form.published.
type FormPublishedPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Form           string `json:"form"`
	App            string `json:"app"`
	// Version is the number of the new published version (1, 2, …).
	Version int `json:"version"`
}

func (p FormPublishedPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": FormPublishedPayloadVersion, "form": p.Form, "app": p.App, "version": p.Version}
}

// WorkspacePayload is the payload of workspace.created and workspace.updated.
type WorkspacePayload struct {
	PayloadVersion int    `json:"payload_version"`
	Workspace      string `json:"workspace"`
	Name           string `json:"name"`
	TimeZone       string `json:"time_zone"`
	Language       string `json:"language"`
}

func (p WorkspacePayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": WorkspacePayloadVersion, "workspace": p.Workspace, "name": p.Name,
		"time_zone": p.TimeZone, "language": p.Language}
}

// DepartmentPayload is the payload of department.created, department.updated
// and department.deleted.
type DepartmentPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Department     string `json:"department"`
	Name           string `json:"name"`
	// Parent is the parent department's id, "" at the top.
	Parent string `json:"parent"`
	// Heads are the user ids of the department's heads.
	Heads []string `json:"heads,omitempty"`
}

func (p DepartmentPayload) payloadMap() map[string]any {
	m := map[string]any{"payload_version": DepartmentPayloadVersion, "department": p.Department, "name": p.Name, "parent": p.Parent}
	if len(p.Heads) > 0 {
		m["heads"] = anyList(p.Heads)
	}
	return m
}

// MemberPayload is the payload of member.added, member.updated and member.removed.
type MemberPayload struct {
	PayloadVersion int `json:"payload_version"`
	// Member is the membership's id, User the account's.
	Member      string   `json:"member"`
	User        string   `json:"user"`
	Role        string   `json:"role"`
	Departments []string `json:"departments"`
	// Disabled: an admin switched the member off in this workspace (the
	// account itself stays as it is). Added in version 1 as an extra field.
	Disabled bool `json:"disabled"`
	// Roles are the role ids the member holds, AdminApps the apps they
	// administer. Added in version 1 as extra fields.
	Roles     []string `json:"roles"`
	AdminApps []string `json:"admin_apps"`
}

func (p MemberPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": MemberPayloadVersion, "member": p.Member, "user": p.User, "role": p.Role,
		"departments": anyList(p.Departments), "disabled": p.Disabled, "roles": anyList(p.Roles), "admin_apps": anyList(p.AdminApps)}
}

// InvitationPayload is the payload of member.invited and
// member.invitation_declined: which account a workspace invited, with which
// role. Accepting commits member.added.
type InvitationPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Invitation     string `json:"invitation"`
	User           string `json:"user"`
	Role           string `json:"role"`
}

func (p InvitationPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": InvitationPayloadVersion, "invitation": p.Invitation, "user": p.User, "role": p.Role}
}

// UserPayload is the payload of the user.* events. It names the account
// only: no email, name or secret leaves through the outbox.
type UserPayload struct {
	PayloadVersion int    `json:"payload_version"`
	User           string `json:"user"`
}

func (p UserPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": UserPayloadVersion, "user": p.User}
}

// FilePayload is the payload of file.uploaded.
type FilePayload struct {
	PayloadVersion int    `json:"payload_version"`
	File           string `json:"file"`
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	ContentType    string `json:"content_type"`
}

func (p FilePayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": FilePayloadVersion, "file": p.File, "name": p.Name, "size": p.Size, "content_type": p.ContentType}
}

// DecodePayload reads the payload of an outbox event into its struct (T is
// one of the payload types above), for consumers and tests.
func DecodePayload[T any](ev store.Event) (T, error) {
	var out T
	b, err := json.Marshal(ev.Payload)
	if err != nil {
		return out, fmt.Errorf("engine: payload of event %s: %w", ev.ID, err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("engine: payload of event %s (%s): %w", ev.ID, ev.Type, err)
	}
	return out, nil
}

// RolePayload is the payload of role.created, role.updated and role.deleted.
type RolePayload struct {
	PayloadVersion int    `json:"payload_version"`
	Role           string `json:"role"`
	Name           string `json:"name"`
}

func (p RolePayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": RolePayloadVersion, "role": p.Role, "name": p.Name}
}

// PermissionsPayload is the payload of permissions.changed: a form's
// permission sets were created, changed or deleted.
type PermissionsPayload struct {
	PayloadVersion int    `json:"payload_version"`
	Form           string `json:"form"`
	// Set is the set that changed, Change one of created, updated, deleted.
	Set    string `json:"set"`
	Change string `json:"change"`
}

func (p PermissionsPayload) payloadMap() map[string]any {
	return map[string]any{"payload_version": PermissionsPayloadVersion, "form": p.Form, "set": p.Set, "change": p.Change}
}
