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
