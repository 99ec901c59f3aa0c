package auth

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// TestSetupReportsEveryProblem: a first-run setup with several bad fields
// names all of them in one answer and creates nothing.
func TestSetupReportsEveryProblem(t *testing.T) {
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
	tok := s.NewSetupToken()
	_, _, err = s.Setup(ctx, SetupInput{Token: tok, Email: "not-an-email", Name: " ", Password: "short",
		Workspace: engine.WorkspaceInput{Name: "T", TimeZone: "Mars/Base"}}, "test")
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	got := map[string]string{}
	for _, fe := range ve.Fields {
		got[fe.Path] = fe.Code
	}
	want := map[string]string{"email": "email", "name": "required", "password": "min_length", "workspace.timeZone": "time_zone"}
	for path, code := range want {
		if got[path] != code {
			t.Errorf("%s: want %s, got %q (all: %v)", path, code, got[path], got)
		}
	}
	if need, _ := s.NeedsSetup(ctx); !need {
		t.Fatal("a refused setup created an account")
	}
	// The token still works for a corrected attempt.
	if _, ws, err := s.Setup(ctx, SetupInput{Token: tok, Email: "boss@example.com", Name: "老板", Password: "a long password",
		Workspace: engine.WorkspaceInput{Name: "示例公司"}}, "test"); err != nil || ws.Name != "示例公司" {
		t.Fatalf("corrected setup: %v", err)
	}
}

func TestCheckPasswordSaysWhich(t *testing.T) {
	var pe *PasswordError
	if err := CheckPassword("short"); !errors.As(err, &pe) || pe.Field.Code != "min_length" || !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("short: %v", err)
	}
	if err := CheckPassword(strings.Repeat("x", MaxPasswordLength+1)); !errors.As(err, &pe) || pe.Field.Code != "max_length" {
		t.Fatalf("too long: %v", err)
	}
	if err := CheckPassword("a long password"); err != nil {
		t.Fatalf("good password: %v", err)
	}
}
