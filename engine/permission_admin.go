package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/store"
)

// WorkspaceRole is a named role of a workspace (销售, 财务…) that permission
// sets are granted to. Members may hold several.
type WorkspaceRole struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     int64  `json:"version"`
}

// Limits on permissions.
const (
	MaxRoles          = 200
	MaxSetsPerForm    = 50
	MaxGrantsPerSet   = 200
	maxRoleDescLength = 500
)

func roleFrom(d store.Document) WorkspaceRole {
	return WorkspaceRole{ID: d.ID, Name: str(d.Data, "name"), Description: str(d.Data, "description"), Version: d.Version}
}

// Roles lists the roles of the actor's workspace, by name. Every member may
// list them (the UI shows who holds what).
func (e *Engine) Roles(ctx context.Context, a Actor) ([]WorkspaceRole, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collRoles, store.Where("workspace", store.OpEq, a.Workspace), []store.SortKey{{Field: "name"}})
	if err != nil {
		return nil, err
	}
	out := make([]WorkspaceRole, len(docs))
	for i, d := range docs {
		out[i] = roleFrom(d)
	}
	return out, nil
}

func (e *Engine) checkRoleInput(ctx context.Context, ws, id, name, desc string) error {
	if err := checkName("name", name); err != nil {
		return err
	}
	if utf8.RuneCountInString(desc) > maxRoleDescLength {
		return invalid(fieldErr("description", CodeMaxLength, map[string]any{"max": maxRoleDescLength}))
	}
	roles, err := e.findAll(ctx, collRoles, store.Where("workspace", store.OpEq, ws), nil)
	if err != nil {
		return err
	}
	if id == "" && len(roles) >= MaxRoles {
		return invalid(fieldErr("name", CodeMaxItems, map[string]any{"max": MaxRoles}))
	}
	for _, r := range roles {
		if r.ID != id && strings.EqualFold(str(r.Data, "name"), name) {
			return invalid(fieldErr("name", CodeRoleNameTaken, map[string]any{"name": name}))
		}
	}
	return nil
}

// CreateRole adds a role to the actor's workspace (workspace admins only).
func (e *Engine) CreateRole(ctx context.Context, a Actor, name, description string) (WorkspaceRole, error) {
	if err := e.allow(ctx, a, ActRolesManage, Resource{}); err != nil {
		return WorkspaceRole{}, err
	}
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	if err := e.checkRoleInput(ctx, a.Workspace, "", name, description); err != nil {
		return WorkspaceRole{}, err
	}
	id := store.NewID()
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpInsert, Collection: collRoles,
		Doc: store.Document{ID: id, Data: map[string]any{"workspace": a.Workspace, "name": name, "description": description}}}},
		Events: []store.Event{newEvent(EventRoleCreated, a.Workspace, collRoles, id, RolePayload{Role: id, Name: name})}})
	if err != nil {
		return WorkspaceRole{}, mapStoreErr(err)
	}
	return roleFrom(res.Docs[0]), nil
}

// UpdateRole renames a role or changes its description (workspace admins only).
func (e *Engine) UpdateRole(ctx context.Context, a Actor, id, name, description string, version int64) (WorkspaceRole, error) {
	if err := e.allow(ctx, a, ActRolesManage, Resource{}); err != nil {
		return WorkspaceRole{}, err
	}
	if _, err := e.getScoped(ctx, collRoles, a.Workspace, id); err != nil {
		return WorkspaceRole{}, err
	}
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	if err := e.checkRoleInput(ctx, a.Workspace, id, name, description); err != nil {
		return WorkspaceRole{}, err
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collRoles, ExpectVersion: version,
		Doc: store.Document{ID: id, Data: map[string]any{"workspace": a.Workspace, "name": name, "description": description}}}},
		Events: []store.Event{newEvent(EventRoleUpdated, a.Workspace, collRoles, id, RolePayload{Role: id, Name: name})}})
	if err != nil {
		return WorkspaceRole{}, mapStoreErr(err)
	}
	return roleFrom(res.Docs[0]), nil
}

