package engine_test

import (
	"context"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestSetupIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.Setup(ctx, engine.UserInput{Email: "boss@example.com", Name: "老板"}, engine.WorkspaceInput{Name: "x", TimeZone: "Mars/Base"})
	if got := fieldErrors(t, err); got["workspace.timeZone"] != "time_zone" {
		t.Fatalf("bad time zone: %v", got)
	}
	if n, _ := e.CountUsers(ctx); n != 0 {
		t.Fatalf("a failed setup left %d accounts", n)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "Boss@Example.com", Name: "老板"}, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(describe(err))
	}
	if u.Email != "boss@example.com" || ws.TimeZone != engine.DefaultTimeZone || ws.Language != "zh-CN" {
		t.Fatalf("setup: %+v %+v", u, ws)
	}
	m, err := e.Membership(ctx, ws.ID, u.ID)
	if err != nil || m.Role != engine.RoleAdmin {
		t.Fatalf("first user is not admin: %+v %v", m, err)
	}
}

func TestCreateMember(t *testing.T) {
	f := newFixture(t)
	if _, _, err := f.e.CreateMember(f.ctx, f.member, engine.UserInput{Email: "x@example.com", Name: "X"}, engine.RoleMember, nil); err == nil {
		t.Fatal("a member created an account")
	}
	u, m, err := f.e.CreateMember(f.ctx, f.admin, engine.UserInput{Email: "li@example.com", Name: "李四"}, engine.RoleMember, nil)
	if err != nil || m.UserID != u.ID || m.Workspace != f.admin.Workspace {
		t.Fatalf("create member: %+v %+v %v", u, m, err)
	}
	_, _, err = f.e.CreateMember(f.ctx, f.admin, engine.UserInput{Email: "LI@example.com", Name: "李四"}, engine.RoleMember, nil)
	if got := fieldErrors(t, err); got["email"] != "taken" {
		t.Fatalf("duplicate email: %v", got)
	}
	users, err := f.e.WorkspaceUsers(f.ctx, f.member)
	if err != nil || len(users) != 3 {
		t.Fatalf("workspace users: %d %v", len(users), err)
	}
	for _, wu := range users {
		if wu.User.Email == "" || wu.User.Name == "" || wu.Member.UserID != wu.User.ID {
			t.Fatalf("missing account details: %+v", wu)
		}
	}
	// Accounts follow the email field's rule.
	if _, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "boss@localhost", Name: "X"}); fieldErrors(t, err)["email"] != "email" {
		t.Fatalf("an address the email field refuses was accepted for an account: %v", err)
	}
}

func TestLastAdminStays(t *testing.T) {
	f := newFixture(t)
	admins := func() []engine.Member {
		var out []engine.Member
		ms, _ := f.e.Members(f.ctx, f.admin)
		for _, m := range ms {
			if m.Role == engine.RoleAdmin {
				out = append(out, m)
			}
		}
		return out
	}
	only := admins()[0]
	_, err := f.e.UpdateMember(f.ctx, f.admin, only.ID, engine.RoleMember, nil, only.Version)
	if got := fieldErrors(t, err); got["role"] != "last_admin" {
		t.Fatalf("demoting the last admin: %v", got)
	}
	if got := fieldErrors(t, f.e.RemoveMember(f.ctx, f.admin, only.ID)); got["role"] != "last_admin" {
		t.Fatalf("removing the last admin: %v", got)
	}
	// With a second admin, the first may step down.
	_, m2, err := f.e.CreateMember(f.ctx, f.admin, engine.UserInput{Email: "second@example.com", Name: "二号"}, engine.RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.UpdateMember(f.ctx, f.admin, only.ID, engine.RoleMember, nil, only.Version); err != nil {
		t.Fatalf("demotion with another admin left: %v", err)
	}
	if len(admins()) != 1 || admins()[0].ID != m2.ID {
		t.Fatalf("admins: %+v", admins())
	}
}
