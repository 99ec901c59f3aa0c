package template_test

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
)

// upgradeFixture installs v1 of the tasks template with two parts (memos
// and boards), an extra role and an extra form, and builds a v2 that
// changes something in every step of an upgrade.
type upgradeFixture struct {
	*fixture
	app           string
	v2            *template.Package
	memos, boards *memoPart
}

func newUpgradeFixture(t *testing.T, f *fixture) *upgradeFixture {
	t.Helper()
	var calls []string
	memos := &memoPart{kind: "memos", items: map[string]json.RawMessage{}, calls: &calls}
	boards := &memoPart{kind: "boards", items: map[string]json.RawMessage{}, calls: &calls}
	if err := f.e.TemplateParts().Register(memos.part()); err != nil {
		t.Fatal(err)
	}
	if err := f.e.TemplateParts().Register(boards.part("memos")); err != nil {
		t.Fatal(err)
	}
	v1 := f.load(t, "tasks")
	v1.Roles = append(v1.Roles, template.RoleSpec{Key: "guest", Name: "访客"})
	v1.Forms = append(v1.Forms, template.FormSpec{Key: "note", Name: "笔记", Definition: form.Definition{Fields: []form.Field{{Key: "text", Type: "text", Label: "内容"}}}})
	v1.Parts = map[string][]engine.TemplateItem{
		"memos": {{Key: "hello", Spec: json.RawMessage(`{"form":"task","text":"你好"}`)}, {Key: "bye", Spec: json.RawMessage(`{"form":"project","text":"再见"}`)}},
	}
	res, err := f.svc.Install(f.ctx, f.admin, v1, template.InstallOptions{})
	if err != nil {
		t.Fatalf("install v1: %v", describe(err))
	}
	// An unpublished draft the upgrade rebases.
	task := f.formsByName(t, f.admin, res.AppID)["任务"]
	def := task.Draft
	def.Fields = append(def.Fields, form.Field{Key: "draft_only", Type: "text", Label: "草稿字段"})
	if _, err := f.e.SaveDraft(f.ctx, f.admin, task.ID, engine.FormInput{Name: task.Name, Definition: def}, task.Version); err != nil {
		t.Fatal(describe(err))
	}
	v2 := f.load(t, "tasks")
	v2.Template.Version = "2.0.0"
	v2.Roles[1].Name = "项目组员" // worker renamed; guest dropped
	for i := range v2.Forms {
		switch v2.Forms[i].Key {
		case "task":
			var kept []form.Field
			for _, fd := range v2.Forms[i].Definition.Fields {
				if fd.Key != "hours" {
					kept = append(kept, fd)
				}
			}
			v2.Forms[i].Definition.Fields = append(kept, form.Field{Key: "notes", Type: "textarea", Label: "备注"})
		case "project":
			v2.Forms[i].Permissions.Sets[1].FieldDefault = engine.FieldEdit
		}
	}
	// note dropped, milestone added.
	v2.Forms = append(v2.Forms, template.FormSpec{Key: "milestone", Name: "里程碑", Definition: form.Definition{Fields: []form.Field{
		{Key: "name", Type: "text", Label: "名称"}, {Key: "project", Type: "relation", Label: "项目", Form: "project", DisplayField: "title"}}}})
	v2.Parts = map[string][]engine.TemplateItem{
		"memos":  {{Key: "hello", Spec: json.RawMessage(`{"form":"task","text":"您好"}`)}, {Key: "extra", Spec: json.RawMessage(`{"form":"milestone","text":"新"}`)}},
		"boards": {{Key: "main", Spec: json.RawMessage(`{"memo":"hello"}`)}},
	}
	return &upgradeFixture{fixture: f, app: res.AppID, v2: v2, memos: memos, boards: boards}
}

// state is everything an upgrade may change, as comparable text: the
// app's export, its forms (drafts, trash), the workspace's roles, the
// parts' stored items and the installation's version.
func (u *upgradeFixture) state(t *testing.T) string {
	t.Helper()
	p, err := u.svc.Export(u.ctx, u.admin, u.app, template.ExportOptions{})
	if err != nil {
		t.Fatalf("export: %v", describe(err))
	}
	b, _ := json.Marshal(p)
	var out []string
	out = append(out, string(b))
	forms, _ := u.e.Forms(u.ctx, u.admin, u.app)
	for _, fm := range forms {
		d, _ := json.Marshal(fm.Draft)
		out = append(out, "form "+fm.Name+" "+string(d))
	}
	roles, _ := u.e.Roles(u.ctx, u.admin)
	for _, r := range roles {
		out = append(out, "role "+r.Name)
	}
	for _, m := range []*memoPart{u.memos, u.boards} {
		var items []string
		for _, spec := range m.items {
			items = append(items, string(spec))
		}
		sort.Strings(items)
		out = append(out, m.kind+" "+strings.Join(items, "|"))
	}
	in, err := u.svc.Installed(u.ctx, u.admin, u.app)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, "installed "+in.Version)
	sort.Strings(out[1:])
	return strings.Join(out, "\n")
}

