package template_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
)

func tasksV2(t *testing.T, f *fixture) *template.Package {
	t.Helper()
	v2 := f.load(t, "tasks")
	v2.Template.Version = "2.0.0"
	for i := range v2.Forms {
		if v2.Forms[i].Key != "task" {
			continue
		}
		var kept []form.Field
		for _, fd := range v2.Forms[i].Definition.Fields {
			switch fd.Key {
			case "hours":
				continue
			case "title":
				fd.Label = "任务名称"
			}
			kept = append(kept, fd)
		}
		v2.Forms[i].Definition.Fields = append(kept, form.Field{Key: "notes", Type: "textarea", Label: "备注"})
	}
	return v2
}

func labels(fields []form.Field) map[string]string {
	out := map[string]string{}
	for _, fd := range fields {
		out[fd.Key] = fd.Label
	}
	return out
}

// An upgrade keeps an admin's unpublished draft: the upgrade publishes the
// merged design (never the draft's edits), and the draft is rebased on it;
// where the draft and the template changed the same thing differently, a
// conflict at draft.<unit> lets the admin choose.
func TestUpgradeKeepsDrafts(t *testing.T) {
	for _, backend := range []struct {
		name string
		new  func(testing.TB) *fixture
	}{{"sqlite", newFixture}, {"mongo", newMongoFixture}} {
		for _, choice := range []string{"ours", "theirs"} {
			t.Run(backend.name+"/"+choice, func(t *testing.T) {
				f := backend.new(t)
				res, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{})
				if err != nil {
					t.Fatalf("install: %v", describe(err))
				}
				task := f.formsByName(t, f.admin, res.AppID)["任务"]
				def := task.Draft
				for i := range def.Fields {
					switch def.Fields[i].Key {
					case "title":
						def.Fields[i].Label = "草稿标题"
					case "due":
						def.Fields[i].Label = "截止"
					}
				}
				def.Fields = append(def.Fields, form.Field{Key: "draft_only", Type: "text", Label: "草稿字段"})
				if _, err := f.e.SaveDraft(f.ctx, f.admin, task.ID, engine.FormInput{Name: task.Name, Definition: def}, task.Version); err != nil {
					t.Fatal(describe(err))
				}
				v2 := tasksV2(t, f)
				plan, err := f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
				if err != nil {
					t.Fatalf("preview: %v", describe(err))
				}
				var id string
				for _, c := range plan.Conflicts {
					if c.Kind == "forms" && c.Key == "task" && c.Path == "draft.fields.title" {
						id = c.ID
					} else {
						t.Errorf("unexpected conflict %+v", c)
					}
				}
				if id == "" {
					t.Fatalf("no draft conflict: %+v", plan.Conflicts)
				}
				if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, map[string]string{id: choice}); err != nil {
					t.Fatalf("upgrade: %v", describe(err))
				}
				v, err := f.e.CurrentVersion(f.ctx, f.admin, task.ID)
				if err != nil {
					t.Fatal(err)
				}
				pub := labels(v.Def.Fields)
				if pub["title"] != "任务名称" || pub["notes"] != "备注" || pub["due"] != "截止日期" || pub["draft_only"] != "" || pub["hours"] != "" {
					t.Errorf("published: %v (the draft's edits must stay unpublished)", pub)
				}
				task = f.formsByName(t, f.admin, res.AppID)["任务"]
				draft := labels(task.Draft.Fields)
				wantTitle := map[string]string{"ours": "草稿标题", "theirs": "任务名称"}[choice]
				if draft["title"] != wantTitle || draft["due"] != "截止" || draft["draft_only"] != "草稿字段" || draft["notes"] != "备注" || draft["hours"] != "" {
					t.Errorf("draft after the upgrade: %v", draft)
				}
			})
		}
	}
}

