package template_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/template"
)

func TestInstallCreatesAppFormsRolesAndSample(t *testing.T) {
	f := newFixture(t)
	p := f.load(t, "tasks")
	res, err := f.svc.Install(f.ctx, f.admin, p, template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	if res.Counts["forms"] != 2 || res.Counts["roles"] != 2 || res.Counts["sampleRecords"] != 5 || res.Counts["sampleMembers"] != 2 {
		t.Fatalf("counts = %v", res.Counts)
	}
	app, err := f.e.App(f.ctx, f.admin, res.AppID)
	if err != nil || app.Name != "项目任务" {
		t.Fatalf("app = %+v, %v", app, err)
	}
	forms := f.formsByName(t, f.admin, res.AppID)
	project, task := forms["项目"], forms["任务"]
	if project.Published != 1 || task.Published != 1 {
		t.Fatalf("published: project %d task %d", project.Published, task.Published)
	}
	rel, _ := task.Draft.FieldByKey("project")
	if rel.Form != project.ID {
		t.Fatalf("relation form = %q, want the project form's id %q", rel.Form, project.ID)
	}
	roles, err := f.e.Roles(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	roleIDs := map[string]string{}
	for _, r := range roles {
		roleIDs[r.Name] = r.ID
	}
	if roleIDs["项目负责人"] == "" || roleIDs["项目成员"] == "" {
		t.Fatalf("roles = %+v", roles)
	}
	fp, err := f.e.FormPermissions(f.ctx, f.admin, project.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !fp.Configured || len(fp.Sets) != 2 || fp.Sets[0].Grants[0].ID != roleIDs["项目负责人"] {
		t.Fatalf("project permissions = %+v", fp)
	}
	// Sample records: related by id, backdated, with their later changes.
	tasks := f.records(t, f.admin, task.ID)
	projects := f.records(t, f.admin, project.ID)
	if len(tasks) != 3 || len(projects) != 2 {
		t.Fatalf("%d tasks, %d projects", len(tasks), len(projects))
	}
	now := f.clock.now()
	var design *engine.Record
	for i := range tasks {
		if tasks[i].Data["title"] == "设计稿" {
			design = &tasks[i]
		}
	}
	if design == nil {
		t.Fatal("no 设计稿 task")
	}
	var p1 string
	for _, pr := range projects {
		if pr.Data["title"] == "官网改版" {
			p1 = pr.ID
			if pr.Data["budget"] != float64(60000) {
				t.Errorf("budget after its change = %v", pr.Data["budget"])
			}
		}
	}
	if design.Data["project"] != p1 {
		t.Errorf("task project = %v, want %s", design.Data["project"], p1)
	}
	if design.Data["project_status"] != "进行中" {
		t.Errorf("lookup = %v", design.Data["project_status"])
	}
	if design.Data["state"] != "完成" || design.Version != 3 {
		t.Errorf("state %v at version %d", design.Data["state"], design.Version)
	}
	if got := now.Sub(design.CreatedAt); got != 28*24*time.Hour {
		t.Errorf("created %v before the install, want 28 days", got)
	}
	if got := now.Sub(design.UpdatedAt); got != 2*24*time.Hour {
		t.Errorf("updated %v before the install, want 2 days", got)
	}
	if design.Data["due"] != now.In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 5).Format("2006-01-02") {
		t.Errorf("due = %v", design.Data["due"])
	}
	members, err := f.e.Members(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 3 {
		t.Fatalf("%d members, want the admin and 2 sample members", len(members))
	}
	if design.Owner == f.admin.UserID || design.Data["assignee"] != design.Owner {
		t.Errorf("owner %s, assignee %v: want the sample member wang", design.Owner, design.Data["assignee"])
	}
	in, err := f.svc.Installed(f.ctx, f.admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	if in.Key != "tasks" || in.Version != "1.0.0" || in.Refs["forms"]["task"] != task.ID || in.Base == nil || len(in.Base.Forms) != 2 {
		t.Fatalf("installation = %+v", in)
	}
}

func TestInstallInEnglishAppliesOverlay(t *testing.T) {
	f := newFixture(t)
	res, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{Locale: "en"})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	forms := f.formsByName(t, f.admin, res.AppID)
	project, ok := forms["Project"]
	if !ok {
		t.Fatalf("forms = %v", forms)
	}
	st, _ := project.Draft.FieldByKey("status")
	if st.Label != "Status" || st.Options[0].Label != "In progress" || st.Options[0].Value != "进行中" {
		t.Fatalf("status field = %+v", st)
	}
	if res.Counts["sampleRecords"] != 0 {
		t.Fatalf("sample installed without asking: %v", res.Counts)
	}
	_, err = f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{Locale: "en;drop", AppName: "x"})
	if fieldCodes(err)["locale"] != engine.CodeLanguage {
		t.Fatalf("bad locale: %v", describe(err))
	}
}

// A failure in the middle (a sample record the form refuses) leaves
// nothing behind: no app, no roles, no members, no accounts.
func TestFailedInstallLeavesNothing(t *testing.T) {
	f := newFixture(t)
	p := f.load(t, "tasks")
	recs := p.Sample.Records["task"]
	recs = append(recs, template.SampleRecord{Key: "bad", Values: map[string]any{"hours": 3}}) // title is required
	p.Sample.Records["task"] = recs
	rolesBefore, _ := f.e.Roles(f.ctx, f.admin)
	_, err := f.svc.Install(f.ctx, f.admin, p, template.InstallOptions{SampleData: true})
	codes := fieldCodes(err)
	if codes["sample.records.task/bad.values.title"] != engine.CodeRequired {
		t.Fatalf("err = %v", describe(err))
	}
	apps, _ := f.e.Apps(f.ctx, f.admin)
	if len(apps) != 0 {
		t.Errorf("apps left: %+v", apps)
	}
	roles, _ := f.e.Roles(f.ctx, f.admin)
	if len(roles) != len(rolesBefore) {
		t.Errorf("roles left: %+v", roles)
	}
	members, _ := f.e.Members(f.ctx, f.admin)
	if len(members) != 1 {
		t.Errorf("members left: %+v", members)
	}
	if _, err := f.e.UserByEmail(f.ctx, "li.na@example.com"); err == nil {
		t.Errorf("the placeholder account is left")
	}
	deps, _ := f.e.Departments(f.ctx, f.admin)
	if len(deps) != 0 {
		t.Errorf("departments left: %+v", deps)
	}
	// The same install then succeeds.
	if _, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{SampleData: true}); err != nil {
		t.Fatalf("install after the failure: %v", describe(err))
	}
}

func TestCheckReportsDesignErrorsWithPaths(t *testing.T) {
	f := newFixture(t)
	p := f.load(t, "tasks")
	p.Forms[1].Definition.Fields[0].Key = "Bad Key"
	p.Forms[1].Definition.Fields[1].Form = "nosuchform"
	p.Forms[0].Permissions.Sets[0].Grants[0].ID = "nosuchrole"
	err := f.svc.Check(f.ctx, f.admin, p)
	codes := fieldCodes(err)
	want := map[string]string{
		"forms.task.definition.fields[1].form":           template.CodeUnknownRef,
		"forms.project.permissions.sets[0].grants[0].id": template.CodeUnknownRef,
	}
	for path, code := range want {
		if codes[path] != code {
			t.Errorf("%s: %q, want %q (all: %v)", path, codes[path], code, codes)
		}
	}
	// A design error gets the builder's own code, under the form's path.
	q := f.load(t, "tasks")
	q.Forms[1].Definition.Fields[0].Key = "Bad Key"
	codes = fieldCodes(f.svc.Check(f.ctx, f.admin, q))
	found := false
	for path := range codes {
		if strings.HasPrefix(path, "forms.task.definition.fields[0]") {
			found = true
		}
	}
	if !found {
		t.Errorf("no error on the bad key: %v", codes)
	}
}

func TestParseBundleStrict(t *testing.T) {
	f := newFixture(t)
	good, err := f.load(t, "tasks").Bundle()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := template.ParseBundle(good); err != nil {
		t.Fatalf("own bundle: %v", describe(err))
	}
	var m map[string]any
	_ = json.Unmarshal(good, &m)
	scenarios := []struct {
		name, body, path, code string
	}{
		{"format", strings.Replace(string(good), `"format": 1`, `"format": 2`, 1), "format", template.CodeFormat},
		{"unknown property", strings.Replace(string(good), `"format": 1`, `"format": 1, "extra": true`, 1), "", template.CodeJSON},
		{"duplicate key", strings.Replace(string(good), `"format": 1`, `"format": 1, "format": 1`, 1), "format", template.CodeDuplicateKey},
		{"not json", `{"format":1,`, "", template.CodeJSON},
		{"missing template key", `{"format":1,"template":{"version":"1","name":{"en":"x"},"app":{"name":"x"}},"forms":[]}`, "template.key", engine.CodeRequired},
		{"duplicate form key", `{"format":1,"template":{"key":"x","version":"1","name":{"en":"x"},"app":{"name":"x"}},"forms":[{"key":"a","name":"A","definition":{"fields":[]}},{"key":"a","name":"B","definition":{"fields":[]}}]}`, "forms.a.key", template.CodeDuplicateKey},
		{"bad sample ref", `{"format":1,"template":{"key":"x","version":"1","name":{"en":"x"},"app":{"name":"x"}},"forms":[{"key":"a","name":"A","definition":{"fields":[{"key":"r","type":"relation","label":"R","form":"a"}]}}],"sample":{"records":{"a":[{"key":"one","values":{"r":{"$ref":"a/two"}}}]}}}`, "sample.records.a/one.values.r", template.CodeUnknownRef},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			_, err := template.ParseBundle([]byte(s.body))
			codes := fieldCodes(err)
			if codes == nil {
				t.Fatalf("err = %v", describe(err))
			}
			if s.path != "" && codes[s.path] != s.code {
				t.Fatalf("codes = %v, want %s at %s", codes, s.code, s.path)
			}
			if s.path == "" {
				ok := false
				for _, c := range codes {
					ok = ok || c == s.code
				}
				if !ok {
					t.Fatalf("codes = %v, want %s", codes, s.code)
				}
			}
		})
	}
}

