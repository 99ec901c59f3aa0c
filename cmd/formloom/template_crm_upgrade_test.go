package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/engine/workflow"
)

// TestCRMTemplateUpgradeStages: the stage pipeline lives once, in the
// stages part (the exported forms carry no copy); a v2 that changes a
// stage's guidance upgrades the installed CRM through the stages part, and
// an admin's unpublished draft of the opportunity form survives the
// upgrade unpublished.
func TestCRMTemplateUpgradeStages(t *testing.T) {
	f := installCRM(t)
	out, err := f.svc.Export(f.ctx, f.admin, f.app, template.ExportOptions{})
	if err != nil {
		t.Fatalf("export: %s", describeErr(err))
	}
	for _, fs := range out.Forms {
		if _, has := fs.Definition.Extensions[workflow.ExtensionName]; has {
			t.Errorf("form %s exports the pipeline in its design too", fs.Key)
		}
	}
	if len(out.Parts["stages"]) != 1 || out.Parts["stages"][0].Key != "opportunity" {
		t.Fatalf("stages part = %+v", out.Parts["stages"])
	}
	// An unpublished draft of the opportunity form.
	opp, err := f.e.Form(f.ctx, f.admin, f.forms["opportunity"].ID)
	if err != nil {
		t.Fatal(err)
	}
	def := opp.Draft
	def.Fields = append(def.Fields, form.Field{Key: "draft_note", Type: "text", Label: "草稿备注"})
	if _, err := f.e.SaveDraft(f.ctx, f.admin, opp.ID, engine.FormInput{Name: opp.Name, Description: opp.Description, Definition: def}, opp.Version); err != nil {
		t.Fatal(describeErr(err))
	}
	v2, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	v2.Template.Version = "1.1.0"
	var pl workflow.Pipeline
	if err := json.Unmarshal(v2.Parts["stages"][0].Spec, &pl); err != nil {
		t.Fatal(err)
	}
	pl.Stages[0].Guidance = "新版指引：先确认预算。"
	raw, _ := json.Marshal(pl)
	v2.Parts["stages"][0].Spec = raw
	plan, err := f.svc.Preview(f.ctx, f.admin, f.app, v2)
	if err != nil {
		t.Fatalf("preview: %s", describeErr(err))
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Kind != "stages" || len(plan.Conflicts) != 0 {
		t.Fatalf("plan = %+v", plan)
	}
	if _, err := f.svc.Upgrade(f.ctx, f.admin, f.app, v2, nil); err != nil {
		t.Fatalf("upgrade: %s", describeErr(err))
	}
	v, err := f.e.CurrentVersion(f.ctx, f.admin, opp.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := workflow.PipelineOf(v.Def)
	if err != nil || got == nil || got.Stages[0].Guidance != "新版指引：先确认预算。" {
		t.Fatalf("published pipeline = %+v %v", got, err)
	}
	if _, has := v.Def.FieldByKey("draft_note"); has {
		t.Errorf("the upgrade published the admin's draft field")
	}
	opp, _ = f.e.Form(f.ctx, f.admin, opp.ID)
	if _, has := opp.Draft.FieldByKey("draft_note"); !has {
		t.Errorf("the draft lost its field")
	}
	dp, _ := workflow.PipelineOf(opp.Draft)
	if dp == nil || dp.Stages[0].Guidance != "新版指引：先确认预算。" {
		t.Errorf("the draft's pipeline was not rebased: %+v", dp)
	}
	again, err := f.svc.Preview(f.ctx, f.admin, f.app, v2)
	if err != nil || len(again.Changes)+len(again.Conflicts) != 0 {
		t.Errorf("preview after the upgrade: %+v %v", again, err)
	}
	if strings.TrimSpace(v2.Template.Version) != "1.1.0" {
		t.Fatal("unreachable")
	}
}

// TestCRMTemplateExportSample: an export with a small sample (3 records a
// form) brings the records they link to, within the app, and re-imports
// into another workspace with its sample data: the same structure, and
// every record written through the write pipeline (so valid).
func TestCRMTemplateExportSample(t *testing.T) {
	f := installCRM(t)
	out, err := f.svc.Export(f.ctx, f.admin, f.app, template.ExportOptions{Sample: 3})
	if err != nil {
		t.Fatalf("export: %s", describeErr(err))
	}
	raw, err := out.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	again, err := template.ParseBundle(raw)
	if err != nil {
		t.Fatalf("parse the export: %s", describeErr(err))
	}
	total := 0
	for _, recs := range again.Sample.Records {
		total += len(recs)
	}
	t.Logf("sample: %d records, %d notes", total, len(again.Sample.Notes))
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "other@example.com", Name: "另一位管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.e.CreateWorkspace(f.ctx, u.ID, engine.WorkspaceInput{Name: "另一家公司"})
	if err != nil {
		t.Fatal(err)
	}
	other := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	res, err := f.svc.Install(f.ctx, other, again, template.InstallOptions{SampleData: true})
	if err != nil {
		t.Fatalf("install the export with its sample: %s", describeErr(err))
	}
	if res.Counts["sampleRecords"] != total {
		t.Errorf("installed %d sample records of %d", res.Counts["sampleRecords"], total)
	}
	back, err := f.svc.Export(f.ctx, other, res.AppID, template.ExportOptions{})
	if err != nil {
		t.Fatal(describeErr(err))
	}
	first, _ := f.svc.Export(f.ctx, f.admin, f.app, template.ExportOptions{})
	a, _ := json.Marshal(first.Forms)
	b, _ := json.Marshal(back.Forms)
	if string(a) != string(b) {
		for i := range first.Forms {
			x, _ := json.Marshal(first.Forms[i])
			var y []byte
			if i < len(back.Forms) {
				y, _ = json.Marshal(back.Forms[i])
			}
			if string(x) != string(y) {
				t.Errorf("form %s differs after the round trip:\n%s\n%s", first.Forms[i].Key, x, y)
			}
		}
	}
	for kind, items := range first.Parts {
		if len(back.Parts[kind]) != len(items) {
			t.Errorf("%s: %d items after the round trip, %d before", kind, len(back.Parts[kind]), len(items))
		}
	}
}
