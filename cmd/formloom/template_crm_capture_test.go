package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/engine/webhook"
)

// TestCRMTemplateLeadCapture checks the CRM's lead capture parts: the
// 线索 form's public link and the landing page's inbound hook are
// installed switched off without a token anyone has seen; once an admin
// enables the link and rotates the hook, a visitor's submission and a
// landing page's call each write a lead that the CRM's automations score
// and assign, and the export carries both parts without secrets.
func TestCRMTemplateLeadCapture(t *testing.T) {
	f := installCRM(t)
	lead := f.forms["lead"].ID
	l, err := f.hooks.PublicLinkOf(f.ctx, f.admin, lead)
	if err != nil || l.Enabled || l.HasToken || l.Presets["source"] != "website" || len(l.Fields) == 0 {
		t.Fatalf("installed public link: %+v %v", l, err)
	}
	hooks, err := f.hooks.InboundHooks(f.ctx, f.admin)
	if err != nil || len(hooks) != 1 || hooks[0].Enabled || hooks[0].Form != lead || hooks[0].UpsertField != "phone" {
		t.Fatalf("installed inbound hooks: %+v %v", hooks, err)
	}

	on := true
	saved, err := f.hooks.SavePublicLink(f.ctx, f.admin, lead, webhook.PublicLinkInput{Fields: l.Fields, Title: l.Title, Description: l.Description,
		Thanks: l.Thanks, PerIPHour: l.PerIPHour, Presets: l.Presets, Enabled: &on}, l.Version)
	if err != nil || saved.Token == "" {
		t.Fatalf("enable: %+v %s", saved, describeErr(err))
	}
	pf, err := f.hooks.PublicFormOf(f.ctx, saved.Token)
	if err != nil || pf.Title != "联系我们" {
		t.Fatalf("public form: %+v %v", pf, err)
	}
	res, err := f.hooks.SubmitPublic(f.ctx, saved.Token, "198.51.100.7", map[string]any{"company": "苏州公开表单科技有限公司", "contact_name": "林访客",
		"phone": "13911112222", "region": "east", "budget": 800000, "timeline": "m3"}, "")
	if err != nil {
		t.Fatalf("public submission: %s", describeErr(err))
	}
	rot, err := f.hooks.RotateInbound(f.ctx, f.admin, hooks[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"submission_id":"lp-1","company":"无锡落地页制造有限公司","name":"赵落地","phone":"13922223333","region":"east","message":"想了解报价"}`)
	in, err := f.hooks.Receive(f.ctx, hooks[0].ID, rot.Token, nil, body)
	if err != nil || in.Action != "created" {
		t.Fatalf("landing page call: %+v %s", in, describeErr(err))
	}

	rctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = f.work.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(60 * time.Second)
	for _, c := range []struct{ id, source string }{{res.RecordOf(), "website"}, {in.Record, "landing"}} {
		for {
			r, err := f.e.Record(f.ctx, f.admin, lead, c.id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Data["owner"] != nil {
				if r.Data["source"] != c.source || r.Data["score"] == nil || r.Data["status"] != "new" {
					t.Fatalf("captured lead: %v", r.Data)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("lead %s from %s was not assigned: %v", c.id, c.source, r.Data)
			}
			f.work.Kick()
			time.Sleep(5 * time.Millisecond)
		}
	}

	pkg, err := f.svc.Export(f.ctx, f.admin, f.app, template.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(pkg.Parts)
	for _, kind := range []string{webhook.PartInbound, webhook.PartPublicLinks} {
		if len(pkg.Parts[kind]) != 1 {
			t.Fatalf("export %s: %s", kind, raw)
		}
	}
	for _, leak := range []string{saved.Token, rot.Token, lead, f.admin.UserID} {
		if strings.Contains(string(raw), leak) {
			t.Fatalf("the export carries %q", leak)
		}
	}
}

// TestCRMTemplateLeadCaptureUpgrade upgrades a CRM installed without the
// capture parts (as installed before they existed) to the shipped one: the
// preview lists the public link and the hook as added, the upgrade installs
// them switched off; a later template change of the link's texts is a
// change that keeps the link on with its token.
func TestCRMTemplateLeadCaptureUpgrade(t *testing.T) {
	f := installCRM(t)
	old, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	delete(old.Parts, webhook.PartInbound)
	delete(old.Parts, webhook.PartPublicLinks)
	res, err := f.svc.Install(f.ctx, f.admin, old, template.InstallOptions{AppName: "旧版商机管理"})
	if err != nil {
		t.Fatalf("install the old package: %s", describeErr(err))
	}
	next, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	next.Template.Version = "1.0.1"
	plan, err := f.svc.Preview(f.ctx, f.admin, res.AppID, next)
	if err != nil {
		t.Fatalf("preview: %s", describeErr(err))
	}
	added := map[string]bool{}
	for _, c := range plan.Changes {
		if c.Op == "add" {
			added[c.Kind+":"+c.Key] = true
		}
	}
	if !added["inbound:landing_page"] || !added["publinks:lead"] || len(plan.Conflicts) != 0 {
		t.Fatalf("preview: %+v", plan)
	}
	if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, next, nil); err != nil {
		t.Fatalf("upgrade: %s", describeErr(err))
	}
	forms, err := f.e.Forms(f.ctx, f.admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	var lead string
	for _, fm := range forms {
		if fm.Name == "线索" {
			lead = fm.ID
		}
	}
	l, err := f.hooks.PublicLinkOf(f.ctx, f.admin, lead)
	if err != nil || l.Enabled || l.HasToken {
		t.Fatalf("the upgrade's public link: %+v %v", l, err)
	}
	on := true
	saved, err := f.hooks.SavePublicLink(f.ctx, f.admin, lead, webhook.PublicLinkInput{Fields: l.Fields, Title: l.Title, Description: l.Description,
		Thanks: l.Thanks, PerIPHour: l.PerIPHour, Presets: l.Presets, Enabled: &on}, l.Version)
	if err != nil {
		t.Fatal(err)
	}

	// The template's next version retitles the page.
	later, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	later.Template.Version = "1.0.2"
	var sp webhook.PublicLinkSpec
	if err := json.Unmarshal(later.Parts[webhook.PartPublicLinks][0].Spec, &sp); err != nil {
		t.Fatal(err)
	}
	sp.Title = "免费试用申请"
	later.Parts[webhook.PartPublicLinks][0].Spec, _ = json.Marshal(sp)
	plan, err = f.svc.Preview(f.ctx, f.admin, res.AppID, later)
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, c := range plan.Changes {
		changed = changed || c.Kind == webhook.PartPublicLinks && c.Key == "lead" && c.Op == "change"
	}
	if !changed || len(plan.Conflicts) != 0 {
		t.Fatalf("preview of the retitle: %+v", plan)
	}
	if _, err := f.svc.Upgrade(f.ctx, f.admin, res.AppID, later, nil); err != nil {
		t.Fatalf("upgrade: %s", describeErr(err))
	}
	pf, err := f.hooks.PublicFormOf(f.ctx, saved.Token)
	if err != nil || pf.Title != "免费试用申请" {
		t.Fatalf("after the retitle: %+v %v", pf, err)
	}

	// Installed in English, the page's texts and the hook's name are the overlay's.
	en, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	res, err = f.svc.Install(f.ctx, f.admin, en, template.InstallOptions{AppName: "CRM (en)", Locale: "en"})
	if err != nil {
		t.Fatalf("install in English: %s", describeErr(err))
	}
	forms, err = f.e.Forms(f.ctx, f.admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, fm := range forms {
		if l, err := f.hooks.PublicLinkOf(f.ctx, f.admin, fm.ID); err == nil {
			found = true
			if l.Title != "Contact us" || !strings.HasPrefix(l.Thanks, "Thank you") {
				t.Fatalf("English public link: %+v", l)
			}
		}
	}
	hooks, err := f.hooks.InboundHooks(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, h := range hooks {
		named = named || h.Name == "Website landing page"
	}
	if !found || !named {
		t.Fatalf("English install: link %v, hook named %v", found, named)
	}
}
