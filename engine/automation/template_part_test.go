package automation

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine"
)

// partFx is an automation fixture with the template parts registered and
// a role "manager" held by alice.
type partFx struct {
	*fx
	role string
	apps int
}

func newPartFx(t *testing.T) *partFx {
	t.Helper()
	x := newFx(t, backends()[0], false)
	if err := RegisterTemplateParts(x.e, x.s); err != nil {
		t.Fatal(err)
	}
	r, err := x.e.CreateRole(x.ctx, x.admin, "销售经理", "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := x.e.Membership(x.ctx, x.ws, x.alice.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.e.SetMemberAccess(x.ctx, x.admin, m.ID, []string{r.ID}, nil, m.Version); err != nil {
		t.Fatal(err)
	}
	return &partFx{fx: x, role: r.ID}
}

// secondApp re-creates the deal and contract forms in a new app and
// returns refs that know them and the role by key.
func (x *partFx) secondApp(t *testing.T) *engine.TemplateRefs {
	t.Helper()
	x.apps++
	app, err := x.e.CreateApp(x.ctx, x.admin, engine.AppInput{Name: fmt.Sprintf("销售 %d", x.apps+1)})
	if err != nil {
		t.Fatal(err)
	}
	src := x.app
	x.app = app.ID
	deal, contr := x.form("商机", dealForm), x.form("合同", contractForm)
	x.app = src
	refs := engine.NewTemplateRefs(x.ws, app.ID)
	refs.Set("forms", "deal", deal)
	refs.Set("forms", "contract", contr)
	refs.Set("roles", "manager", x.role)
	return refs
}

func (x *partFx) part(t *testing.T, kind string) engine.TemplatePart {
	t.Helper()
	p, ok := x.e.TemplateParts().Get(kind)
	if !ok {
		t.Fatalf("part %s not registered", kind)
	}
	return p
}

