package access

import (
	"context"

	"github.com/formloom/formloom/engine"
)

// Policy is the product's engine.Authorizer. The zero value is usable and
// safe for concurrent use.
type Policy struct{}

// New returns the policy to wire into engine.Options.Authorizer.
func New() *Policy { return &Policy{} }

// memberActions are the actions every member of a workspace may take.
var memberActions = map[engine.Action]bool{
	engine.ActRecordView:     true,
	engine.ActRecordCreate:   true,
	engine.ActRecordEdit:     true,
	engine.ActRecordDelete:   true,
	engine.ActRecordRestore:  true,
	engine.ActRecordImport:   true,
	engine.ActRecordExport:   true,
	engine.ActRecordHistory:  true,
	engine.ActRecordBulkEdit: true,
	engine.ActRecordTransfer: true,
}

// adminActions are the actions only a workspace admin may take.
var adminActions = map[engine.Action]bool{
	engine.ActWorkspaceManage:   true,
	engine.ActMembersManage:     true,
	engine.ActDepartmentsManage: true,
	engine.ActAppManage:         true,
	engine.ActFormDesign:        true,
	engine.ActJobsManage:        true,
	engine.ActRolesManage:       true,
	engine.ActPermissionsManage: true,
}

// Decide answers whether a may take act on r. The engine has already
// checked that a acts in r's workspace. Rows and Fields stay nil (every
// row, every field) until permission sets exist.
func (p *Policy) Decide(_ context.Context, _ engine.Facts, a engine.Actor, act engine.Action, _ engine.Resource) (engine.Decision, error) {
	known := memberActions[act] || adminActions[act]
	switch {
	case !known:
		return engine.Decision{Reason: "unknown action " + string(act)}, nil
	case a.Role == engine.RoleAdmin:
		return engine.Decision{Allowed: true}, nil
	case a.Role == engine.RoleMember && memberActions[act]:
		return engine.Decision{Allowed: true}, nil
	}
	return engine.Decision{Reason: "admin role required for " + string(act)}, nil
}

// Actions lists every action the policy knows, for tests and documents.
func Actions() []engine.Action {
	out := make([]engine.Action, 0, len(memberActions)+len(adminActions))
	for a := range memberActions {
		out = append(out, a)
	}
	for a := range adminActions {
		out = append(out, a)
	}
	return out
}

// MemberMay reports whether a plain member may take act (for the UI's
// "what can I do" answers and for tests).
func MemberMay(act engine.Action) bool { return memberActions[act] }