// The same install, undo and export on the Mongo adapter (FerretDB).
func TestInstallOnMongo(t *testing.T) {
	f := newMongoFixture(t)
	p := f.load(t, "tasks")
	p.Sample.Records["task"] = append(p.Sample.Records["task"], template.SampleRecord{Key: "bad", Values: map[string]any{"hours": 3}})
	if _, err := f.svc.Install(f.ctx, f.admin, p, template.InstallOptions{SampleData: true}); fieldCodes(err)["sample.records.task/bad.values.title"] != engine.CodeRequired {
		t.Fatalf("err = %v", describe(err))
	}
	if apps, _ := f.e.Apps(f.ctx, f.admin); len(apps) != 0 {
		t.Fatalf("apps left: %+v", apps)
	}
	res, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	if res.Counts["sampleRecords"] != 5 {
		t.Fatalf("counts = %v", res.Counts)
	}
	exp, err := f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{Sample: 5})
	if err != nil || len(exp.Forms) != 2 || len(exp.Sample.Records["task"]) != 3 {
		t.Fatalf("export: %v", describe(err))
	}
	in, err := f.svc.Installed(f.ctx, f.admin, res.AppID)
	if err != nil || in.Key != "tasks" {
		t.Fatalf("installed: %+v %v", in, err)
	}
}
