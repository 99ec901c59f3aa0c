package template_test

import (
	"strings"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
)

// The round trip of issue 17: install v1, the user changes a field's
// label and adds a field, v2 adds a field, removes one and changes the
// label the user changed: the preview lists it all with one conflict,
// the upgrade needs its resolution, keeps the user's field, archives the
// removed one with its data.
func TestUpgradeThreeWay(t *testing.T) {
	f := newFixture(t)
	b := builder.New(f.e)
	res, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	task := f.formsByName(t, f.admin, res.AppID)["任务"]
	// The user's own changes: a label, a new field, and data.
	def := task.Draft
	def.Fields[0].Label = "任务标题"
	def.Fields = append(def.Fields, form.Field{Key: "priority", Type: "number", Label: "优先级"})
	saved, err := f.e.SaveDraft(f.ctx, f.admin, task.ID, engine.FormInput{Name: task.Name, Definition: def}, task.Version)
	if err != nil {
		t.Fatal(describe(err))
	}
	if _, _, err := b.Publish(f.ctx, f.admin, task.ID, saved.Version); err != nil {
		t.Fatal(describe(err))
	}
	rec, err := f.e.CreateRecord(f.ctx, f.admin, task.ID, map[string]any{"title": "用户的任务", "hours": 7, "priority": 2}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	// v2 of the template.
	v2 := f.load(t, "tasks")
	v2.Template.Version = "2.0.0"
	var tf *template.FormSpec
	for i := range v2.Forms {
		if v2.Forms[i].Key == "task" {
			tf = &v2.Forms[i]
		}
	}
	var kept []form.Field
	for _, fd := range tf.Definition.Fields {
		switch fd.Key {
		case "hours":
			continue
		case "title":
			fd.Label = "任务名称"
		}
		kept = append(kept, fd)
	}
	tf.Definition.Fields = append(kept, form.Field{Key: "notes", Type: "textarea", Label: "备注"})
	v2.Roles[1].Name = "项目组员"

	plan, err := f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
	if err != nil {
		t.Fatalf("preview: %v", describe(err))
	}
	if plan.From != "1.0.0" || plan.To != "2.0.0" {
		t.Errorf("plan %s -> %s", plan.From, plan.To)
	}
	ops := map[string]string{}
	for _, c := range plan.Changes {
		ops[c.Kind+"/"+c.Key+"/"+c.Path] = c.Op
	}
	want := map[string]string{"forms/task/fields.notes": "add", "forms/task/fields.hours": "remove", "roles/worker/": "change"}
	for k, op := range want {
		if ops[k] != op {
			t.Errorf("change %s: %q, want %q (all %v)", k, ops[k], op, ops)
		}
	}
	if _, has := ops["forms/task/fields.priority"]; has {
		t.Errorf("the user's own field is listed as a change: %v", ops)
	}
	if len(plan.Conflicts) != 1 || plan.Conflicts[0].Path != "fields.title" {
		t.Fatalf("conflicts = %+v", plan.Conflicts)
	}
	c := plan.Conflicts[0]
	if !strings.Contains(string(c.Ours), "任务标题") || !strings.Contains(string(c.Theirs), "任务名称") || !strings.Contains(string(c.Base), `"label":"任务"`) {
		t.Errorf("conflict sides: base %s ours %s theirs %s", c.Base, c.Ours, c.Theirs)
	}
	again, _ := f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
	if again.Conflicts[0].ID != c.ID {
		t.Errorf("conflict id not stable: %s vs %s", again.Conflicts[0].ID, c.ID)
	}
	// Unresolved: refused, nothing changed.
	_, err = f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, nil)
	if codes := fieldCodes(err); codes["resolutions."+c.ID] != template.CodeConflict {
		t.Fatalf("upgrade without resolution: %v", describe(err))
	}
	up, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, v2, map[string]string{c.ID: "theirs"})
	if err != nil {
		t.Fatalf("upgrade: %v", describe(err))
	}
	if up.Version != "2.0.0" || up.Applied < 4 {
		t.Errorf("result = %+v", up)
	}
	task = f.formsByName(t, f.admin, res.AppID)["任务"]
	keys := map[string]string{}
	for _, fd := range task.Draft.Fields {
		keys[fd.Key] = fd.Label
	}
	if keys["title"] != "任务名称" || keys["priority"] != "优先级" || keys["notes"] != "备注" {
		t.Errorf("fields after the upgrade: %v", keys)
	}
	if _, has := keys["hours"]; has {
		t.Errorf("hours still a field: %v", keys)
	}
	v, err := f.e.CurrentVersion(f.ctx, f.admin, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	archived := false
	for _, a := range v.Archived {
		archived = archived || a.Key == "hours"
	}
	if !archived {
		t.Errorf("hours not archived: %+v", v.Archived)
	}
	got, err := f.e.Record(f.ctx, f.admin, task.ID, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["hours"] != float64(7) || got.Data["priority"] != float64(2) {
		t.Errorf("record data after the upgrade: %v", got.Data)
	}
	roles, _ := f.e.Roles(f.ctx, f.admin)
	renamed := false
	for _, r := range roles {
		renamed = renamed || r.Name == "项目组员"
	}
	if !renamed {
		t.Errorf("role not renamed: %+v", roles)
	}
	in, err := f.svc.Installed(f.ctx, f.admin, res.AppID)
	if err != nil || in.Version != "2.0.0" {
		t.Fatalf("installation after the upgrade: %+v %v", in, err)
	}
	// Upgrading to the same version again changes nothing; the user's
	// own field is still theirs.
	plan, err = f.svc.Preview(f.ctx, f.admin, res.AppID, v2)
	if err != nil {
		t.Fatal(describe(err))
	}
	if len(plan.Changes) != 0 || len(plan.Conflicts) != 0 {
		t.Errorf("second preview: %+v", plan)
	}
}
