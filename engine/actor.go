package engine

import "fmt"

// Source tells where a write came from; history records it.
type Source string

// Write sources.
const (
	SourceUI         Source = "ui"
	SourceAPI        Source = "api"
	SourceImport     Source = "import"
	SourceAutomation Source = "automation"
	SourceWorkflow   Source = "workflow"
	SourceWebhook    Source = "webhook"
	SourceSystem     Source = "system"
	// SourcePublic is a submission of a form's public link (no signed-in
	// user: the link's acting member writes it, engine/webhook publink.go).
	SourcePublic Source = "public"
)

// ValidSource reports whether s is a known source.
func ValidSource(s Source) bool {
	switch s {
	case SourceUI, SourceAPI, SourceImport, SourceAutomation, SourceWorkflow, SourceWebhook, SourceSystem, SourcePublic:
		return true
	}
	return false
}

// Role is a member's role in a workspace.
type Role string

// Workspace roles (the permissions issue refines them).
const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Actor is who performs an operation, in which workspace, from where.
// Every engine call takes one; every read and write is scoped to its workspace.
type Actor struct {
	UserID      string
	Name        string
	Email       string
	Workspace   string
	Role        Role
	Departments []string
	// Roles are the ids of the workspace roles the member holds;
	// AdminApps the ids of the apps the member administers.
	Roles     []string
	AdminApps []string
	Source    Source
}

func (a Actor) check() error {
	if a.Workspace == "" || a.UserID == "" {
		return fmt.Errorf("%w: no workspace or user", ErrForbidden)
	}
	if !ValidSource(a.Source) {
		return fmt.Errorf("%w: unknown write source %q", ErrInvalid, a.Source)
	}
	return nil
}

// ValidRole reports whether r is a workspace role (input validation only:
// what a role may do is decided by the Authorizer).
func ValidRole(r Role) bool { return r == RoleAdmin || r == RoleMember }