func TestAutomationPartsRoundTrip(t *testing.T) {
	x := newPartFx(t)
	auto := x.publish(x.deal, Design{Name: "赢单建合同", Actor: x.alice.UserID,
		Trigger:   Trigger{Type: TriggerChanged, Fields: []string{"stage"}},
		Condition: `new.stage == "赢单"`,
		Actions: []Action{
			{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.title", "amount": "new.amount"}}},
			{Kind: KindNotify, Config: map[string]any{"title": "赢单：{{title}}", "recipients": map[string]any{"roles": []any{x.role}, "users": []any{x.bob.UserID}}}},
			{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyRoundRobin, "role": x.role}},
		}})
	alert := x.publish(x.deal, Design{Name: "沉默客户", Actor: x.admin.UserID,
		Trigger: Trigger{Type: TriggerSchedule, Cron: "0 9 * * *", Scan: &Scan{Field: "last_contact", OlderThanDays: 7}},
		Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "warning", "title": "{{title}} 7 天未联系",
			"escalation": map[string]any{"headAfterHours": 24, "role": x.role, "roleAfterHours": 48}}}}})
	src := engine.NewTemplateRefs(x.ws, x.app)
	src.Set("forms", "deal", x.deal)
	src.Set("forms", "contract", x.contr)
	src.Set("roles", "manager", x.role)
	src.Set(PartAlerts, "silent", alert.ID)

	autos, alerts := x.part(t, PartAutomations), x.part(t, PartAlerts)
	autoItems, err := autos.Export(x.ctx, x.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	alertItems, err := alerts.Export(x.ctx, x.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(autoItems) != 1 || len(alertItems) != 1 || alertItems[0].Key != "silent" {
		t.Fatalf("export: %+v / %+v", autoItems, alertItems)
	}
	var sp AutomationSpec
	if err := json.Unmarshal(autoItems[0].Spec, &sp); err != nil {
		t.Fatal(err)
	}
	rec := sp.Actions[1].Config["recipients"].(map[string]any)
	if sp.Form != "deal" || sp.Actor != "manager" || sp.Actions[0].Config["form"] != "contract" ||
		rec["roles"].([]any)[0] != "manager" || rec["users"] != nil || sp.Actions[2].Config["role"] != "manager" {
		t.Fatalf("automation spec not portable: %s", autoItems[0].Spec)
	}

	dst := x.secondApp(t)
	for _, c := range []struct {
		p     engine.TemplatePart
		items []engine.TemplateItem
	}{{autos, autoItems}, {alerts, alertItems}} {
		if err := c.p.Check(x.ctx, x.admin, dst, c.items); err != nil {
			t.Fatalf("check %s: %s", c.p.Kind, describe(err))
		}
		if err := c.p.Install(x.ctx, x.admin, dst, c.items); err != nil {
			t.Fatalf("install %s: %s", c.p.Kind, describe(err))
		}
	}
	autoAgain, err := autos.Export(x.ctx, x.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	alertAgain, err := alerts.Export(x.ctx, x.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	sameItems(t, PartAutomations, autoItems, autoAgain)
	sameItems(t, PartAlerts, alertItems, alertAgain)
	sameItems(t, "normalized", autoAgain, normalized(autos, autoAgain))
	sameItems(t, "normalized", alertAgain, normalized(alerts, alertAgain))
	id, _ := dst.ID(PartAutomations, autoItems[0].Key)
	got, err := x.s.Get(x.ctx, x.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Enabled || got.Published != 1 || got.Current.Actor != x.alice.UserID || got.Form != mustID(t, dst, "deal") ||
		got.Current.Actions[0].Config["form"] != mustID(t, dst, "contract") {
		t.Fatalf("installed automation: %+v", got)
	}

	// Update publishes the next version; Remove deletes it.
	sp.Name = "赢单自动建合同"
	sp.Enabled = new(bool)
	raw, _ := json.Marshal(sp)
	if err := autos.Update(x.ctx, x.admin, dst, engine.TemplateItem{Key: autoItems[0].Key, Spec: raw}, id); err != nil {
		t.Fatal(describe(err))
	}
	got, err = x.s.Get(x.ctx, x.admin, id)
	if err != nil || got.Published != 2 || got.Current.Name != "赢单自动建合同" || got.Enabled {
		t.Fatalf("after update: %+v %v", got, err)
	}
	if err := autos.Remove(x.ctx, x.admin, dst, id); err != nil {
		t.Fatal(err)
	}
	if _, err := x.s.Get(x.ctx, x.admin, id); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removed automation: %v", err)
	}
	_ = auto
}

func TestAutomationPartsCheck(t *testing.T) {
	x := newPartFx(t)
	refs := engine.NewTemplateRefs(x.ws, x.app)
	refs.SetDefinition("deal", dealForm)
	refs.SetDefinition("contract", contractForm)
	refs.Declare("roles", "manager")
	refs.Declare("flows", "discount")
	good := AutomationSpec{Form: "deal", Name: "建合同", Trigger: Trigger{Type: TriggerCreated}, Actor: "manager",
		Actions: []Action{
			{Kind: KindCreate, Config: map[string]any{"form": "contract", "values": map[string]any{"title": "new.title"}}},
		}}
	if err := x.part(t, PartAutomations).Check(x.ctx, x.admin, refs, []engine.TemplateItem{item(t, "ok", good)}); err != nil {
		t.Fatalf("good automation: %s", describe(err))
	}
	noForm := good
	noForm.Form = "nothing"
	badExpr := good
	badExpr.Condition = "new.amount >"
	badTarget := good
	badTarget.Actions = []Action{{Kind: KindCreate, Config: map[string]any{"form": "contract", "values": map[string]any{"nope": "1"}}},
		{Kind: KindNotify, Config: map[string]any{"title": "x", "recipients": map[string]any{"roles": []any{"boss"}}}}}
	err := x.part(t, PartAutomations).Check(x.ctx, x.admin, refs, []engine.TemplateItem{item(t, "a", noForm), item(t, "b", badExpr), item(t, "c", badTarget)})
	paths := map[string]bool{}
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error, got %v", err)
	}
	for _, f := range ve.Fields {
		paths[f.Path] = true
	}
	for _, want := range []string{"a.form", "b.condition", "c.actions[0].config.values.nope", "c.actions[1].config.recipients.roles[0]"} {
		if !paths[want] {
			t.Errorf("no problem at %s: %s", want, describe(err))
		}
	}
	// An alert rule is checked as one: an automation without a raise-alert action is refused.
	if err := x.part(t, PartAlerts).Check(x.ctx, x.admin, refs, []engine.TemplateItem{item(t, "ok", good)}); err == nil {
		t.Fatal("an automation passed as an alert rule")
	}
}

func item(t *testing.T, key string, v any) engine.TemplateItem {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return engine.TemplateItem{Key: key, Spec: raw}
}

func mustID(t *testing.T, refs *engine.TemplateRefs, key string) string {
	t.Helper()
	id, ok := refs.ID("forms", key)
	if !ok {
		t.Fatalf("no form %s", key)
	}
	return id
}

func sameItems(t *testing.T, kind string, want, got []engine.TemplateItem) {
	t.Helper()
	norm := func(items []engine.TemplateItem) string {
		var out []any
		for _, it := range items {
			var v any
			if err := json.Unmarshal(it.Spec, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, map[string]any{"key": it.Key, "spec": v})
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	if a, b := norm(want), norm(got); a != b {
		t.Fatalf("%s differ after the round trip:\nwant %s\n got %s", kind, a, b)
	}
}

func normalized(p engine.TemplatePart, items []engine.TemplateItem) []engine.TemplateItem {
	out := make([]engine.TemplateItem, len(items))
	for i, it := range items {
		out[i] = p.Normalize(it)
	}
	return out
}

// TestAutomationPartMembers: sample member keys map to the members'
// users both ways; without them, a round robin falls back to the
// installer so the item stays valid.
func TestAutomationPartMembers(t *testing.T) {
	x := newPartFx(t)
	dst := x.secondApp(t)
	part := x.part(t, PartAutomations)
	spec := AutomationSpec{Form: "deal", Name: "轮流分配", Trigger: Trigger{Type: TriggerCreated},
		Actions: []Action{{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": StrategyRoundRobin, "users": []any{"alice", "bob"}}}}}
	dst.Set("members", "alice", x.alice.UserID)
	dst.Set("members", "bob", x.bob.UserID)
	if err := part.Install(x.ctx, x.admin, dst, []engine.TemplateItem{item(t, "rr", spec)}); err != nil {
		t.Fatal(describe(err))
	}
	id, _ := dst.ID(PartAutomations, "rr")
	got, err := x.s.Get(x.ctx, x.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if users := strList(got.Current.Actions[0].Config["users"]); len(users) != 2 || users[0] != x.alice.UserID || users[1] != x.bob.UserID {
		t.Fatalf("installed candidates %v", users)
	}
	out, err := part.Export(x.ctx, x.admin, dst)
	if err != nil {
		t.Fatal(err)
	}
	sameItems(t, "members", []engine.TemplateItem{part.Normalize(item(t, "rr", spec))}, out)

	// Without sample members the installer takes the round robin.
	bare := x.secondApp(t)
	if err := part.Install(x.ctx, x.admin, bare, []engine.TemplateItem{item(t, "rr", spec)}); err != nil {
		t.Fatal(describe(err))
	}
	id, _ = bare.ID(PartAutomations, "rr")
	got, _ = x.s.Get(x.ctx, x.admin, id)
	if users := strList(got.Current.Actions[0].Config["users"]); len(users) != 1 || users[0] != x.admin.UserID {
		t.Fatalf("candidates without members %v", users)
	}
}
