package builder_test

import (
	"context"
	"errors"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestCheckExpressionIn(t *testing.T) {
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
	b := builder.New(e)
	actorIn := func(email, wsName string) engine.Actor {
		u, err := e.CreateUser(ctx, engine.UserInput{Email: email, Name: "管理员"})
		if err != nil {
			t.Fatal(err)
		}
		ws, err := e.CreateWorkspace(ctx, u.ID, engine.WorkspaceInput{Name: wsName})
		if err != nil {
			t.Fatal(err)
		}
		return engine.Actor{UserID: u.ID, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	}
	admin := actorIn("a@example.com", "甲")
	other := actorIn("b@example.com", "乙")
	app, err := e.CreateApp(ctx, admin, engine.AppInput{Name: "CRM"})
	if err != nil {
		t.Fatal(err)
	}
	saved := form.Definition{Fields: []form.Field{{Key: "amount", Type: "number", Label: "金额"}}}
	fm, err := e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "商机", Definition: saved})
	if err != nil {
		t.Fatal(err)
	}
	unsaved := form.Definition{Fields: []form.Field{
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "text", Label: "阶段"},
		{Key: "", Type: "text", Label: "no key yet"},
	}}
	scenarios := []struct {
		name     string
		actor    engine.Actor
		src      string
		def      *form.Definition
		wantType string
		wantDiag bool
		wantErr  error
	}{
		{"field only in the unsaved design", admin, `stage == "won"`, &unsaved, "boolean", false, nil},
		{"same expression against the stored draft", admin, `stage == "won"`, nil, "", true, nil},
		{"stored draft without a definition", admin, `amount * 2`, nil, "number", false, nil},
		{"type error in the unsaved design", admin, `stage * 2`, &unsaved, "", true, nil},
		{"empty design knows no fields", admin, `amount > 1`, &form.Definition{}, "", true, nil},
		{"form of another workspace", other, `1 + 1`, &unsaved, "", false, engine.ErrNotFound},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			res, err := b.CheckExpressionIn(ctx, s.actor, fm.ID, s.src, s.def)
			if s.wantErr != nil {
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("err = %v, want %v", err, s.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.wantDiag != (len(res.Diagnostics) > 0) {
				t.Fatalf("diagnostics = %+v", res.Diagnostics)
			}
			if s.wantType != "" && res.Type != s.wantType {
				t.Fatalf("type = %q, want %q", res.Type, s.wantType)
			}
			for _, d := range res.Diagnostics {
				if d.Line < 1 || d.Column < 1 {
					t.Fatalf("diagnostic without a position: %+v", d)
				}
			}
		})
	}
}
