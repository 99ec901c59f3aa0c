package webhook

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
)

// addMember adds a member to the fixture's workspace and returns its user id.
func (fx *fixture) addMember(t *testing.T, email string) string {
	t.Helper()
	u, err := fx.e.CreateUser(fx.ctx, engine.UserInput{Email: email, Name: "成员"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.e.AddMember(fx.ctx, fx.admin, u.ID, engine.RoleMember, nil); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// actorCode returns the code of the validation error on "actor", or "".
func actorCode(err error) string {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			if f.Path == "actor" {
				return f.Code
			}
		}
	}
	return ""
}

// TestEndpointActor: the actor is a choice on the endpoint (the creator by
// default), validated as a live member who may read the form, and the
// payloads carry only what that member may see.
func TestEndpointActor(t *testing.T) {
	eachBackend(t, func(t *testing.T, fx *fixture) {
		viewer := fx.addMember(t, "viewer@example.com")
		outsider := fx.addMember(t, "outsider@example.com")
		set, _ := engine.PresetSet(engine.PresetViewAll)
		set.Fields = map[string]engine.FieldAccess{"amount": engine.FieldHidden}
		set.Grants = []engine.Grant{{Kind: engine.GrantMember, ID: viewer}}
		fp, _, err := fx.e.SavePermissionSet(fx.ctx, fx.admin, fx.form, set, 0)
		if err != nil {
			t.Fatal(err)
		}
		// Only the viewer's set applies: drop the default "every member" one.
		for _, ps := range fp.Sets {
			if len(ps.Grants) == 1 && ps.Grants[0].Kind == engine.GrantEveryone {
				if fp, err = fx.e.DeletePermissionSet(fx.ctx, fx.admin, fx.form, ps.ID, fp.Version); err != nil {
					t.Fatal(err)
				}
			}
		}
		rc := newReceiver(t)
		byDefault := fx.endpoint(t, rc.srv.URL, nil)
		if byDefault.Actor != fx.admin.UserID {
			t.Fatalf("default actor %q, want the creator", byDefault.Actor)
		}
		ep := fx.endpoint(t, rc.srv.URL, func(in *EndpointInput) { in.Actor = viewer })
		if ep.Actor != viewer {
			t.Fatalf("actor %q, want %q", ep.Actor, viewer)
		}
		for name, id := range map[string]string{"no access to the form": outsider, "not a member": "01jzzzzzzzzzzzzzzzzzzzzzzz"} {
			_, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, EndpointInput{URL: rc.srv.URL, Events: []string{"record.created"}, Form: fx.form, Actor: id})
			want := CodeActorForm
			if id != outsider {
				want = CodeActor
			}
			if code := actorCode(err); code != want {
				t.Errorf("%s: %v, want %s", name, err, want)
			}
		}
		// Without a form the actor need only be a live member.
		if _, err := fx.s.CreateEndpoint(fx.ctx, fx.admin, EndpointInput{URL: rc.srv.URL, Events: []string{"form.published"}, Actor: outsider}); err != nil {
			t.Errorf("an endpoint of every form with a member as actor: %v", err)
		}
		// An update without an actor keeps it; one with a bad actor changes nothing.
		up, err := fx.s.UpdateEndpoint(fx.ctx, fx.admin, ep.ID, EndpointInput{URL: rc.srv.URL, Events: []string{"record.created"}, Form: fx.form}, ep.Version)
		if err != nil || up.Actor != viewer {
			t.Fatalf("update: actor %q, %v", up.Actor, err)
		}
		if _, err := fx.s.UpdateEndpoint(fx.ctx, fx.admin, ep.ID, EndpointInput{URL: rc.srv.URL, Events: []string{"record.created"}, Form: fx.form, Actor: outsider}, up.Version); actorCode(err) != CodeActorForm {
			t.Fatalf("update to an actor without access: %v", err)
		}
		fx.create(t, map[string]any{"company": "甲", "amount": 5000})
		fx.deliveries(t, ep.ID, 1)
		fx.deliverAll(t)
		viewerDeliveries, err := fx.s.Deliveries(fx.ctx, fx.admin, ep.ID, "", "", 10)
		if err != nil || len(viewerDeliveries.Deliveries) != 1 {
			t.Fatalf("viewer's endpoint deliveries: %v %v", viewerDeliveries, err)
		}
		d, err := fx.s.Delivery(fx.ctx, fx.admin, viewerDeliveries.Deliveries[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := recordDataOf(t, d)
		if _, ok := rec["amount"]; ok || rec["company"] != "甲" {
			t.Fatalf("the viewer's payload carries %v (amount is hidden from them)", rec)
		}
		adminDeliveries, err := fx.s.Deliveries(fx.ctx, fx.admin, byDefault.ID, "", "", 10)
		if err != nil || len(adminDeliveries.Deliveries) != 1 {
			t.Fatalf("admin's endpoint deliveries: %v %v", adminDeliveries, err)
		}
		d, _ = fx.s.Delivery(fx.ctx, fx.admin, adminDeliveries.Deliveries[0].ID)
		if rec := recordDataOf(t, d); rec["amount"] != 5000.0 {
			t.Fatalf("the admin's payload lacks amount: %v", rec)
		}
		// An inbound hook writes as its actor, who must be able to create.
		_, err = fx.s.CreateInbound(fx.ctx, fx.admin, InboundInput{Form: fx.form, Name: "线索", Mapping: map[string]string{"company": "payload.name"}, Actor: viewer})
		if actorCode(err) != CodeActorForm {
			t.Fatalf("inbound hook with a view-only actor: %v", err)
		}
	})
}

// recordDataOf returns the record fields of a delivery's payload.
func recordDataOf(t *testing.T, d Delivery) map[string]any {
	t.Helper()
	var p struct {
		Data struct {
			Record struct {
				Data map[string]any `json:"data"`
			} `json:"record"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p.Data.Record.Data
}
