package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

func (s *Server) listWorkspaces(c *fiber.Ctx) error {
	list, err := s.workspacesOf(c, actor(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createWorkspace(c *fiber.Ctx) error {
	var in engine.WorkspaceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ws, err := s.e.CreateWorkspace(c.UserContext(), actor(c).UserID, in)
	if err != nil {
		return err
	}
	return created(c, ws)
}

// WorkspaceUpdate changes a workspace; Version is the one the caller read.
type WorkspaceUpdate struct {
	engine.WorkspaceInput
	Version int64 `json:"version"`
}

func (s *Server) updateWorkspace(c *fiber.Ctx) error {
	a := actor(c)
	if c.Params("id") != a.Workspace {
		// Only the current workspace can be changed; switch to it first.
		return engine.ErrNotFound
	}
	var in WorkspaceUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ws, err := s.e.UpdateWorkspace(c.UserContext(), a, in.WorkspaceInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(ws)
}

// WorkspaceUser is a member of the workspace with the account's details.
type WorkspaceUser struct {
	engine.User
	MemberID    string      `json:"memberId"`
	Role        engine.Role `json:"role"`
	Departments []string    `json:"departments"`
	// Roles are the workspace roles the member holds (ids); AdminApps the
	// apps they administer.
	Roles         []string `json:"roles"`
	AdminApps     []string `json:"adminApps"`
	MemberVersion int64    `json:"memberVersion"`
	// MemberDisabled: the member is switched off in this workspace.
	MemberDisabled bool `json:"memberDisabled"`
}

func workspaceUser(u engine.User, m engine.Member) WorkspaceUser {
	deps := m.Departments
	if deps == nil {
		deps = []string{}
	}
	roles, apps := m.Roles, m.AdminApps
	if roles == nil {
		roles = []string{}
	}
	if apps == nil {
		apps = []string{}
	}
	return WorkspaceUser{User: u, MemberID: m.ID, Role: m.Role, Departments: deps, Roles: roles, AdminApps: apps,
		MemberVersion: m.Version, MemberDisabled: m.Disabled}
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	list, err := s.e.WorkspaceUsers(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	out := make([]WorkspaceUser, len(list))
	for i, wu := range list {
		out[i] = workspaceUser(wu.User, wu.Member)
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) addUser(c *fiber.Ctx) error {
	var in auth.NewUser
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	out, err := s.auth.AddUser(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return created(c, out)
}

// Invitation is a pending invitation as its invitee sees it.
type Invitation struct {
	ID            string      `json:"id"`
	Workspace     string      `json:"workspace"`
	WorkspaceName string      `json:"workspaceName"`
	InviterName   string      `json:"inviterName"`
	Role          engine.Role `json:"role"`
	CreatedAt     time.Time   `json:"createdAt"`
}

func (s *Server) myInvitations(c *fiber.Ctx) error {
	list, err := s.e.MyInvitations(c.UserContext(), actor(c).UserID)
	if err != nil {
		return err
	}
	out := make([]Invitation, len(list))
	for i, inv := range list {
		out[i] = Invitation{ID: inv.ID, Workspace: inv.Workspace, WorkspaceName: inv.WorkspaceName, InviterName: inv.InviterName, Role: inv.Role, CreatedAt: inv.CreatedAt}
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	p, _ := principal(c)
	if _, err := s.e.RespondInvitation(c.UserContext(), p.Actor.UserID, c.Params("id"), true); err != nil {
		return err
	}
	s.auth.InvalidateUser(p.Actor.UserID)
	return s.me(c)
}

func (s *Server) declineInvitation(c *fiber.Ctx) error {
	if _, err := s.e.RespondInvitation(c.UserContext(), actor(c).UserID, c.Params("id"), false); err != nil {
		return err
	}
	return noContent(c)
}

// member finds the membership of the user in the path within the actor's workspace.
func (s *Server) member(c *fiber.Ctx) (engine.User, engine.Member, error) {
	a := actor(c)
	if a.Workspace == "" {
		return engine.User{}, engine.Member{}, engine.ErrForbidden
	}
	m, err := s.e.Membership(c.UserContext(), a.Workspace, c.Params("id"))
	if err != nil {
		return engine.User{}, engine.Member{}, err
	}
	u, err := s.e.User(c.UserContext(), m.UserID)
	return u, m, err
}

func (s *Server) getUser(c *fiber.Ctx) error {
	u, m, err := s.member(c)
	if err != nil {
		return err
	}
	return c.JSON(workspaceUser(u, m))
}

// MemberUpdate changes a member: the membership (role, departments;
// Version is the membership version the caller read, memberVersion) and
// the account (name, disabled; UserVersion is the account version read,
// 0 for unconditional). Omitted properties stay as they are, except that
// departments are cleared when role is given without them. Disabling is
// account-wide: see engine.MemberAccountUpdate.
type MemberUpdate struct {
	Role        *engine.Role `json:"role"`
	Departments *[]string    `json:"departments"`
	Version     int64        `json:"version"`
	Name        *string      `json:"name"`
	Disabled    *bool        `json:"disabled"`
	// MemberDisabled keeps the member out of this workspace only.
	MemberDisabled *bool `json:"memberDisabled"`
	UserVersion    int64 `json:"userVersion"`
}

func (s *Server) updateUser(c *fiber.Ctx) error {
	var in MemberUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, m, err := s.auth.UpdateMember(c.UserContext(), actor(c), c.Params("id"), engine.MemberAccountUpdate{
		Role: in.Role, Departments: in.Departments, Version: in.Version, Name: in.Name, Disabled: in.Disabled, MemberDisabled: in.MemberDisabled, UserVersion: in.UserVersion})
	if err != nil {
		return err
	}
	return c.JSON(workspaceUser(u, m))
}

// PasswordReset is a new password an admin sets for a member.
type PasswordReset struct {
	Password string `json:"password"`
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	var in PasswordReset
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Password == "" {
		return &apiError{status: fiber.StatusUnprocessableEntity, code: "invalid", fields: []field.Error{{Path: "password", Code: "required"}}}
	}
	if err := s.auth.ResetPassword(c.UserContext(), actor(c), c.Params("id"), in.Password); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) removeUser(c *fiber.Ctx) error {
	u, m, err := s.member(c)
	if err != nil {
		return err
	}
	if err := s.e.RemoveMember(c.UserContext(), actor(c), m.ID); err != nil {
		return err
	}
	s.auth.InvalidateUser(u.ID)
	return noContent(c)
}

// DepartmentInput creates a department.
type DepartmentInput struct {
	Name   string `json:"name"`
	Parent string `json:"parent"`
}

// DepartmentUpdate renames or moves a department.
type DepartmentUpdate struct {
	DepartmentInput
	Version int64 `json:"version"`
}

func (s *Server) listDepartments(c *fiber.Ctx) error {
	list, err := s.e.Departments(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createDepartment(c *fiber.Ctx) error {
	var in DepartmentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.e.CreateDepartment(c.UserContext(), actor(c), in.Name, in.Parent)
	if err != nil {
		return err
	}
	return created(c, d)
}

func (s *Server) updateDepartment(c *fiber.Ctx) error {
	var in DepartmentUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.e.UpdateDepartment(c.UserContext(), actor(c), c.Params("id"), in.Name, in.Parent, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// DepartmentHeads replaces a department's heads.
type DepartmentHeads struct {
	Heads   []string `json:"heads"`
	Version int64    `json:"version"`
}

func (s *Server) setDepartmentHeads(c *fiber.Ctx) error {
	var in DepartmentHeads
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.e.SetDepartmentHeads(c.UserContext(), actor(c), c.Params("id"), in.Heads, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) deleteDepartment(c *fiber.Ctx) error {
	if err := s.e.DeleteDepartment(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}
