package engine

import (
	"context"
	"slices"

	"github.com/formloom/formloom/engine/store"
)

// FieldAccess is what a permission set lets its holders do with one field.
type FieldAccess string

// Field access levels, from most to least.
const (
	FieldEdit   FieldAccess = "edit"
	FieldView   FieldAccess = "view"
	FieldHidden FieldAccess = "hidden"
)

// ValidFieldAccess reports whether f is a field access level.
func ValidFieldAccess(f FieldAccess) bool {
	return f == FieldEdit || f == FieldView || f == FieldHidden
}

// GrantKind says who a permission set applies to.
type GrantKind string

// Grant kinds. A department grant applies to the department's members and
// to the members of the departments below it.
const (
	GrantEveryone   GrantKind = "everyone"
	GrantRole       GrantKind = "role"
	GrantDepartment GrantKind = "department"
	GrantMember     GrantKind = "member"
)

// Grant names who holds a permission set: every member, the holders of a
// role (ID: role id), a department and those below it (ID: department id),
// or one member (ID: user id).
type Grant struct {
	Kind GrantKind `json:"kind"`
	ID   string    `json:"id,omitempty"`
}

// Row-filter placeholders: values a permission set's row filter may hold
// in place of a literal, resolved per actor when the filter is compiled.
// On a user-valued path (ownedBy, createdBy, updatedBy, a user field), the
// department placeholders stand for the users who are members of those
// departments; on a department field, for the department ids.
const (
	PlaceholderMe                    = "$me"
	PlaceholderMyDepartments         = "$myDepartments"
	PlaceholderMyDepartmentsAndBelow = "$myDepartmentsAndBelow"
)

// Preset names a predefined permission set (as 简道云 ships them).
type Preset string

// The predefined sets.
const (
	PresetSubmitOnly Preset = "submit_only"
	PresetManageOwn  Preset = "manage_own"
	PresetAddViewAll Preset = "add_view_all"
	PresetViewAll    Preset = "view_all"
	PresetManageAll  Preset = "manage_all"
	PresetCustom     Preset = "custom"
)

// PermissionSet is one set of a form's permissions: actions, field access
// and a row filter, granted to roles, departments or members. A member's
// effective permission on a form is the union of the sets granted to them.
type PermissionSet struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Preset Preset `json:"preset"`
	// Actions are record actions (ActRecord…).
	Actions []Action `json:"actions"`
	// FieldDefault applies to every field Fields does not name (fields
	// added to the form later included).
	FieldDefault FieldAccess            `json:"fieldDefault"`
	Fields       map[string]FieldAccess `json:"fields"`
	// Rows is a filter in the query model over field keys and record
	// properties (ownedBy, createdBy…), with placeholders; nil: every row.
	Rows   *store.Filter `json:"rows"`
	Grants []Grant       `json:"grants"`
}

// Has reports whether the set grants act.
func (s PermissionSet) Has(act Action) bool { return slices.Contains(s.Actions, act) }

// Access returns the set's access to the field key.
func (s PermissionSet) Access(key string) FieldAccess {
	if f, ok := s.Fields[key]; ok {
		return f
	}
	if s.FieldDefault == "" {
		return FieldEdit
	}
	return s.FieldDefault
}

// FormPermissions are the permission sets of one form. A form nobody has
// configured (Configured false) has the default: one set, every member
// manages all data; once configured, only its sets apply (none: only
// admins of the workspace or the app reach the form's records).
type FormPermissions struct {
	Form       string          `json:"form"`
	Configured bool            `json:"configured"`
	Sets       []PermissionSet `json:"sets"`
	Version    int64           `json:"version"`
}

// FieldMask says which fields an actor may see and change. A nil mask
// hides nothing and allows every change. It is shared and read-only.
type FieldMask struct {
	// Hidden fields are absent from every answer; ReadOnly fields are
	// shown but cannot be written.
	Hidden   map[string]bool
	ReadOnly map[string]bool
}

// CanView reports whether the field key may be seen.
func (m *FieldMask) CanView(key string) bool { return m == nil || !m.Hidden[key] }

