package builder_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

func TestCheckExpressionIn(t *testing.T) {
	ctx, e, b, admin, app := newCheckEnv(t)
	other := adminIn(t, e, "b@example.com", "乙")
	saved := form.Definition{Fields: []form.Field{{Key: "amount", Type: "number", Label: "金额"}}}
	fm, err := e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "商机", Definition: saved})
	if err != nil {
		t.Fatal(err)
	}
	unsaved := form.Definition{Fields: []form.Field{
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "text", Label: "阶段"},
		{Key: "", Type: "text", Label: "no key yet"},
		{Key: "phase", Type: "select", Label: "阶段", Options: []form.Option{{Value: "option_1", Label: "线索"}, {Value: "option_5", Label: "赢单"}}},
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
		{"select compared with its option value", admin, `IF(phase == "option_5", 1, 0)`, &unsaved, "number", false, nil},
		{"select compared with a label", admin, `IF(phase == "赢单", 1, 0)`, &unsaved, "", true, nil},
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

// TestCheckRefusesSelectLabels: the editor's verdict names the option whose
// label was written and the comparison to write, in the user's language.
func TestCheckRefusesSelectLabels(t *testing.T) {
	ctx, e, b, admin, app := newCheckEnv(t)
	def := form.Definition{Fields: []form.Field{
		{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{{Value: "option_1", Label: "线索"}, {Value: "option_5", Label: "赢单"}}},
		{Key: "tags", Type: "multiselect", Label: "标签", Options: []form.Option{{Value: "vip", Label: "重要"}}},
	}}
	fm, err := e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		src, key, zh, en string
	}{
		{`IF(stage == "赢单", 1, 0)`, expr.KeyOptionLabel, `“赢单”是字段“stage”中选项 option_5 的显示名，比较时请写选项值：stage == "option_5"`, `“赢单” is the label of option option_5 of the field “stage”; compare with the option value: stage == "option_5"`},
		{`stage == "won"`, expr.KeyNotOption, `“won”不是字段“stage”的选项值（可选："option_1"、"option_5"）`, `“won” is not an option value of the field “stage” (options: "option_1", "option_5")`},
		{`CONTAINS(tags, "重要")`, expr.KeyOptionLabel, `CONTAINS(tags, "vip")`, `CONTAINS(tags, "vip")`},
	}
	for _, s := range scenarios {
		res, err := b.CheckExpressionIn(ctx, admin, fm.ID, s.src, nil)
		if err != nil || len(res.Diagnostics) != 1 {
			t.Fatalf("%s: %+v %v", s.src, res, err)
		}
		if d := res.Diagnostics[0]; d.Key != s.key {
			t.Fatalf("%s: key %s", s.src, d.Key)
		}
		zh, en := res.Localize("zh-CN").Diagnostics[0].Message, res.Localize("en").Diagnostics[0].Message
		if !strings.Contains(zh, s.zh) || !strings.Contains(en, s.en) {
			t.Errorf("%s:\n zh %q\n en %q", s.src, zh, en)
		}
	}
}

// TestPublishAgreesWithTheCheck: publishing compiles every expression again
// with the same environment, so what the editor accepted publishes and what
// it refused is refused with the same message key.
func TestPublishAgreesWithTheCheck(t *testing.T) {
	ctx, e, b, admin, app := newCheckEnv(t)
	base := []form.Field{
		{Key: "amount", Type: "money", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{{Value: "won", Label: "赢单"}}},
		{Key: "address", Type: "address", Label: "地址"},
	}
	for _, src := range []string{
		`amount * 2`, `IF(stage == "won", amount, 0)`, `IF(stage == "赢单", amount, 0)`, `address.city`,
		`amount +`, `winrate * 2`, `amount.amount`, `stage * 2`, `CONCATENATE(address)`,
	} {
		def := form.Definition{Fields: append(append([]form.Field(nil), base...),
			form.Field{Key: "calc", Type: "formula", Label: "计算", Expression: src})}
		fm, err := e.CreateForm(ctx, admin, app.ID, engine.FormInput{Name: "f", Definition: def})
		if err != nil {
			t.Fatal(err)
		}
		res, err := b.CheckExpressionIn(ctx, admin, fm.ID, src, &def)
		if err != nil {
			t.Fatal(err)
		}
		_, _, perr := b.Publish(ctx, admin, fm.ID, fm.Version)
		if len(res.Diagnostics) == 0 {
			if perr != nil {
				t.Errorf("%s: the check accepted it, publishing refused: %v", src, perr)
			}
			continue
		}
		var ve *engine.ValidationError
		if !errors.As(perr, &ve) {
			t.Errorf("%s: the check refused it (%s), publishing gave %v", src, res.Diagnostics[0].Message, perr)
			continue
		}
		if ve.Fields[0].Code != res.Diagnostics[0].Key || ve.Fields[0].Path != "fields[3].expression" {
			t.Errorf("%s: publish %s at %s, check %s", src, ve.Fields[0].Code, ve.Fields[0].Path, res.Diagnostics[0].Key)
		}
		if got, want := ve.Fields[0].Message("zh-CN"), res.Localize("zh-CN").Diagnostics[0].Message; got != want {
			t.Errorf("%s: publish says %q, the editor said %q", src, got, want)
		}
	}
}

// newCheckEnv is an engine on a fresh SQLite store with a builder, the admin
// of workspace 甲 and an app of it.
func newCheckEnv(t *testing.T) (context.Context, *engine.Engine, *builder.Service, engine.Actor, engine.App) {
	t.Helper()
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
	admin := adminIn(t, e, "a@example.com", "甲")
	app, err := e.CreateApp(ctx, admin, engine.AppInput{Name: "CRM"})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, e, builder.New(e), admin, app
}

// adminIn creates an account and a workspace it administers.
func adminIn(t *testing.T, e *engine.Engine, email, wsName string) engine.Actor {
	t.Helper()
	ctx := context.Background()
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
