package template_test

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
)

func formNames(t *testing.T, f *fixture, app string) string {
	t.Helper()
	forms, err := f.e.Forms(f.ctx, f.admin, app)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, fm := range forms {
		out = append(out, fm.Name)
	}
	return strings.Join(out, ",")
}

// A template sets its app's form order; the user's own order survives an
// upgrade (forms the template adds go after their template predecessor);
// a template that rearranges its forms is followed when the user kept the
// order; export lists forms in the app's order.
func TestFormOrder(t *testing.T) {
	for _, backend := range []struct {
		name string
		new  func(testing.TB) *fixture
	}{{"sqlite", newFixture}, {"mongo", newMongoFixture}} {
		t.Run(backend.name, func(t *testing.T) {
			f := backend.new(t)
			v1 := f.load(t, "tasks")
			// The template lists task before project (not alphabetical, not by creation).
			v1.Forms[0], v1.Forms[1] = v1.Forms[1], v1.Forms[0]
			res, err := f.svc.Install(f.ctx, f.admin, v1, template.InstallOptions{})
			if err != nil {
				t.Fatalf("install: %v", describe(err))
			}
			if got := formNames(t, f, res.AppID); got != "任务,项目" {
				t.Fatalf("order after install = %s", got)
			}
			// The template moves project first, the user kept the order: followed.
			v2 := f.load(t, "tasks")
			v2.Template.Version = "2.0.0"
			plan, err := f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
			if err != nil {
				t.Fatal(describe(err))
			}
			if len(plan.Changes) != 1 || plan.Changes[0].Path != "formOrder" {
				t.Fatalf("plan = %+v", plan.Changes)
			}
			if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, nil); err != nil {
				t.Fatal(describe(err))
			}
			if got := formNames(t, f, res.AppID); got != "项目,任务" {
				t.Fatalf("order after the upgrade = %s", got)
			}
			// The user puts task first; v3 adds a form after project: the user's order stays.
			app, _ := f.e.App(f.ctx, f.admin, res.AppID)
			forms, _ := f.e.Forms(f.ctx, f.admin, res.AppID)
			if _, err := f.e.UpdateApp(f.ctx, f.admin, app.ID, engine.AppInput{Name: app.Name, Icon: app.Icon, Description: app.Description,
				FormOrder: []string{forms[1].ID, forms[0].ID}}, app.Version); err != nil {
				t.Fatal(describe(err))
			}
			// Bad orders: an unknown id, a duplicate.
			app, _ = f.e.App(f.ctx, f.admin, res.AppID)
			_, err = f.e.UpdateApp(f.ctx, f.admin, app.ID, engine.AppInput{Name: app.Name, FormOrder: []string{forms[0].ID, forms[0].ID, "nosuch"}}, app.Version)
			if codes := fieldCodes(err); codes["formOrder.1"] != "duplicate" || codes["formOrder.2"] != engine.CodeNotFound {
				t.Fatalf("bad order: %v", describe(err))
			}
			v3 := f.load(t, "tasks")
			v3.Template.Version = "3.0.0"
			v3.Forms = append(v3.Forms[:1], append([]template.FormSpec{{Key: "milestone", Name: "里程碑", Definition: form.Definition{Fields: []form.Field{{Key: "name", Type: "text", Label: "名称"}}}}}, v3.Forms[1:]...)...)
			if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v3, nil); err != nil {
				t.Fatal(describe(err))
			}
			if got := formNames(t, f, res.AppID); got != "任务,项目,里程碑" {
				t.Fatalf("order after v3 = %s", got)
			}
			p, err := f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{})
			if err != nil {
				t.Fatal(describe(err))
			}
			if p.Forms[0].Key != "task" || p.Forms[2].Key != "milestone" {
				t.Errorf("export order: %s %s %s", p.Forms[0].Key, p.Forms[1].Key, p.Forms[2].Key)
			}
		})
	}
}
