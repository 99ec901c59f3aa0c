package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

func partOf(t *testing.T, fx *fixture, kind string) engine.TemplatePart {
	t.Helper()
	if _, ok := fx.e.TemplateParts().Get(kind); !ok {
		if err := RegisterTemplateParts(fx.e, fx.s); err != nil {
			t.Fatal(err)
		}
	}
	p, ok := fx.e.TemplateParts().Get(kind)
	if !ok {
		t.Fatalf("%s part not registered", kind)
	}
	return p
}

// otherLeadForm publishes partForm in a new app and returns refs that
// know it as "lead".
func otherLeadForm(t *testing.T, fx *fixture) (string, *engine.TemplateRefs) {
	t.Helper()
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
	return fm.ID, refsOf(t, fx, fm.ID)
}

func TestInboundPartRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		part := partOf(t, fx, PartInbound)
		on := true
		src, err := fx.s.CreateInbound(fx.ctx, fx.admin, InboundInput{Form: fx.form, Name: "官网落地页", Verify: VerifyHMAC, Enabled: &on,
			Mapping: map[string]string{"company": "payload.company", "phone": "payload.phone"}, IdempotencyKey: "payload.id", UpsertField: "phone"})
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
		raw := string(items[0].Spec)
		for _, leak := range []string{src.Token, src.Secret, fx.form, fx.admin.UserID, "enabled", "token"} {
			if contains(raw, leak) {
				t.Fatalf("exported hook carries %q: %s", leak, raw)
			}
		}
		want := `{"form":"lead","name":"官网落地页","verify":"hmac","signatureHeader":"X-Signature","mapping":{"company":"payload.company","phone":"payload.phone"},"idempotencyKey":"payload.id","upsertField":"phone"}`
		if raw != want {
			t.Fatalf("export:\nwant %s\n got %s", want, raw)
		}
		if n := part.Normalize(engine.TemplateItem{Key: "x", Spec: json.RawMessage(`{"form":"lead","name":" 官网落地页 ","verify":"hmac","mapping":{"phone":"payload.phone","company":"payload.company"},"idempotencyKey":"payload.id","upsertField":"phone"}`)}); string(n.Spec) != want {
			t.Fatalf("normalized: %s", n.Spec)
		}

		// Installed elsewhere: switched off, with a token nobody knows.
		other, dst := otherLeadForm(t, fx)
		if err := part.Check(fx.ctx, fx.admin, dst, items); err != nil {
			t.Fatalf("check: %v", err)
		}
		if err := part.Install(fx.ctx, fx.admin, dst, items); err != nil {
			t.Fatalf("install: %v", err)
		}
		id, ok := dst.ID(PartInbound, items[0].Key)
		if !ok {
			t.Fatal("install recorded no id")
		}
		list, err := fx.s.InboundHooks(fx.ctx, fx.admin)
		if err != nil {
			t.Fatal(err)
		}
		var h InboundHook
		for _, x := range list {
			if x.ID == id {
				h = x
			}
		}
		if h.Enabled || h.Form != other || h.Actor != fx.admin.UserID {
			t.Fatalf("installed hook: %+v", h)
		}
		again, err := part.Export(fx.ctx, fx.admin, dst)
		if err != nil || len(again) != 1 || string(again[0].Spec) != want || again[0].Key != items[0].Key {
			t.Fatalf("round trip: %+v %v", again, err)
		}
		// The admin rotates to get a token (and secret) and the hook is on.
		rot, err := fx.s.RotateInbound(fx.ctx, fx.admin, id)
		if err != nil || rot.Token == "" || rot.Secret == "" || !rot.Enabled {
			t.Fatalf("rotate: %+v %v", rot, err)
		}
		// An upgrade changes the mapping and keeps token, secret, state.
		var sp InboundSpec
		_ = json.Unmarshal(items[0].Spec, &sp)
		sp.Mapping["amount"] = "payload.amount"
		if err := part.Update(fx.ctx, fx.admin, dst, specItem(t, items[0].Key, sp), id); err != nil {
			t.Fatal(err)
		}
		body := []byte(`{"id":"s1","company":"华星","phone":"13800138000","amount":5}`)
		res, err := fx.s.Receive(fx.ctx, id, rot.Token, map[string]string{"X-Signature": hmacHex(rot.Secret, body)}, body)
		if err != nil || res.Action != "created" {
			t.Fatalf("call after upgrade: %+v %v", res, err)
		}
		rec, err := fx.e.Record(fx.ctx, fx.admin, other, res.Record)
		if err != nil || rec.Data["amount"] != float64(5) {
			t.Fatalf("record: %+v %v", rec, err)
		}
		// Switching the form is refused.
		sp.Form = "nothing"
		if err := part.Update(fx.ctx, fx.admin, dst, specItem(t, items[0].Key, sp), id); err == nil {
			t.Fatal("update to an unknown form passed")
		}
		if err := part.Remove(fx.ctx, fx.admin, dst, id); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.Receive(fx.ctx, id, rot.Token, nil, body); !errors.Is(err, ErrHookUnknown) {
			t.Fatalf("removed hook answers: %v", err)
		}
	})
}