// CanEdit reports whether the field key may be written.
func (m *FieldMask) CanEdit(key string) bool {
	return m == nil || (!m.Hidden[key] && !m.ReadOnly[key])
}

// RecordActions are the actions a permission set may grant, in the order
// the UI shows them.
var RecordActions = []Action{ActRecordView, ActRecordCreate, ActRecordEdit, ActRecordDelete, ActRecordRestore,
	ActRecordImport, ActRecordExport, ActRecordBulkEdit, ActRecordHistory, ActRecordTransfer}

// PresetSet returns the predefined set p with its actions, field access and
// rows (no grants); ok is false for an unknown or custom preset.
func PresetSet(p Preset) (PermissionSet, bool) {
	own := store.Where("ownedBy", store.OpEq, PlaceholderMe)
	s := PermissionSet{Preset: p, FieldDefault: FieldEdit, Fields: map[string]FieldAccess{}}
	switch p {
	case PresetSubmitOnly:
		s.Actions = []Action{ActRecordCreate}
		s.Rows = &own
	case PresetManageOwn:
		s.Actions = []Action{ActRecordView, ActRecordCreate, ActRecordEdit, ActRecordDelete, ActRecordRestore, ActRecordHistory}
		s.Rows = &own
	case PresetAddViewAll:
		s.Actions = []Action{ActRecordView, ActRecordCreate, ActRecordHistory}
	case PresetViewAll:
		s.Actions = []Action{ActRecordView, ActRecordHistory, ActRecordExport}
		s.FieldDefault = FieldView
	case PresetManageAll:
		s.Actions = slices.Clone(RecordActions)
	default:
		return PermissionSet{}, false
	}
	return s, true
}

// DefaultFormPermissions is the permission of a form nobody configured:
// every member manages all data.
func DefaultFormPermissions(formID string) FormPermissions {
	s, _ := PresetSet(PresetManageAll)
	s.ID, s.Name, s.Grants = "default", "", []Grant{{Kind: GrantEveryone}}
	return FormPermissions{Form: formID, Sets: []PermissionSet{s}}
}

// Facts are the trusted reads an Authorizer needs to decide: they are not
// authorized themselves (the Authorizer is the one asking). *Engine
// implements Facts.
type Facts interface {
	// FormPermissionsOf returns the permission sets of a form of workspace
	// ws (the default when none were configured).
	FormPermissionsOf(ctx context.Context, ws, formID string) (FormPermissions, error)
	// VersionOf returns the current published version of a form of ws
	// (ErrNotFound if the form has none).
	VersionOf(ctx context.Context, ws, formID string) (*Version, error)
	// FormApp returns the app a form of ws belongs to.
	FormApp(ctx context.Context, ws, formID string) (string, error)
	// OrgChart returns the departments and members of ws.
	OrgChart(ctx context.Context, ws string) (OrgChart, error)
}

// OrgChart is a workspace's organisation as a policy needs it.
type OrgChart struct {
	Departments []Department
	// Members maps department id to the user ids of its live members.
	Members map[string][]string
}

// Below returns the ids of the departments ids and all departments under
// them, without duplicates, in a stable order.
func (o OrgChart) Below(ids []string) []string {
	children := map[string][]string{}
	for _, d := range o.Departments {
		children[d.Parent] = append(children[d.Parent], d.ID)
	}
	seen := map[string]bool{}
	var out []string
	var walk func(id string)
	walk = func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
		for _, c := range children[id] {
			walk(c)
		}
	}
	for _, id := range ids {
		walk(id)
	}
	return out
}

// UsersIn returns the user ids of the members of the departments depts.
func (o OrgChart) UsersIn(depts []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, d := range depts {
		for _, u := range o.Members[d] {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Invalidator is implemented by an Authorizer that caches: the engine calls
// Invalidate after it commits a change of workspace ws's roles, members,
// departments, apps or permission sets.
type Invalidator interface {
	Invalidate(ws string)
}

// invalidate tells a caching Authorizer that ws's permissions changed.
func (e *Engine) invalidate(ws string) {
	if inv, ok := e.authz.(Invalidator); ok {
		inv.Invalidate(ws)
	}
}
