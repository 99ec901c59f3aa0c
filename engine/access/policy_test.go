package access_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestDecide is the decision table of workspace roles on a form nobody
// configured: an admin may do every known action, a member every record
// action (the default set) and nothing that designs or manages, and an
// unknown action or role is refused.
func TestDecide(t *testing.T) {
	ev := newSQLiteEnv(t)
	formID := ev.publish(ev.app(), dealForm)
	admin := ev.admin
	member := ev.member("张三")
	stranger := member
	stranger.Role = ""
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
		{admin, engine.ActRolesManage, true},
		{admin, engine.ActPermissionsManage, true},
		{admin, engine.ActRecordView, true},
		{admin, engine.ActRecordExport, true},
		{member, engine.ActWorkspaceManage, false},
		{member, engine.ActMembersManage, false},
		{member, engine.ActDepartmentsManage, false},
		{member, engine.ActAppManage, false},
		{member, engine.ActFormDesign, false},
		{member, engine.ActJobsManage, false},
		{member, engine.ActRolesManage, false},
		{member, engine.ActPermissionsManage, false},
		{stranger, engine.ActRecordView, false},
		{admin, "record.teleport", false},
		{member, "record.teleport", false},
	}
	for _, act := range engine.RecordActions {
		scenarios = append(scenarios, struct {
			actor engine.Actor
			act   engine.Action
			allow bool
		}{member, act, true})
	}
	for _, s := range scenarios {
		d, err := ev.p.Decide(ev.ctx, ev.e, s.actor, s.act, engine.Resource{Workspace: ev.ws, Form: formID})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != s.allow {
			t.Errorf("%q %s: allowed=%v, want %v (%s)", s.actor.Role, s.act, d.Allowed, s.allow, d.Reason)
		}
		if d.Allowed && (d.Rows != nil || d.Mask != nil) {
			t.Errorf("%s %s: the default set narrows neither rows nor fields", s.actor.Role, s.act)
		}
		if !d.Allowed && d.Reason == "" {
			t.Errorf("%s %s: a refusal says why", s.actor.Role, s.act)
		}
	}
	// A workspace admin needs no facts at all.
	if d, err := ev.p.Decide(ev.ctx, nil, admin, engine.ActRecordEdit, engine.Resource{Workspace: ev.ws, Form: "f1"}); err != nil || !d.Allowed {
		t.Errorf("admin without facts: %+v, %v", d, err)
	}
	// A record action names its form.
	if d := ev.decide(member, engine.ActRecordView, engine.Resource{}); d.Allowed {
		t.Error("a record action without a form is refused")
	}
	if len(access.Actions()) != 19 {
		t.Errorf("Actions() = %d actions; update the table above when adding one", len(access.Actions()))
	}
	for _, act := range access.Actions() {
		if access.MemberMay(act) != slices.Contains(engine.RecordActions, act) {
			t.Errorf("MemberMay(%s) = %v", act, access.MemberMay(act))
		}
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