// Roles the new version drops: an unchanged one nobody holds is removed;
// one the user renamed or a member holds is a conflict (keep or delete);
// one a permission set elsewhere still grants is kept.
func TestUpgradeDroppedRoles(t *testing.T) {
	for _, backend := range []struct {
		name string
		new  func(testing.TB) *fixture
	}{{"sqlite", newFixture}, {"mongo", newMongoFixture}} {
		t.Run(backend.name, func(t *testing.T) {
			f := backend.new(t)
			v1 := f.load(t, "tasks")
			v1.Roles = append(v1.Roles, template.RoleSpec{Key: "guest", Name: "访客"}, template.RoleSpec{Key: "helper", Name: "助手"},
				template.RoleSpec{Key: "temp", Name: "临时"}, template.RoleSpec{Key: "shared", Name: "共享"})
			res, err := f.svc.Install(f.ctx, f.admin, v1, template.InstallOptions{})
			if err != nil {
				t.Fatalf("install: %v", describe(err))
			}
			in, _ := f.svc.Installed(f.ctx, f.admin, res.AppID)
			ids := in.Refs["roles"]
			// helper is held by a member, temp renamed, shared granted by another app's form.
			u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "helper@example.com", Name: "小助手"})
			if err != nil {
				t.Fatal(err)
			}
			mb, err := f.e.AddMember(f.ctx, f.admin, u.ID, engine.RoleMember, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.e.SetMemberAccess(f.ctx, f.admin, mb.ID, []string{ids["helper"]}, nil, mb.Version); err != nil {
				t.Fatal(describe(err))
			}
			roles, _ := f.e.Roles(f.ctx, f.admin)
			for _, r := range roles {
				if r.ID == ids["temp"] {
					if _, err := f.e.UpdateRole(f.ctx, f.admin, r.ID, "临时工", "", r.Version); err != nil {
						t.Fatal(describe(err))
					}
				}
			}
			other, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "别的应用"})
			if err != nil {
				t.Fatal(err)
			}
			of, err := f.e.CreateForm(f.ctx, f.admin, other.ID, engine.FormInput{Name: "表", Definition: form.Definition{Fields: []form.Field{{Key: "a", Type: "text", Label: "A"}}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.e.SavePermissionSet(f.ctx, f.admin, of.ID, engine.PermissionSet{Name: "共享", Preset: engine.PresetViewAll,
				Actions: []engine.Action{engine.ActRecordView}, Grants: []engine.Grant{{Kind: engine.GrantRole, ID: ids["shared"]}}}, 0); err != nil {
				t.Fatal(describe(err))
			}
			v2 := f.load(t, "tasks")
			v2.Template.Version = "2.0.0"
			plan, err := f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
			if err != nil {
				t.Fatalf("preview: %v", describe(err))
			}
			ops := map[string]string{}
			for _, c := range plan.Changes {
				if c.Kind == "roles" {
					ops[c.Key] = c.Op
				}
			}
			if ops["guest"] != "remove" || ops["shared"] != "keep" || len(ops) != 2 {
				t.Errorf("role changes = %v", ops)
			}
			conflicts := map[string]string{}
			for _, c := range plan.Conflicts {
				if c.Kind == "roles" && string(c.Theirs) == "null" {
					conflicts[c.Key] = c.ID
				}
			}
			if conflicts["helper"] == "" || conflicts["temp"] == "" || len(plan.Conflicts) != 2 {
				t.Fatalf("conflicts = %+v", plan.Conflicts)
			}
			// Delete the held one (taken off its holder), keep the renamed one.
			if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, map[string]string{conflicts["helper"]: "theirs", conflicts["temp"]: "ours"}); err != nil {
				t.Fatalf("upgrade: %v", describe(err))
			}
			names := map[string]bool{}
			roles, _ = f.e.Roles(f.ctx, f.admin)
			for _, r := range roles {
				names[r.Name] = true
			}
			if names["访客"] || names["助手"] || !names["临时工"] || !names["共享"] || !names["项目负责人"] {
				t.Errorf("roles after the upgrade: %v", names)
			}
			m, _ := f.e.Membership(f.ctx, f.admin.Workspace, u.ID)
			if len(m.Roles) != 0 {
				t.Errorf("the holder still holds %v", m.Roles)
			}
		})
	}
}
