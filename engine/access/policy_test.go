package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestDecide is the decision table of today's roles: an admin may do every
// known action, a member every record action and nothing else, and an
// unknown action or role is refused.
func TestDecide(t *testing.T) {
	p := access.New()
	ctx := context.Background()
	admin := engine.Actor{UserID: "u1", Workspace: "w1", Role: engine.RoleAdmin, Source: engine.SourceUI}
	member := engine.Actor{UserID: "u2", Workspace: "w1", Role: engine.RoleMember, Source: engine.SourceAPI}
	stranger := engine.Actor{UserID: "u3", Workspace: "w1", Role: "", Source: engine.SourceAPI}
	scenarios := []struct {
		actor engine.Actor
		act   engine.Action
		allow bool
	}{
		{admin, engine.ActWorkspaceManage, true},
		{admin, engine.ActMembersManage, true},
		{admin, engine.ActDepartmentsManage, true},
		{admin, engine.ActAppManage, true},
		{admin, engine.ActFormDesign, true},
		{admin, engine.ActJobsManage, true},
		{admin, engine.ActRecordView, true},
		{admin, engine.ActRecordExport, true},
		{member, engine.ActWorkspaceManage, false},
		{member, engine.ActMembersManage, false},
		{member, engine.ActDepartmentsManage, false},
		{member, engine.ActAppManage, false},
		{member, engine.ActFormDesign, false},
		{member, engine.ActJobsManage, false},
		{member, engine.ActRecordView, true},
		{member, engine.ActRecordCreate, true},
		{member, engine.ActRecordEdit, true},
		{member, engine.ActRecordDelete, true},
		{member, engine.ActRecordRestore, true},
		{member, engine.ActRecordImport, true},
		{member, engine.ActRecordExport, true},
		{member, engine.ActRecordHistory, true},
		{stranger, engine.ActRecordView, false},
		{admin, "record.teleport", false},
		{member, "record.teleport", false},
	}
	for _, s := range scenarios {
		d, err := p.Decide(ctx, nil, s.actor, s.act, engine.Resource{Workspace: "w1", Form: "f1"})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != s.allow {
			t.Errorf("%s %s: allowed=%v, want %v (%s)", s.actor.Role, s.act, d.Allowed, s.allow, d.Reason)
		}
		if d.Allowed && (d.Rows != nil || d.Mask != nil) {
			t.Errorf("%s %s: rows and fields must stay open until permission sets exist", s.actor.Role, s.act)
		}
		if !d.Allowed && d.Reason == "" {
			t.Errorf("%s %s: a refusal says why", s.actor.Role, s.act)
		}
	}
	if len(access.Actions()) != 18 {
		t.Errorf("Actions() = %d actions; update the table above when adding one", len(access.Actions()))
	}
}

// TestEngineFailsClosedWithoutAuthorizer: an engine nobody wired an
// authorizer into refuses, and says why; with the policy it works.
func TestEngineFailsClosedWithoutAuthorizer(t *testing.T) {
	ctx := context.Background()
	for _, wired := range []bool{false, true} {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		opts := engine.Options{}
		if wired {
			opts.Authorizer = access.New()
		}
		e, err := engine.New(ctx, st, opts)
		if err != nil {
			t.Fatal(err)
		}
		u, ws, err := e.Setup(ctx, engine.UserInput{Email: "a@example.com", Name: "A"}, engine.WorkspaceInput{Name: "W"})
		if err != nil {
			t.Fatal(err)
		}
		admin := engine.Actor{UserID: u.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
		_, err = e.CreateApp(ctx, admin, engine.AppInput{Name: "CRM"})
		switch {
		case wired && err != nil:
			t.Fatalf("with the policy: %v", err)
		case !wired && (!errors.Is(err, engine.ErrForbidden) || !strings.Contains(err.Error(), "no authorizer wired")):
			t.Fatalf("without an authorizer: %v", err)
		}
	}
}
