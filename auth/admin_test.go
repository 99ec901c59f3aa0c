package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestMemberAdmin(t *testing.T) {
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
	s, err := New(ctx, e, st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	mu, err := e.UserByEmail(ctx, "li@example.com")
	if err != nil {
		t.Fatal(err)
	}
	login := func(pw string) (SessionGrant, error) {
		return s.Login(ctx, LoginInput{Email: "li@example.com", Password: pw, IP: "192.0.2.1"})
	}
	g, err := login("first-password")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.Authenticate(ctx, g.Token)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := s.CreateToken(ctx, sp.Actor, TokenInput{Name: "ERP"})
	if err != nil {
		t.Fatal(err)
	}
	works := func(cred string) bool { _, err := s.Authenticate(ctx, cred); return err == nil }

	yes, no := true, false
	if _, _, err := s.UpdateMember(ctx, admin, mu.ID, engine.MemberAccountUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if works(g.Token) || works(tok) {
		t.Fatal("a disabled user's session or token still works")
	}
	if _, err := login("first-password"); !errors.Is(err, ErrLoginFailed) {
		t.Fatalf("a disabled user logs in: %v", err)
	}
	if _, _, err := s.UpdateMember(ctx, admin, mu.ID, engine.MemberAccountUpdate{Disabled: &no}); err != nil {
		t.Fatal(err)
	}
	if works(g.Token) || !works(tok) {
		t.Fatal("after enabling: the ended session must stay ended and the token work again")
	}

	g, err = login("first-password")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(ctx, admin, mu.ID, "short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("weak password: %v", err)
	}
	member := sp.Actor
	member.Source = engine.SourceUI
	if err := s.ResetPassword(ctx, member, au.ID, "a-new-password"); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("a member resets a password: %v", err)
	}
	if err := s.ResetPassword(ctx, admin, mu.ID, "second-password"); err != nil {
		t.Fatal(err)
	}
	if works(g.Token) {
		t.Fatal("a session survived the password reset")
	}
	if _, err := login("first-password"); !errors.Is(err, ErrLoginFailed) {
		t.Fatalf("old password: %v", err)
	}
	if _, err := login("second-password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
}
