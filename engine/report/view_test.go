package report_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

type env struct {
	ctx    context.Context
	e      *engine.Engine
	v      *report.Views
	admin  engine.Actor
	rep    engine.Actor
	other  engine.Actor
	form   string
	roleID string
}

var deals = form.Definition{Fields: []form.Field{
	{Key: "title", Type: "text", Label: "标题"},
	{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{{Value: "new", Label: "新"}, {Value: "won", Label: "赢单"}}},
	{Key: "amount", Type: "number", Label: "金额"},
	{Key: "secret", Type: "number", Label: "底价"},
	{Key: "close", Type: "date", Label: "成交日期"},
}}

func newEnv(t *testing.T, st store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(access.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "admin@example.com", Name: "管理员"}, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	ev := &env{ctx: ctx, e: e, admin: engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}}
	if ev.v, err = report.NewViews(ctx, e); err != nil {
		t.Fatal(err)
	}
	role, err := e.CreateRole(ctx, ev.admin, "销售", "")
	if err != nil {
		t.Fatal(err)
	}
	ev.roleID = role.ID
	member := func(email string, roles []string) engine.Actor {
		usr, err := e.CreateUser(ctx, engine.UserInput{Email: email, Name: email})
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.AddMember(ctx, ev.admin, usr.ID, engine.RoleMember, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SetMemberAccess(ctx, ev.admin, m.ID, roles, nil, m.Version); err != nil {
			t.Fatal(err)
		}
		return engine.Actor{UserID: usr.ID, Workspace: ws.ID, Role: engine.RoleMember, Roles: roles, Source: engine.SourceUI}
	}
	ev.rep = member("rep@example.com", []string{role.ID})
	ev.other = member("other@example.com", nil)
	app, err := e.CreateApp(ctx, ev.admin, engine.AppInput{Name: "销售管理"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.CreateForm(ctx, ev.admin, app.ID, engine.FormInput{Name: "商机", Definition: deals})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PublishVersion(ctx, ev.admin, f.ID, f.Version, deals, nil, nil); err != nil {
		t.Fatal(err)
	}
	ev.form = f.ID
	// Everyone manages all data, but the secret field is hidden from the role.
	set, _ := engine.PresetSet(engine.PresetManageAll)
	set.Name = "销售"
	set.Grants = []engine.Grant{{Kind: engine.GrantEveryone}}
	set.Fields = map[string]engine.FieldAccess{"secret": engine.FieldHidden}
	fp, err := e.FormPermissions(ctx, ev.admin, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	set.ID = fp.Sets[0].ID
	if _, _, err := e.SavePermissionSet(ctx, ev.admin, f.ID, set, fp.Version); err != nil {
		t.Fatal(err)
	}
	return ev
}

func eachBackend(t *testing.T, fn func(t *testing.T, ev *env)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newEnv(t, st))
	})
	t.Run("mongo", func(t *testing.T) {
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newEnv(t, st))
	})
}

func paths(err error) map[string]string {
	var ve *engine.ValidationError
	out := map[string]string{}
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			out[f.Path] = f.Code
		}
	}
	return out
}

