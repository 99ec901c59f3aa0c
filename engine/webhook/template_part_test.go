package webhook

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

var partForm = form.Definition{Fields: []form.Field{
	{Key: "company", Type: "text", Label: "公司", Required: true},
	{Key: "amount", Type: "number", Label: "金额"},
	{Key: "phone", Type: "text", Label: "电话"},
}}

func hookPartOf(t *testing.T, fx *fixture) engine.TemplatePart {
	t.Helper()
	if err := RegisterTemplateParts(fx.e, fx.s); err != nil {
		t.Fatal(err)
	}
	p, ok := fx.e.TemplateParts().Get(PartWebhooks)
	if !ok {
		t.Fatal("webhooks part not registered")
	}
	return p
}

func refsOf(t *testing.T, fx *fixture, formID string) *engine.TemplateRefs {
	t.Helper()
	app, err := fx.e.FormApp(fx.ctx, fx.admin.Workspace, formID)
	if err != nil {
		t.Fatal(err)
	}
	refs := engine.NewTemplateRefs(fx.admin.Workspace, app)
	refs.Set("forms", "lead", formID)
	return refs
}

func TestWebhookPartRoundTrip(t *testing.T) {
	fx := newFixture(t)
	part := hookPartOf(t, fx)
	on := true
	src, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, EndpointInput{URL: "https://erp.example.com/hook?token=abc123&x=1", Description: "ERP",
		Events: []string{"record.created", "record.updated"}, Form: fx.form, Filter: "amount > 100", Enabled: &on,
		Headers: map[string]string{"X-Source": "formloom", "Authorization": "Bearer abc", "X-Tenant": "Ab3dEf6hIj9kLm2nOp5q"}})
	if err != nil {
		t.Fatal(err)
	}
	items, err := part.Export(fx.ctx, fx.admin, refsOf(t, fx, fx.form))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("export: %+v", items)
	}
	var sp WebhookSpec
	if err := json.Unmarshal(items[0].Spec, &sp); err != nil {
		t.Fatal(err)
	}
	if sp.URL != "https://erp.example.com/hook?x=1" || sp.Form != "lead" || len(sp.Headers) != 1 || sp.Headers["X-Source"] != "formloom" ||
		len(sp.SecretHeaders) != 2 {
		t.Fatalf("exported spec carries secrets or ids: %s", items[0].Spec)
	}
	if raw := string(items[0].Spec); contains(raw, "Bearer") || contains(raw, src.Secret) || contains(raw, fx.form) {
		t.Fatalf("exported spec carries secrets or ids: %s", raw)
	}

	app, err := fx.e.CreateApp(fx.ctx, fx.admin, engine.AppInput{Name: "目标应用"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := fx.e.CreateForm(fx.ctx, fx.admin, app.ID, engine.FormInput{Name: "线索", Definition: partForm})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.b.Publish(fx.ctx, fx.admin, fm.ID, fm.Version); err != nil {
		t.Fatal(err)
	}
	other := fm.ID
	dst := refsOf(t, fx, other)
	if err := part.Check(fx.ctx, fx.admin, dst, items); err != nil {
		t.Fatalf("check: %v", err)
	}
	if err := part.Install(fx.ctx, fx.admin, dst, items); err != nil {
		t.Fatalf("install: %v", err)
	}
	id, ok := dst.ID(PartWebhooks, items[0].Key)
	if !ok {
		t.Fatal("install recorded no id")
	}
	ep, err := fx.s.Endpoint(fx.ctx, fx.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if ep.Enabled || ep.Form != other || ep.SecretHint == "" || ep.SecretHint == src.SecretHint {
		t.Fatalf("installed endpoint: %+v", ep)
	}
	again, err := part.Export(fx.ctx, fx.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	sp.SecretHeaders = nil // the admin has not set them up yet
	want, _ := json.Marshal(sp)
	if len(again) != 1 || again[0].Key != items[0].Key || string(again[0].Spec) != string(want) {
		t.Fatalf("round trip:\nwant %s\n got %+v", want, again)
	}
	// The secretHeaders note is not part of the normal form.
	if n := part.Normalize(items[0]); string(n.Spec) != string(want) {
		t.Fatalf("normalized:\nwant %s\n got %s", want, n.Spec)
	}

	// The admin sets the credential; an update from the template keeps it
	// and leaves the endpoint as the admin switched it.
	enable := true
	ep, err = fx.s.UpdateEndpoint(fx.ctx, fx.admin, id, EndpointInput{URL: ep.URL, Events: ep.Events, Form: ep.Form, Filter: ep.Filter,
		Headers: map[string]string{"X-Source": "formloom", "Authorization": "Bearer real"}, Enabled: &enable}, ep.Version)
	if err != nil {
		t.Fatal(err)
	}
	sp.Description = "ERP 合同"
	raw, _ := json.Marshal(sp)
	if err := part.Update(fx.ctx, fx.admin, dst, engine.TemplateItem{Key: items[0].Key, Spec: raw}, id); err != nil {
		t.Fatal(err)
	}
	ep, err = fx.s.Endpoint(fx.ctx, fx.admin, id)
	if err != nil || ep.Description != "ERP 合同" || ep.Headers["Authorization"] != "Bearer real" || !ep.Enabled {
		t.Fatalf("updated endpoint: %+v %v", ep, err)
	}
	if err := part.Remove(fx.ctx, fx.admin, dst, id); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.s.Endpoint(fx.ctx, fx.admin, id); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removed endpoint: %v", err)
	}
}

func TestWebhookPartCheck(t *testing.T) {
	fx := newFixture(t)
	part := hookPartOf(t, fx)
	refs := engine.NewTemplateRefs(fx.admin.Workspace, "")
	refs.SetDefinition("lead", partForm)
	good := WebhookSpec{URL: "https://erp.example.com/hook", Events: []string{"record.created"}, Form: "lead", Filter: "amount > 100"}
	if err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{specItem(t, "erp", good)}); err != nil {
		t.Fatalf("good endpoint: %v", err)
	}
	noForm, badFilter, secret := good, good, good
	noForm.Form = "nothing"
	badFilter.Filter = "amount >"
	secret.Headers = map[string]string{"Authorization": "Bearer x"}
	secret.URL = "ftp://erp.example.com"
	err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{specItem(t, "a", noForm), specItem(t, "b", badFilter), specItem(t, "c", secret)})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Path] = f.Code
	}
	for p, code := range map[string]string{"a.form": engine.CodeTemplateRef, "b.filter": "expression",
		"c.headers.Authorization": engine.CodeTemplateSecret, "c.url": CodeScheme} {
		if got[p] != code {
			t.Errorf("%s: want %s, got %v", p, code, got)
		}
	}
}

func specItem(t *testing.T, key string, v any) engine.TemplateItem {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return engine.TemplateItem{Key: key, Spec: raw}
}

func contains(s, sub string) bool { return sub != "" && strings.Contains(s, sub) }