// An upgrade is all or nothing: failing at any of its steps leaves the
// app exactly as it was (designs, drafts, permission sets, roles, part
// items, forms, installation), and the same upgrade then succeeds.
func TestUpgradeAllOrNothing(t *testing.T) {
	for _, backend := range []struct {
		name string
		new  func(testing.TB) *fixture
	}{{"sqlite", newFixture}, {"mongo", newMongoFixture}} {
		t.Run(backend.name, func(t *testing.T) {
			u := newUpgradeFixture(t, backend.new(t))
			before := u.state(t)
			plan, err := u.svc.Preview(u.ctx, u.admin, u.app, u.v2)
			if err != nil {
				t.Fatalf("preview: %v", describe(err))
			}
			ops := map[string]string{}
			for _, c := range plan.Changes {
				ops[c.Kind+"/"+c.Key+"/"+c.Path] = c.Op
			}
			for k, op := range map[string]string{"roles/guest/": "remove", "roles/worker/": "change", "forms/note/": "remove", "forms/milestone/": "add",
				"memos/bye/": "remove", "memos/extra/": "add", "boards/main/": "add", "forms/project/permissions": "change", "forms/task/fields.hours": "remove"} {
				if ops[k] != op {
					t.Errorf("plan: %s is %q, want %q (all %v)", k, ops[k], op, ops)
				}
			}
			steps := []string{"roles", "forms.create", "forms.order", "forms.publish", "permissions", "parts.memos", "parts.boards",
				"parts.memos.remove", "roles.remove", "forms.remove", "drafts", "installation"}
			for _, step := range steps {
				seen := 0
				template.SetFailAt(u.svc, func(s string) error {
					if s != step {
						return nil
					}
					seen++
					if seen > 1 { // the second occurrence, where there is one, so a step already done is undone too
						return errors.New("injected failure at " + s)
					}
					if step == "parts.memos" || step == "forms.publish" {
						return nil
					}
					return errors.New("injected failure at " + s)
				})
				_, err := u.svc.Upgrade(u.ctx, u.admin, u.app, u.v2, nil)
				if err == nil || !strings.Contains(err.Error(), "injected failure at "+step) {
					t.Fatalf("step %s: upgrade error %v", step, describe(err))
				}
				if after := u.state(t); after != before {
					t.Fatalf("step %s: the failed upgrade changed the app:\n%s", step, diffLines(before, after))
				}
				again, err := u.svc.Preview(u.ctx, u.admin, u.app, u.v2)
				if err != nil || len(again.Changes) != len(plan.Changes) {
					t.Fatalf("step %s: preview after the failure: %d changes (was %d), %v", step, len(again.Changes), len(plan.Changes), describe(err))
				}
			}
			template.SetFailAt(u.svc, nil)
			if _, err := u.svc.Upgrade(u.ctx, u.admin, u.app, u.v2, nil); err != nil {
				t.Fatalf("upgrade: %v", describe(err))
			}
			forms := u.formsByName(t, u.admin, u.app)
			if d := labels(forms["任务"].Draft.Fields); d["draft_only"] != "草稿字段" || d["notes"] != "备注" {
				t.Errorf("the draft after the upgrade: %v", d)
			}
			if _, has := forms["笔记"]; has {
				t.Errorf("the dropped form is still live")
			}
			if _, has := forms["里程碑"]; !has {
				t.Errorf("the new form is missing")
			}
			roles, _ := u.e.Roles(u.ctx, u.admin)
			for _, r := range roles {
				if r.Name == "访客" {
					t.Errorf("the dropped role is still there")
				}
			}
			in, _ := u.svc.Installed(u.ctx, u.admin, u.app)
			if in.Version != "2.0.0" || in.Refs["roles"]["guest"] != "" {
				t.Errorf("installation after the upgrade: %s %v", in.Version, in.Refs["roles"])
			}
			if plan, err := u.svc.Preview(u.ctx, u.admin, u.app, u.v2); err != nil || len(plan.Changes)+len(plan.Conflicts) != 0 {
				t.Errorf("preview after the upgrade: %+v %v", plan, err)
			}
		})
	}
}

func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+trim(x), "+ "+trim(y))
		}
	}
	return strings.Join(out, "\n")
}

func trim(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

var _ = builder.New