// DeleteRole deletes a role nobody holds and no permission set is granted
// to (workspace admins only); one in use is refused with CodeInUse.
func (e *Engine) DeleteRole(ctx context.Context, a Actor, id string) error {
	if err := e.allow(ctx, a, ActRolesManage, Resource{}); err != nil {
		return err
	}
	d, err := e.getScoped(ctx, collRoles, a.Workspace, id)
	if err != nil {
		return err
	}
	holders, err := e.findAll(ctx, collMembers, store.And(store.Where("workspace", store.OpEq, a.Workspace),
		store.Where("roles", store.OpEq, id)), nil)
	if err != nil {
		return err
	}
	sets, err := e.findAll(ctx, collFormPermissions, store.Where("workspace", store.OpEq, a.Workspace), nil)
	if err != nil {
		return err
	}
	used := 0
	for _, fp := range sets {
		for _, s := range permissionsFrom(fp).Sets {
			if slices.Contains(s.Grants, Grant{Kind: GrantRole, ID: id}) {
				used++
			}
		}
	}
	if len(holders) > 0 || used > 0 {
		return invalid(fieldErr("id", CodeInUse, map[string]any{"members": len(holders), "sets": used}))
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collRoles, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventRoleDeleted, a.Workspace, collRoles, id, RolePayload{Role: id, Name: str(d.Data, "name")})}})
	return mapStoreErr(err)
}

// SetMemberAccess gives a member roles and the administration of apps
// (workspace admins only). Both lists replace the member's current ones.
func (e *Engine) SetMemberAccess(ctx context.Context, a Actor, memberID string, roles, adminApps []string, version int64) (Member, error) {
	if err := e.allow(ctx, a, ActRolesManage, Resource{}); err != nil {
		return Member{}, err
	}
	d, err := e.getScoped(ctx, collMembers, a.Workspace, memberID)
	if err != nil {
		return Member{}, err
	}
	roles, adminApps = dedupe(roles), dedupe(adminApps)
	for i, r := range roles {
		if _, err := e.getScoped(ctx, collRoles, a.Workspace, r); err != nil {
			return Member{}, invalid(fieldErr(fmt.Sprintf("roles[%d]", i), CodeNotFound, map[string]any{"value": r}))
		}
	}
	for i, app := range adminApps {
		if _, err := e.liveScoped(ctx, collApps, a.Workspace, app); err != nil {
			return Member{}, invalid(fieldErr(fmt.Sprintf("adminApps[%d]", i), CodeNotFound, map[string]any{"value": app}))
		}
	}
	data := make(map[string]any, len(d.Data)+2)
	for k, v := range d.Data {
		data[k] = v
	}
	data["roles"], data["admin_apps"] = anyList(roles), anyList(adminApps)
	return e.rewriteMember(ctx, a, memberID, data, version)
}