func TestViews(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		won := store.Where("stage", store.OpEq, "won")
		shared, err := ev.v.Create(ev.ctx, ev.admin, report.View{Form: ev.form, Name: " 赢单看板 ", Shared: true, DefaultFor: []string{ev.roleID},
			Config: report.ViewConfig{Layout: report.LayoutKanban, Filter: &won, Sort: []store.SortKey{{Field: "amount", Desc: true}},
				Kanban: &report.KanbanConfig{Field: "stage", SumField: "amount", CardFields: []string{"title"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if shared.Name != "赢单看板" || shared.Config.Filter == nil || shared.Config.Filter.Value != "won" {
			t.Fatalf("shared view = %+v", shared)
		}
		mine, err := ev.v.Create(ev.ctx, ev.rep, report.View{Form: ev.form, Name: "我的大单",
			Config: report.ViewConfig{Columns: []report.Column{{Key: "title", Width: 240}, {Key: "amount"}, {Key: "_owner"}}, GroupBy: "stage"}})
		if err != nil {
			t.Fatal(err)
		}
		if mine.Config.Layout != report.LayoutTable || mine.Config.Columns[0].Width != 240 {
			t.Fatalf("personal view = %+v", mine)
		}
		// The rep sees the shared view first, then their own; the shared one is their role's default.
		list, def, err := ev.v.List(ev.ctx, ev.rep, ev.form)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != shared.ID || list[1].ID != mine.ID || def != shared.ID {
			t.Fatalf("rep's views = %+v, default %q", list, def)
		}
		// Another member sees only the shared view, has no default, and cannot open the rep's.
		list, def, err = ev.v.List(ev.ctx, ev.other, ev.form)
		if err != nil || len(list) != 1 || def != "" {
			t.Fatalf("other's views = %+v, %q, %v", list, def, err)
		}
		if _, err := ev.v.Get(ev.ctx, ev.other, mine.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("other opens the rep's view: %v", err)
		}
		// Members cannot share, change or delete shared views.
		if _, err := ev.v.Create(ev.ctx, ev.rep, report.View{Form: ev.form, Name: "x", Shared: true}); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a member shared a view: %v", err)
		}
		if err := ev.v.Delete(ev.ctx, ev.rep, shared.ID); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("a member deleted a shared view: %v", err)
		}
		if err := ev.v.Delete(ev.ctx, ev.other, mine.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("another member deleted the rep's view: %v", err)
		}
		// Update at the version read; a stale version conflicts.
		mine.Name = "大单"
		upd, err := ev.v.Update(ev.ctx, ev.rep, mine.ID, mine, mine.Version)
		if err != nil || upd.Name != "大单" {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		if _, err := ev.v.Update(ev.ctx, ev.rep, mine.ID, mine, mine.Version); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if err := ev.v.Delete(ev.ctx, ev.rep, mine.ID); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := ev.v.List(ev.ctx, ev.rep, ev.form); len(list) != 1 {
			t.Fatalf("after delete: %+v", list)
		}
	})
}

func TestViewValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		secret := store.Where("secret", store.OpGt, 1)
		scenarios := []struct {
			name string
			who  engine.Actor
			cfg  report.ViewConfig
			view string
			want string
		}{
			{"empty name", ev.admin, report.ViewConfig{}, "", "name"},
			{"unknown layout", ev.admin, report.ViewConfig{Layout: "gantt"}, "v", "config.layout"},
			{"unknown column", ev.admin, report.ViewConfig{Columns: []report.Column{{Key: "nope"}}}, "v", "config.columns[0].key"},
			{"duplicate column", ev.admin, report.ViewConfig{Columns: []report.Column{{Key: "title"}, {Key: "title"}}}, "v", "config.columns[1].key"},
			{"too wide", ev.admin, report.ViewConfig{Columns: []report.Column{{Key: "title", Width: 9999}}}, "v", "config.columns[0].width"},
			{"hidden column", ev.rep, report.ViewConfig{Columns: []report.Column{{Key: "secret"}}}, "v", "config.columns[0].key"},
			{"hidden filter", ev.rep, report.ViewConfig{Filter: &secret}, "v", "config.filter.field"},
			{"kanban on text", ev.admin, report.ViewConfig{Layout: report.LayoutKanban, Kanban: &report.KanbanConfig{Field: "title"}}, "v", "config.kanban.field"},
			{"kanban without field", ev.admin, report.ViewConfig{Layout: report.LayoutKanban}, "v", "config.kanban.field"},
			{"kanban sum of text", ev.admin, report.ViewConfig{Layout: report.LayoutKanban, Kanban: &report.KanbanConfig{Field: "stage", SumField: "title"}}, "v", "config.kanban.sumField"},
			{"calendar on number", ev.admin, report.ViewConfig{Layout: report.LayoutCalendar, Calendar: &report.CalendarConfig{Field: "amount"}}, "v", "config.calendar.field"},
			{"sort unknown", ev.admin, report.ViewConfig{Sort: []store.SortKey{{Field: "nope"}}}, "v", "config.sort[0]"},
			{"group by unknown", ev.admin, report.ViewConfig{GroupBy: "nope"}, "v", "config.groupBy"},
		}
		for _, s := range scenarios {
			_, err := ev.v.Create(ev.ctx, s.who, report.View{Form: ev.form, Name: s.view, Config: s.cfg})
			if _, ok := paths(err)[s.want]; !ok {
				t.Errorf("%s: %v (paths %v), want an error on %s", s.name, err, paths(err), s.want)
			}
		}
		if _, err := ev.v.Create(ev.ctx, ev.admin, report.View{Form: ev.form, Name: "v", DefaultFor: []string{ev.roleID}}); paths(err)["defaultFor"] == "" {
			t.Errorf("a personal view as a role default: %v", err)
		}
		if _, err := ev.v.Create(ev.ctx, ev.admin, report.View{Form: ev.form, Name: "v", Shared: true, DefaultFor: []string{"nope"}}); paths(err)["defaultFor[0]"] == "" {
			t.Errorf("an unknown role as default: %v", err)
		}
	})
}