func TestInboundPartCheck(t *testing.T) {
	fx := newFixture(t)
	part := partOf(t, fx, PartInbound)
	refs := engine.NewTemplateRefs(fx.admin.Workspace, "")
	refs.Declare("forms", "lead")
	refs.SetDefinition("lead", partForm)
	good := InboundSpec{Form: "lead", Name: "落地页", Mapping: map[string]string{"company": "payload.company"}}
	if err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{specItem(t, "landing", good)}); err != nil {
		t.Fatalf("good hook: %v", err)
	}
	noForm, badMap, badVerify := good, good, good
	noForm.Form = "nothing"
	badMap.Mapping = map[string]string{"nope": "payload.x", "company": "payload."}
	badMap.UpsertField = "phone"
	badVerify.Verify = "magic"
	err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{specItem(t, "a", noForm), specItem(t, "b", badMap), specItem(t, "c", badVerify),
		{Key: "d", Spec: json.RawMessage(`{"form":"lead","name":"x","mapping":{"company":"1"},"token":"abc"}`)}})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Path] = f.Code
	}
	for p, code := range map[string]string{"a.form": engine.CodeTemplateRef, "b.mapping.nope": CodeMapping, "b.mapping.company": "expression",
		"b.upsertField": CodeMapping, "c.verify": CodeSignature, "d": engine.CodeTemplateSpec} {
		if got[p] != code {
			t.Errorf("%s: want %s, got %v", p, code, got)
		}
	}
}

func TestPublicLinkPartRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		part := partOf(t, fx, PartPublicLinks)
		on := true
		src, err := fx.s.SavePublicLink(fx.ctx, fx.admin, fx.form, PublicLinkInput{Fields: []string{"company", "phone"}, Title: "联系我们",
			Thanks: "谢谢", PerIPHour: 5, Enabled: &on}, 0)
		if err != nil || src.Token == "" {
			t.Fatalf("save: %+v %v", src, err)
		}
		if _, err := fx.s.SubmitPublic(fx.ctx, src.Token, "192.0.2.1", map[string]any{"company": "一号"}, ""); err != nil {
			t.Fatal(err)
		}
		items, err := part.Export(fx.ctx, fx.admin, refsOf(t, fx, fx.form))
		if err != nil {
			t.Fatal(err)
		}
		want := `{"fields":["company","phone"],"title":"联系我们","thanks":"谢谢","perIpHour":5}`
		if len(items) != 1 || items[0].Key != "lead" || string(items[0].Spec) != want {
			t.Fatalf("export: %+v", items)
		}
		if n := part.Normalize(engine.TemplateItem{Key: "lead", Spec: json.RawMessage(`{"fields":["company","phone"],"title":" 联系我们 ","thanks":"谢谢","perIpHour":5}`)}); string(n.Spec) != want {
			t.Fatalf("normalized: %s", n.Spec)
		}
		other, dst := otherLeadForm(t, fx)
		if err := part.Check(fx.ctx, fx.admin, dst, items); err != nil {
			t.Fatalf("check: %v", err)
		}
		if err := part.Install(fx.ctx, fx.admin, dst, items); err != nil {
			t.Fatalf("install: %v", err)
		}
		id, ok := dst.ID(PartPublicLinks, "lead")
		if !ok {
			t.Fatal("install recorded no id")
		}
		l, err := fx.s.PublicLinkOf(fx.ctx, fx.admin, other)
		if err != nil || l.Enabled || l.HasToken || l.Submissions != 0 || l.Title != "联系我们" {
			t.Fatalf("installed link: %+v %v", l, err)
		}
		again, err := part.Export(fx.ctx, fx.admin, dst)
		if err != nil || len(again) != 1 || string(again[0].Spec) != want {
			t.Fatalf("round trip: %+v %v", again, err)
		}
		// The admin enables it; an upgrade keeps it on with its token.
		saved, err := fx.s.SavePublicLink(fx.ctx, fx.admin, other, PublicLinkInput{Fields: l.Fields, Title: l.Title, Thanks: l.Thanks, PerIPHour: 5, Enabled: &on}, l.Version)
		if err != nil || saved.Token == "" {
			t.Fatalf("enable: %+v %v", saved, err)
		}
		if err := part.Update(fx.ctx, fx.admin, dst, specItem(t, "lead", PublicLinkSpec{Fields: []string{"company", "amount"}, Title: "留下联系方式"}), id); err != nil {
			t.Fatal(err)
		}
		pf, err := fx.s.PublicFormOf(fx.ctx, saved.Token)
		if err != nil || pf.Title != "留下联系方式" || len(pf.Fields) != 2 || pf.Fields[1].Key != "amount" {
			t.Fatalf("after upgrade: %+v %v", pf, err)
		}
		if err := part.Remove(fx.ctx, fx.admin, dst, id); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.s.PublicFormOf(fx.ctx, saved.Token); !errors.Is(err, ErrLinkUnknown) {
			t.Fatalf("removed link answers: %v", err)
		}
	})
}

