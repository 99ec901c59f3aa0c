package auth

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestActorCarriesAccess: the actor of a credential carries the member's
// roles and administered apps, and a change of them reaches the next
// request once the member's cached credentials are dropped (the server
// does so after every change of access), however long the cache lives.
func TestActorCarriesAccess(t *testing.T) {
	ctx := context.Background()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, e, st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), CacheTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := HashPassword("admin-password")
	au, ws, err := e.Setup(ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员", PasswordHash: hash}, engine.WorkspaceInput{Name: "示例"})
	if err != nil {
		t.Fatal(err)
	}
	admin := engine.Actor{UserID: au.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	if _, err := s.AddUser(ctx, admin, NewUser{Email: "li@example.com", Name: "李四", Password: "first-password"}); err != nil {
		t.Fatal(err)
	}
	g, err := s.Login(ctx, LoginInput{Email: "li@example.com", Password: "first-password", IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	actorOf := func() engine.Actor {
		t.Helper()
		p, err := s.Authenticate(ctx, g.Token)
		if err != nil {
			t.Fatal(err)
		}
		return p.Actor
	}
	a := actorOf()
	if len(a.Roles) != 0 || len(a.AdminApps) != 0 {
		t.Fatalf("a new member has access: %+v", a)
	}
	role, err := e.CreateRole(ctx, admin, "销售", "")
	if err != nil {
		t.Fatal(err)
	}
	app, err := e.CreateApp(ctx, admin, engine.AppInput{Name: "CRM"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.Membership(ctx, ws.ID, a.UserID)
	if err != nil {
		t.Fatal(err)
	}
	m, err = e.SetMemberAccess(ctx, admin, m.ID, []string{role.ID}, []string{app.ID}, m.Version)
	if err != nil {
		t.Fatal(err)
	}
	if a := actorOf(); len(a.Roles) != 0 {
		t.Fatalf("the cache was expected to hold the old actor: %+v", a)
	}
	s.InvalidateUser(a.UserID)
	a = actorOf()
	if !slices.Equal(a.Roles, []string{role.ID}) || !slices.Equal(a.AdminApps, []string{app.ID}) {
		t.Fatalf("actor after the change: roles %v, apps %v", a.Roles, a.AdminApps)
	}
	if _, err := e.SetMemberAccess(ctx, admin, m.ID, nil, nil, m.Version); err != nil {
		t.Fatal(err)
	}
	s.InvalidateWorkspace(ws.ID)
	if a := actorOf(); len(a.Roles) != 0 || len(a.AdminApps) != 0 {
		t.Fatalf("access taken away, actor still has it: %+v", a)
	}
}