func dedupe(l []string) []string {
	out := make([]string, 0, len(l))
	for _, s := range l {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// permissionsFrom reads a stored form_permissions document.
func permissionsFrom(d store.Document) FormPermissions {
	fp := FormPermissions{Form: d.ID, Configured: true, Version: d.Version, Sets: []PermissionSet{}}
	if raw, ok := d.Data["sets"]; ok {
		b, _ := json.Marshal(raw)
		_ = json.Unmarshal(b, &fp.Sets)
	}
	for i := range fp.Sets {
		if fp.Sets[i].Fields == nil {
			fp.Sets[i].Fields = map[string]FieldAccess{}
		}
	}
	return fp
}

// FormPermissionsOf implements Facts: the permission sets of a form of ws,
// the default when nobody configured them.
func (e *Engine) FormPermissionsOf(ctx context.Context, ws, formID string) (FormPermissions, error) {
	d, err := e.st.Get(ctx, collFormPermissions, formID)
	if err == nil && str(d.Data, "workspace") != ws {
		return FormPermissions{}, wrapNotFound("form", formID)
	}
	if errors.Is(err, store.ErrNotFound) {
		// Only a form of ws has the default; any other id is not found.
		if _, err := e.FormApp(ctx, ws, formID); err != nil {
			return FormPermissions{}, err
		}
		return DefaultFormPermissions(formID), nil
	}
	if err != nil {
		return FormPermissions{}, mapStoreErr(err)
	}
	return permissionsFrom(d), nil
}

// VersionOf implements Facts: the current published version of a form of ws.
func (e *Engine) VersionOf(ctx context.Context, ws, formID string) (*Version, error) {
	return e.CurrentVersion(ctx, systemActor(ws), formID)
}

// FormApp implements Facts: the app of a form of ws.
func (e *Engine) FormApp(ctx context.Context, ws, formID string) (string, error) {
	if c, ok := e.current.Load(formID); ok {
		if ce := c.(currentEntry); ce.ws == ws && ce.app != "" {
			return ce.app, nil
		}
	}
	d, err := e.liveScoped(ctx, collForms, ws, formID)
	if err != nil {
		return "", err
	}
	return str(d.Data, "app"), nil
}

// OrgChart implements Facts: the departments of ws and their live members.
func (e *Engine) OrgChart(ctx context.Context, ws string) (OrgChart, error) {
	deps, err := e.findAll(ctx, collDepartments, store.Where("workspace", store.OpEq, ws), nil)
	if err != nil {
		return OrgChart{}, err
	}
	members, err := e.findAll(ctx, collMembers, store.Where("workspace", store.OpEq, ws), nil)
	if err != nil {
		return OrgChart{}, err
	}
	o := OrgChart{Departments: make([]Department, len(deps)), Members: map[string][]string{}}
	for i, d := range deps {
		o.Departments[i] = departmentFrom(d)
	}
	for _, d := range members {
		m := memberFrom(d)
		if m.Disabled {
			continue
		}
		for _, dep := range m.Departments {
			o.Members[dep] = append(o.Members[dep], m.UserID)
		}
	}
	return o, nil
}

// systemActor is the engine acting for itself in ws (trusted reads).
func systemActor(ws string) Actor {
	return Actor{UserID: "system", Workspace: ws, Role: RoleAdmin, Source: SourceSystem}
}

// FormPermissions returns a form's permission sets for its editor
// (workspace admins and the admins of the form's app).
func (e *Engine) FormPermissions(ctx context.Context, a Actor, formID string) (FormPermissions, error) {
	if err := e.permissionsAllowed(ctx, a, formID); err != nil {
		return FormPermissions{}, err
	}
	return e.FormPermissionsOf(ctx, a.Workspace, formID)
}

// permissionsAllowed checks a may manage the permissions of a form of
// their workspace (workspace admins and the admins of its app).
func (e *Engine) permissionsAllowed(ctx context.Context, a Actor, formID string) error {
	if err := a.check(); err != nil {
		return err
	}
	app, err := e.FormApp(ctx, a.Workspace, formID)
	if err != nil {
		return err
	}
	return e.allow(ctx, a, ActPermissionsManage, Resource{App: app, Form: formID})
}

// SavePermissionSet adds a permission set to a form (set.ID empty) or
// replaces one. version is the FormPermissions version the editor read (0
// for a form nobody configured yet: its default set is kept as the first
// set, so saving a new set never silently takes access away).
func (e *Engine) SavePermissionSet(ctx context.Context, a Actor, formID string, set PermissionSet, version int64) (FormPermissions, PermissionSet, error) {
	if err := e.permissionsAllowed(ctx, a, formID); err != nil {
		return FormPermissions{}, PermissionSet{}, err
	}
	fp, err := e.FormPermissionsOf(ctx, a.Workspace, formID)
	if err != nil {
		return FormPermissions{}, PermissionSet{}, err
	}
	if fp.Version != version {
		return FormPermissions{}, PermissionSet{}, fmt.Errorf("%w: permissions of form %s are at version %d, not %d", ErrConflict, formID, fp.Version, version)
	}
	if !fp.Configured {
		// The default set becomes a real one; saving it by its id
		// ("default") changes it in place.
		id := store.NewID()
		if set.ID == fp.Sets[0].ID {
			set.ID = id
		}
		fp.Sets[0].ID = id
	}
	set, err = e.checkPermissionSet(ctx, a.Workspace, formID, set)
	if err != nil {
		return FormPermissions{}, PermissionSet{}, err
	}
	change := "updated"
	if set.ID == "" {
		if len(fp.Sets) >= MaxSetsPerForm {
			return FormPermissions{}, PermissionSet{}, invalid(fieldErr("sets", CodeMaxItems, map[string]any{"max": MaxSetsPerForm}))
		}
		set.ID, change = store.NewID(), "created"
		fp.Sets = append(fp.Sets, set)
	} else {
		i := slices.IndexFunc(fp.Sets, func(s PermissionSet) bool { return s.ID == set.ID })
		if i < 0 {
			return FormPermissions{}, PermissionSet{}, wrapNotFound("permission set", set.ID)
		}
		fp.Sets[i] = set
	}
	out, err := e.writePermissions(ctx, a, fp, PermissionsPayload{Form: formID, Set: set.ID, Change: change})
	return out, set, err
}

// DeletePermissionSet removes a set from a form's permissions.
func (e *Engine) DeletePermissionSet(ctx context.Context, a Actor, formID, setID string, version int64) (FormPermissions, error) {
	if err := e.permissionsAllowed(ctx, a, formID); err != nil {
		return FormPermissions{}, err
	}
	fp, err := e.FormPermissionsOf(ctx, a.Workspace, formID)
	if err != nil {
		return FormPermissions{}, err
	}
	if fp.Version != version {
		return FormPermissions{}, fmt.Errorf("%w: permissions of form %s are at version %d, not %d", ErrConflict, formID, fp.Version, version)
	}
	i := slices.IndexFunc(fp.Sets, func(s PermissionSet) bool { return s.ID == setID })
	if i < 0 {
		return FormPermissions{}, wrapNotFound("permission set", setID)
	}
	fp.Sets = slices.Delete(fp.Sets, i, i+1)
	return e.writePermissions(ctx, a, fp, PermissionsPayload{Form: formID, Set: setID, Change: "deleted"})
}

func (e *Engine) writePermissions(ctx context.Context, a Actor, fp FormPermissions, p PermissionsPayload) (FormPermissions, error) {
	var sets []any
	b, err := json.Marshal(fp.Sets)
	if err != nil {
		return FormPermissions{}, err
	}
	if err := json.Unmarshal(b, &sets); err != nil {
		return FormPermissions{}, err
	}
	if sets == nil {
		sets = []any{}
	}
	w := store.Write{Op: store.OpUpdate, Collection: collFormPermissions, ExpectVersion: fp.Version,
		Doc: store.Document{ID: fp.Form, Data: map[string]any{"workspace": a.Workspace, "form": fp.Form, "sets": sets}}}
	if !fp.Configured {
		w.Op, w.ExpectVersion = store.OpInsert, 0
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{w},
		Events: []store.Event{newEvent(EventPermissionsChanged, a.Workspace, collFormPermissions, fp.Form, p)}})
	if errors.Is(err, store.ErrDuplicate) {
		return FormPermissions{}, fmt.Errorf("%w: permissions of form %s changed meanwhile", ErrConflict, fp.Form)
	}
	if err != nil {
		return FormPermissions{}, mapStoreErr(err)
	}
	if err := e.indexForPermissions(ctx, a.Workspace, fp); err != nil {
		return FormPermissions{}, err
	}
	return permissionsFrom(res.Docs[0]), nil
}

// checkPermissionSet validates a set against the form's current version
// and the organisation, and normalizes it.
func (e *Engine) checkPermissionSet(ctx context.Context, ws, formID string, s PermissionSet) (PermissionSet, error) {
	out := s
	out.Name = strings.TrimSpace(s.Name)
	if utf8.RuneCountInString(out.Name) > 100 {
		return s, invalid(fieldErr("name", CodeMaxLength, map[string]any{"max": 100}))
	}
	if out.Preset == "" {
		out.Preset = PresetCustom
	}
	if _, ok := PresetSet(out.Preset); !ok && out.Preset != PresetCustom {
		return s, invalid(fieldErr("preset", CodeOption, map[string]any{"value": string(out.Preset)}))
	}
	out.Actions = nil
	for i, act := range s.Actions {
		if !slices.Contains(RecordActions, act) {
			return s, invalid(fieldErr(fmt.Sprintf("actions[%d]", i), CodeOption, map[string]any{"value": string(act)}))
		}
		if !slices.Contains(out.Actions, act) {
			out.Actions = append(out.Actions, act)
		}
	}
	for _, act := range out.Actions {
		if act != ActRecordCreate && act != ActRecordImport && !out.Has(ActRecordView) {
			return s, invalid(fieldErr("actions", CodePermissionNeedsView, map[string]any{"action": string(act)}))
		}
	}
	if out.FieldDefault == "" {
		out.FieldDefault = FieldEdit
	}
	if !ValidFieldAccess(out.FieldDefault) {
		return s, invalid(fieldErr("fieldDefault", CodeOption, map[string]any{"value": string(out.FieldDefault)}))
	}
	v, err := e.VersionOf(ctx, ws, formID)
	if err != nil && !errors.Is(err, ErrNotPublished) {
		return s, err
	}
	out.Fields = map[string]FieldAccess{}
	for k, fa := range s.Fields {
		if !ValidFieldAccess(fa) {
			return s, invalid(fieldErr("fields."+k, CodeOption, map[string]any{"value": string(fa)}))
		}
		if v != nil && v.byKey[k] == nil {
			return s, invalid(fieldErr("fields."+k, CodeUnknownField, map[string]any{"field": k}))
		}
		if v == nil && !store.ValidKey(k) {
			return s, invalid(fieldErr("fields."+k, CodeUnknownField, map[string]any{"field": k}))
		}
		out.Fields[k] = fa
	}
	if s.Rows != nil {
		if v == nil {
			return s, invalid(fieldErr("rows", CodeNotPublished, nil))
		}
		if err := checkPlaceholders(*s.Rows, "rows"); err != nil {
			return s, err
		}
		probe := ResolvePlaceholders(*s.Rows, v, PlaceholderValues{Me: "probe", Departments: []string{"probe"}, Below: []string{"probe"},
			DepartmentUsers: []string{"probe"}, BelowUsers: []string{"probe"}})
		if _, err := v.translateFilter(probe, "rows", 0); err != nil {
			return s, err
		}
		rows := *s.Rows
		out.Rows = &rows
	}
	if len(s.Grants) > MaxGrantsPerSet {
		return s, invalid(fieldErr("grants", CodeMaxItems, map[string]any{"max": MaxGrantsPerSet}))
	}
	out.Grants = nil
	for i, g := range s.Grants {
		at := fmt.Sprintf("grants[%d]", i)
		switch g.Kind {
		case GrantEveryone:
			g.ID = ""
		case GrantRole:
			if _, err := e.getScoped(ctx, collRoles, ws, g.ID); err != nil {
				return s, invalid(fieldErr(at, CodeNotFound, map[string]any{"value": g.ID}))
			}
		case GrantDepartment:
			if _, err := e.getScoped(ctx, collDepartments, ws, g.ID); err != nil {
				return s, invalid(fieldErr(at, CodeNotFound, map[string]any{"value": g.ID}))
			}
		case GrantMember:
			if _, err := e.Membership(ctx, ws, g.ID); err != nil {
				return s, invalid(fieldErr(at, CodeNotFound, map[string]any{"value": g.ID}))
			}
		default:
			return s, invalid(fieldErr(at+".kind", CodeOption, map[string]any{"value": string(g.Kind)}))
		}
		if !slices.Contains(out.Grants, g) {
			out.Grants = append(out.Grants, g)
		}
	}
	if out.Grants == nil {
		out.Grants = []Grant{}
	}
	return out, nil
}

// refersToOwner reports whether a set's row filter uses the ownedBy property.
func refersToOwner(fp FormPermissions) bool {
	for _, s := range fp.Sets {
		if s.Rows != nil && filterUses(*s.Rows, "ownedBy") {
			return true
		}
	}
	return false
}

func filterUses(f store.Filter, path string) bool {
	errFound := errors.New("found")
	return eachCondition(f, "", func(c store.Filter, _ string) error {
		if c.Field == path {
			return errFound
		}
		return nil
	}) != nil
}

// indexForPermissions prepares a published form's records for its
// permission sets: owners backfilled and the owner index declared when a
// row filter refers to ownedBy (and the index dropped when none does).
func (e *Engine) indexForPermissions(ctx context.Context, ws string, fp FormPermissions) error {
	v, err := e.VersionOf(ctx, ws, fp.Form)
	if errors.Is(err, ErrNotPublished) {
		return nil
	}
	if err != nil {
		return err
	}
	if refersToOwner(fp) {
		if err := e.backfillOwners(ctx, ws, fp.Form); err != nil {
			return err
		}
	}
	return e.declareIndexes(ctx, ws, fp.Form, v)
}
