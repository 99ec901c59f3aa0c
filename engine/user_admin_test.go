package engine_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
)

func TestUpdateMemberAccount(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := f.ctx
		name, yes, no := "李四", true, false
		admin := engine.RoleAdmin

		u, m, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Name: &name, Disabled: &yes})
		if err != nil {
			t.Fatal(describe(err))
		}
		if u.Name != "李四" || !u.Disabled || m.Role != engine.RoleMember {
			t.Fatalf("after disable: %+v %+v", u, m)
		}
		stored, _ := f.e.User(ctx, f.member.UserID)
		if !stored.Disabled || stored.Name != "李四" {
			t.Fatalf("stored: %+v", stored)
		}
		// Role and account in one call; a stale account version changes nothing.
		if _, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{
			Role: &admin, Version: m.Version, Disabled: &no, UserVersion: u.Version - 1}); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale user version: %v", err)
		}
		again, _ := f.e.Membership(ctx, f.admin.Workspace, f.member.UserID)
		if f.e.Store().Capabilities().Transactions && again.Role != engine.RoleMember {
			t.Fatalf("membership changed by a failed unit: %+v", again)
		}
		u, m, err = f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Role: &admin, Version: again.Version, Disabled: &no, UserVersion: u.Version})
		if err != nil || u.Disabled || m.Role != engine.RoleAdmin {
			t.Fatalf("enable and promote: %+v %+v %v", u, m, describe(err))
		}

		u, err = f.e.ResetMemberPassword(ctx, f.admin, f.member.UserID, "$argon2id$new")
		if err != nil || u.PasswordHash != "$argon2id$new" || u.Name != "李四" {
			t.Fatalf("reset: %+v %v", u, err)
		}

		other, otherMember := f.newWorkspace(t, "另一家公司")
		empty := ""
		scenarios := []struct {
			name  string
			run   func() error
			want  error
			field string
		}{
			{"member is not admin", func() error {
				_, _, err := f.e.UpdateMemberAccount(ctx, otherMember, other.UserID, engine.MemberAccountUpdate{Disabled: &yes})
				return err
			}, engine.ErrForbidden, ""},
			{"user of another workspace", func() error {
				_, _, err := f.e.UpdateMemberAccount(ctx, f.admin, otherMember.UserID, engine.MemberAccountUpdate{Disabled: &yes})
				return err
			}, engine.ErrNotFound, ""},
			{"password of a user of another workspace", func() error {
				_, err := f.e.ResetMemberPassword(ctx, f.admin, otherMember.UserID, "$h")
				return err
			}, engine.ErrNotFound, ""},
			{"bad id", func() error {
				_, err := f.e.ResetMemberPassword(ctx, f.admin, "../x", "$h")
				return err
			}, engine.ErrNotFound, ""},
			{"disable oneself", func() error {
				_, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.admin.UserID, engine.MemberAccountUpdate{Disabled: &yes})
				return err
			}, engine.ErrInvalid, "disabled"},
			{"empty name", func() error {
				_, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Name: &empty})
				return err
			}, engine.ErrInvalid, "name"},
			{"empty hash", func() error {
				_, err := f.e.ResetMemberPassword(ctx, f.admin, f.member.UserID, "")
				return err
			}, engine.ErrInvalid, "password"},
		}
		for _, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				err := s.run()
				if !errors.Is(err, s.want) {
					t.Fatalf("err = %v, want %v", err, s.want)
				}
				if s.field != "" {
					if _, ok := fieldErrors(t, err)[s.field]; !ok {
						t.Fatalf("no error on %s: %v", s.field, describe(err))
					}
				}
			})
		}

		// A user who also belongs to a workspace the admin does not
		// administer: membership changes work, account changes do not.
		if _, err := f.e.AddMember(ctx, other, f.member.UserID, engine.RoleMember, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Disabled: &yes}); fieldErrors(t, err)["disabled"] != "account_shared" {
			t.Fatalf("shared account disabled: %v", describe(err))
		}
		if _, err := f.e.ResetMemberPassword(ctx, f.admin, f.member.UserID, "$h"); fieldErrors(t, err)["password"] != "account_shared" {
			t.Fatalf("shared account password: %v", describe(err))
		}
		member := engine.RoleMember
		if _, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Role: &member}); err != nil {
			t.Fatalf("role of a shared account: %v", describe(err))
		}
		// Once the admin also administers the other workspace, they may.
		if _, err := f.e.AddMember(ctx, other, f.admin.UserID, engine.RoleAdmin, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.e.UpdateMemberAccount(ctx, f.admin, f.member.UserID, engine.MemberAccountUpdate{Disabled: &yes}); err != nil {
			t.Fatalf("admin of both workspaces: %v", describe(err))
		}
	})
}
