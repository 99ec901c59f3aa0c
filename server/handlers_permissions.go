package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// RoleInput creates a role; RoleUpdate changes one (Version is the one read).
type RoleInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// RoleUpdate renames a role or changes its description.
type RoleUpdate struct {
	RoleInput
	Version int64 `json:"version"`
}

func (s *Server) listRoles(c *fiber.Ctx) error {
	list, err := s.e.Roles(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	if list == nil {
		list = []engine.WorkspaceRole{}
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createRole(c *fiber.Ctx) error {
	var in RoleInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.e.CreateRole(c.UserContext(), actor(c), in.Name, in.Description)
	if err != nil {
		return err
	}
	return created(c, r)
}

func (s *Server) updateRole(c *fiber.Ctx) error {
	var in RoleUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.e.UpdateRole(c.UserContext(), actor(c), c.Params("id"), in.Name, in.Description, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) deleteRole(c *fiber.Ctx) error {
	if err := s.e.DeleteRole(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	// Only a role nobody holds can be deleted, but a principal cached
	// before the last holder lost it may still carry its id.
	s.auth.InvalidateWorkspace(actor(c).Workspace)
	return noContent(c)
}

// MemberAccess gives a member roles and the administration of apps; both
// lists replace the current ones. Version is the membership version read
// (memberVersion of WorkspaceUser).
type MemberAccess struct {
	Roles     []string `json:"roles"`
	AdminApps []string `json:"adminApps"`
	Version   int64    `json:"version"`
}

// setMemberAccess changes the roles and app administration of the member
// whose membership id is in the path. The member's cached credentials are
// dropped, so the change holds from their next request.
func (s *Server) setMemberAccess(c *fiber.Ctx) error {
	var in MemberAccess
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.e.SetMemberAccess(c.UserContext(), actor(c), c.Params("id"), in.Roles, in.AdminApps, in.Version)
	if err != nil {
		return err
	}
	s.auth.InvalidateUser(m.UserID)
	if m.Roles == nil {
		m.Roles = []string{}
	}
	if m.AdminApps == nil {
		m.AdminApps = []string{}
	}
	if m.Departments == nil {
		m.Departments = []string{}
	}
	return c.JSON(m)
}

// PermissionPreset is a predefined permission set as the editor offers it.
type PermissionPreset struct {
	Preset       engine.Preset                 `json:"preset"`
	Actions      []engine.Action               `json:"actions"`
	FieldDefault engine.FieldAccess            `json:"fieldDefault"`
	Fields       map[string]engine.FieldAccess `json:"fields"`
	Rows         *store.Filter                 `json:"rows"`
}

// presetOrder is the order the editor lists the presets in.
var presetOrder = []engine.Preset{engine.PresetSubmitOnly, engine.PresetManageOwn, engine.PresetAddViewAll,
	engine.PresetViewAll, engine.PresetManageAll}

func (s *Server) listPermissionPresets(c *fiber.Ctx) error {
	out := make([]PermissionPreset, 0, len(presetOrder))
	for _, p := range presetOrder {
		set, ok := engine.PresetSet(p)
		if !ok {
			continue
		}
		out = append(out, PermissionPreset{Preset: p, Actions: set.Actions, FieldDefault: set.FieldDefault, Fields: set.Fields, Rows: set.Rows})
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) getFormPermissions(c *fiber.Ctx) error {
	fp, err := s.e.FormPermissions(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(fp)
}

// PermissionSetInput adds or replaces a permission set; Version is the
// FormPermissions version the editor read (0 for a form nobody configured).
type PermissionSetInput struct {
	Set     engine.PermissionSet `json:"set"`
	Version int64                `json:"version"`
}

// PermissionSetSaved answers a saved set: the form's permissions after the
// save, and the set as stored (with its id).
type PermissionSetSaved struct {
	engine.FormPermissions
	Set engine.PermissionSet `json:"set"`
}

func (s *Server) savePermissionSet(c *fiber.Ctx, id string) error {
	var in PermissionSetInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.Set.ID = id
	fp, set, err := s.e.SavePermissionSet(c.UserContext(), actor(c), c.Params("form"), in.Set, in.Version)
	if err != nil {
		return err
	}
	out := PermissionSetSaved{FormPermissions: fp, Set: set}
	if id == "" {
		return created(c, out)
	}
	return c.JSON(out)
}

func (s *Server) createPermissionSet(c *fiber.Ctx) error { return s.savePermissionSet(c, "") }

func (s *Server) replacePermissionSet(c *fiber.Ctx) error {
	return s.savePermissionSet(c, c.Params("set"))
}

func (s *Server) deletePermissionSet(c *fiber.Ctx) error {
	v, err := queryInt(c, "version")
	if err != nil {
		return err
	}
	fp, err := s.e.DeletePermissionSet(c.UserContext(), actor(c), c.Params("form"), c.Params("set"), v)
	if err != nil {
		return err
	}
	return c.JSON(fp)
}

func (s *Server) myPermission(c *fiber.Ctx) error {
	p, err := s.e.MyPermission(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// RecordTransfer is the body of POST …/records/transfer: records to give
// to another member (owner: their user id).
type RecordTransfer struct {
	IDs   []string `json:"ids"`
	Owner string   `json:"owner"`
}

func (s *Server) transferRecords(c *fiber.Ctx) error {
	var in RecordTransfer
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.e.TransferRecords(c.UserContext(), actor(c), c.Params("form"), in.IDs, in.Owner)
	if err != nil {
		return err
	}
	return c.JSON(s.bulkResult(c, "transfer", res))
}
