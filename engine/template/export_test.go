package template_test

import (
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
)

// Export, then install into another workspace: the same structure.
func TestExportReinstallsWithSameStructure(t *testing.T) {
	f := newFixture(t)
	res, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	p, err := f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{Sample: 10})
	if err != nil {
		t.Fatalf("export: %v", describe(err))
	}
	b, err := p.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	q, err := template.ParseBundle(b)
	if err != nil {
		t.Fatalf("the export does not parse: %v", describe(err))
	}
	if q.Template.Key != "tasks" || len(q.Forms) != 2 || len(q.Roles) != 2 || len(q.Sample.Records["task"]) != 3 || len(q.Sample.Members) != 2 {
		t.Fatalf("exported %+v", q.Summary())
	}
	assignees := map[string]bool{}
	for _, r := range q.Sample.Records["task"] {
		if m, ok := r.Values["assignee"].(map[string]any); ok {
			assignees[m["$member"].(string)] = true
		}
	}
	if !assignees["wang"] || !assignees["li"] {
		t.Errorf("assignees exported as %v", assignees)
	}
	other := f.newWorkspace(t, "另一个团队")
	res2, err := f.svc.Install(f.ctx, other, q, template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install the export elsewhere: %v", describe(err))
	}
	a := structure(t, f, f.admin, res.AppID)
	b2 := structure(t, f, other, res2.AppID)
	if len(a) != len(b2) {
		t.Fatalf("structures differ: %v vs %v", a, b2)
	}
	for name, fields := range a {
		if !equalFields(fields, b2[name]) {
			t.Errorf("form %s: %+v vs %+v", name, fields, b2[name])
		}
	}
	tasks := f.formsByName(t, other, res2.AppID)["任务"]
	if n := len(f.records(t, other, tasks.ID)); n != 3 {
		t.Errorf("%d sample tasks re-imported", n)
	}
	// An app not installed from a template exports too, with derived keys.
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "Asset Register"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "Laptops", Definition: form.Definition{Fields: []form.Field{{Key: "tag", Type: "text", Label: "Tag"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(f.e).Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
		t.Fatal(describe(err))
	}
	e1, err := f.svc.Export(f.ctx, f.admin, app.ID, template.ExportOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	e2, _ := f.svc.Export(f.ctx, f.admin, app.ID, template.ExportOptions{})
	if e1.Template.Key != "asset-register" || e1.Forms[0].Key != "laptops" || e2.Forms[0].Key != "laptops" {
		t.Fatalf("keys %s %s", e1.Template.Key, e1.Forms[0].Key)
	}
}

// structure is form name -> its fields (key, type, label, relation target's name).
func structure(t *testing.T, f *fixture, a engine.Actor, app string) map[string][]string {
	t.Helper()
	forms := f.formsByName(t, a, app)
	names := map[string]string{}
	for n, fm := range forms {
		names[fm.ID] = n
	}
	out := map[string][]string{}
	for n, fm := range forms {
		for _, fd := range fm.Draft.Fields {
			out[n] = append(out[n], fd.Key+":"+fd.Type+":"+fd.Label+":"+names[fd.Form])
		}
	}
	return out
}

func equalFields(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A sample member whose email is someone's real account is not made a
// member of the workspace: it gets a plus address of its own.
func TestSampleMemberNeverTakesAnAccount(t *testing.T) {
	f := newFixture(t)
	real, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "li.na@example.com", Name: "真的李娜", PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Install(f.ctx, f.admin, f.load(t, "tasks"), template.InstallOptions{SampleData: true}); err != nil {
		t.Fatalf("install: %v", describe(err))
	}
	if _, err := f.e.Membership(f.ctx, f.admin.Workspace, real.ID); err == nil {
		t.Fatal("the real account was made a member")
	}
	members, _ := f.e.Members(f.ctx, f.admin)
	if len(members) != 3 {
		t.Fatalf("%d members", len(members))
	}
	// A second workspace installs its own placeholders too.
	other := f.newWorkspace(t, "第二个团队")
	if _, err := f.svc.Install(f.ctx, other, f.load(t, "tasks"), template.InstallOptions{SampleData: true}); err != nil {
		t.Fatalf("install elsewhere: %v", describe(err))
	}
	ms, _ := f.e.Members(f.ctx, other)
	if len(ms) != 3 {
		t.Fatalf("%d members in the second workspace", len(ms))
	}
}

// An export's sample brings the records its records link to (within the
// app), up to a bound; a record whose required link cannot travel (a
// deleted record, or one beyond the bound) is left out with a note, an
// optional one is cleared with a note; the sample installs elsewhere.
func TestExportSampleClosure(t *testing.T) {
	for _, backend := range []struct {
		name string
		new  func(testing.TB) *fixture
	}{{"sqlite", newFixture}, {"mongo", newMongoFixture}} {
		t.Run(backend.name, func(t *testing.T) {
			f := backend.new(t)
			v1 := f.load(t, "tasks")
			for i := range v1.Forms {
				if v1.Forms[i].Key != "task" {
					continue
				}
				for j := range v1.Forms[i].Definition.Fields {
					if v1.Forms[i].Definition.Fields[j].Key == "project" {
						v1.Forms[i].Definition.Fields[j].Required = true
					}
				}
			}
			v1.Sample.Records["task"][0].Values["project"] = map[string]any{"$ref": "project/p2"} // t1, the oldest task, on the newer project
			res, err := f.svc.Install(f.ctx, f.admin, v1, template.InstallOptions{SampleData: true})
			if err != nil {
				t.Fatalf("install: %v", describe(err))
			}
			install := func(p *template.Package) int {
				t.Helper()
				b, err := p.Bundle()
				if err != nil {
					t.Fatal(err)
				}
				q, err := template.ParseBundle(b)
				if err != nil {
					t.Fatalf("parse: %v", describe(err))
				}
				other := f.newWorkspace(t, "别处")
				r, err := f.svc.Install(f.ctx, other, q, template.InstallOptions{SampleData: true})
				if err != nil {
					t.Fatalf("install the export elsewhere: %v", describe(err))
				}
				return r.Counts["sampleRecords"]
			}
			// One record a form: t1 brings p2 along.
			p, err := f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{Sample: 1})
			if err != nil {
				t.Fatal(describe(err))
			}
			if len(p.Sample.Records["project"]) != 2 || len(p.Sample.Records["task"]) != 1 || len(p.Sample.Notes) != 0 {
				t.Fatalf("sample: %d projects, %d tasks, notes %+v", len(p.Sample.Records["project"]), len(p.Sample.Records["task"]), p.Sample.Notes)
			}
			if n := install(p); n != 3 {
				t.Errorf("%d records installed", n)
			}
			// Nothing brought along: t1's required project cannot travel, t1 is left out.
			p, err = f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{Sample: 1, Linked: -1})
			if err != nil {
				t.Fatal(describe(err))
			}
			if len(p.Sample.Records["task"]) != 0 || len(p.Sample.Notes) != 1 || p.Sample.Notes[0] != (template.SampleNote{Record: "task/r0001", Field: "project", Reason: "dropped"}) {
				t.Fatalf("bounded sample: %+v notes %+v", p.Sample.Records, p.Sample.Notes)
			}
			if n := install(p); n != 1 {
				t.Errorf("%d records installed", n)
			}
			// A deleted project: the tasks requiring it are left out.
			projects := f.formsByName(t, f.admin, res.AppID)["项目"]
			for _, r := range f.records(t, f.admin, projects.ID) {
				if r.Data["title"] == "内部培训" {
					if err := f.e.DeleteRecord(f.ctx, f.admin, projects.ID, r.ID, r.Version); err != nil {
						t.Fatal(describe(err))
					}
				}
			}
			p, err = f.svc.Export(f.ctx, f.admin, res.AppID, template.ExportOptions{Sample: 10})
			if err != nil {
				t.Fatal(describe(err))
			}
			dropped := 0
			for _, n := range p.Sample.Notes {
				if n.Reason == "dropped" && n.Field == "project" {
					dropped++
				}
			}
			if dropped != 2 || len(p.Sample.Records["task"]) != 1 {
				t.Fatalf("after the delete: %d tasks, notes %+v", len(p.Sample.Records["task"]), p.Sample.Notes)
			}
			if n := install(p); n != 2 {
				t.Errorf("%d records installed", n)
			}
		})
	}
}