func TestPublicLinkPartCheck(t *testing.T) {
	fx := newFixture(t)
	part := partOf(t, fx, PartPublicLinks)
	refs := engine.NewTemplateRefs(fx.admin.Workspace, "")
	refs.Declare("forms", "lead")
	def := partForm
	def.Fields = append(append([]form.Field(nil), partForm.Fields...), form.Field{Key: "owner", Type: "user", Label: "负责人"})
	refs.SetDefinition("lead", def)
	if err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{specItem(t, "lead", PublicLinkSpec{Fields: []string{"company"}})}); err != nil {
		t.Fatalf("good link: %v", err)
	}
	err := part.Check(fx.ctx, fx.admin, refs, []engine.TemplateItem{
		specItem(t, "lead", PublicLinkSpec{Fields: []string{"phone", "owner", "nope"}, PerIPHour: -1}),
		specItem(t, "nothing", PublicLinkSpec{Fields: []string{"a"}})})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	got := map[string]string{}
	for _, f := range ve.Fields {
		got[f.Path] = f.Code
	}
	for p, code := range map[string]string{"lead.fields": CodePublicHidden, "lead.fields.1": CodePublicFieldType, "lead.fields.2": CodeMapping,
		"lead.perIpHour": CodePublicLimit, "nothing": engine.CodeTemplateRef} {
		if got[p] != code {
			t.Errorf("%s: want %s, got %v", p, code, got)
		}
	}
}

func hmacHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// TestPublicRateWindows: a link's windows per client address count every
// call for an hour of the service clock, then start again; addresses are
// counted apart from each other and from the per-link window.
func TestPublicRateWindows(t *testing.T) {
	fx := newFixture(t)
	on := true
	l, err := fx.s.SavePublicLink(fx.ctx, fx.admin, fx.form, PublicLinkInput{Fields: []string{"company"}, PerIPHour: 2, Enabled: &on}, 0)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(ip string) error {
		_, err := fx.s.SubmitPublic(fx.ctx, l.Token, ip, map[string]any{"company": "一号"}, "")
		return err
	}
	for i := range 2 {
		if err := submit("192.0.2.1"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if err := submit("192.0.2.1"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("third call: %v", err)
	}
	if err := submit("192.0.2.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	fx.clock.Advance(61 * time.Minute)
	if err := submit("192.0.2.1"); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
	// A filled honeypot writes nothing and still counts.
	if _, err := fx.s.SubmitPublic(fx.ctx, l.Token, "192.0.2.3", map[string]any{"company": "机器人"}, "http://spam.example"); err != nil {
		t.Fatal(err)
	}
	page, err := fx.e.QueryRecords(fx.ctx, fx.admin, fx.form, engine.RecordQuery{Limit: 10, Total: true})
	if err != nil || *page.Total != 4 {
		t.Fatalf("records: %v %v", page.Total, err)
	}
}
