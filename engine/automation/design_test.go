package automation

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/i18n"
)

// TestPublishRefusesBadDesignsPerField checks that every problem of a
// design is one per-field error with a path the editor can point at, a
// stable code and a text in zh-CN and en, and that nothing is published.
func TestPublishRefusesBadDesignsPerField(t *testing.T) {
	x := newFx(t, backends()[0], false)
	ok := Design{Name: "ok", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("hi")}}
	cases := []struct {
		name string
		edit func(d *Design)
		path string
		code string
	}{
		{"unknown trigger", func(d *Design) { d.Trigger.Type = "record.moved" }, "trigger.type", CodeTrigger},
		{"changed without fields", func(d *Design) { d.Trigger = Trigger{Type: TriggerChanged} }, "trigger.fields", codeRequired},
		{"changed unknown field", func(d *Design) { d.Trigger = Trigger{Type: TriggerChanged, Fields: []string{"nope"}} }, "trigger.fields[0]", CodeField},
		{"bad cron", func(d *Design) { d.Trigger = Trigger{Type: TriggerSchedule, Cron: "61 * * * *"} }, "trigger.cron", CodeCron},
		{"empty cron", func(d *Design) { d.Trigger = Trigger{Type: TriggerSchedule} }, "trigger.cron", CodeCron},
		{"scan field not a date", func(d *Design) {
			d.Trigger = Trigger{Type: TriggerSchedule, Cron: "@daily", Scan: &Scan{Field: "title", OlderThanDays: 3}}
		}, "trigger.scan.field", CodeFieldType},
		{"scan days", func(d *Design) {
			d.Trigger = Trigger{Type: TriggerSchedule, Cron: "@daily", Scan: &Scan{Field: "updatedAt", OlderThanDays: 0}}
		}, "trigger.scan.olderThanDays", CodeRange},
		{"date without settings", func(d *Design) { d.Trigger = Trigger{Type: TriggerDate} }, "trigger.date", codeRequired},
		{"date field type", func(d *Design) {
			d.Trigger = Trigger{Type: TriggerDate, Date: &DateTrigger{Field: "amount", OffsetDays: 1}}
		}, "trigger.date.field", CodeFieldType},
		{"date time", func(d *Design) {
			d.Trigger = Trigger{Type: TriggerDate, Date: &DateTrigger{Field: "close_date", Time: "9 o'clock"}}
		}, "trigger.date.time", CodeActionCfg},
		{"event type", func(d *Design) { d.Trigger = Trigger{Type: TriggerEvent, Event: "Not An Event"} }, "trigger.event", CodeTrigger},
		{"condition not boolean", func(d *Design) { d.Condition = "new.amount + 1" }, "condition", ""},
		{"condition unknown field", func(d *Design) { d.Condition = `new.nope > 1` }, "condition", ""},
		{"no actions", func(d *Design) { d.Actions = nil }, "actions", codeRequired},
		{"unknown action", func(d *Design) { d.Actions = []Action{{Kind: "launch.rocket"}} }, "actions[0].kind", CodeActionKind},
		{"unknown config key", func(d *Design) {
			d.Actions = []Action{{Kind: KindNotify, Config: map[string]any{"title": "x", "recipients": map[string]any{"owner": true}, "colour": "red"}}}
		}, "actions[0].config", CodeActionCfg},
		{"notify without title", func(d *Design) {
			d.Actions = []Action{{Kind: KindNotify, Config: map[string]any{"recipients": map[string]any{"owner": true}}}}
		}, "actions[0].config.title", codeRequired},
		{"notify without recipients", func(d *Design) {
			d.Actions = []Action{{Kind: KindNotify, Config: map[string]any{"title": "x"}}}
		}, "actions[0].config.recipients", codeRequired},
		{"template placeholder", func(d *Design) { d.Actions = []Action{notifyOwner("{{nope}} won")} }, "actions[0].config.title", CodeTemplate},
		{"create into a missing form", func(d *Design) {
			d.Actions = []Action{{Kind: KindCreate, Config: map[string]any{"form": "f_missing", "values": map[string]any{"title": "title"}}}}
		}, "actions[0].config.form", CodeTargetForm},
		{"create unknown target field", func(d *Design) {
			d.Actions = []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"nope": "title"}}}}
		}, "actions[0].config.values.nope", CodeField},
		{"create bad mapping", func(d *Design) {
			d.Actions = []Action{{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": "new.nope"}}}}
		}, "actions[0].config.values.title", ""},
		{"update query without match", func(d *Design) {
			d.Actions = []Action{{Kind: KindUpdate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": `"x"`}}}}
		}, "actions[0].config.match", codeRequired},
		{"update limit", func(d *Design) {
			d.Actions = []Action{{Kind: KindUpdate, Config: map[string]any{"values": map[string]any{"title": `"x"`}, "limit": 100000}}}
		}, "actions[0].config.limit", CodeRange},
		{"tags not multiselect", func(d *Design) {
			d.Actions = []Action{{Kind: KindTags, Config: map[string]any{"field": "stage", "add": []any{"hot"}}}}
		}, "actions[0].config.field", CodeFieldType},
		{"tags unknown option", func(d *Design) {
			d.Actions = []Action{{Kind: KindTags, Config: map[string]any{"field": "tags", "add": []any{"lukewarm"}}}}
		}, "actions[0].config.add", CodeActionCfg},
		{"assign not a user field", func(d *Design) {
			d.Actions = []Action{{Kind: KindAssign, Config: map[string]any{"field": "title", "strategy": "round_robin", "users": []any{x.alice.UserID}}}}
		}, "actions[0].config.field", CodeFieldType},
		{"assign strategy", func(d *Design) {
			d.Actions = []Action{{Kind: KindAssign, Config: map[string]any{"field": "assignee", "strategy": "coin"}}}
		}, "actions[0].config.strategy", CodeActionCfg},
		{"alert severity", func(d *Design) {
			d.Actions = []Action{{Kind: KindAlert, Config: map[string]any{"severity": "doom", "title": "x"}}}
		}, "actions[0].config.severity", CodeActionCfg},
		{"alert escalation order", func(d *Design) {
			d.Actions = []Action{{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": "x",
				"escalation": map[string]any{"headAfterHours": 4, "role": "admin", "roleAfterHours": 2}}}}
		}, "actions[0].config.escalation.roleAfterHours", CodeRange},
		{"two alerts", func(d *Design) {
			al := Action{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": "x"}}
			d.Actions = []Action{al, al}
		}, "actions[1].kind", CodeActionCfg},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := ok
			d.Actions = append([]Action(nil), ok.Actions...)
			c.edit(&d)
			au, err := x.s.Create(x.ctx, x.admin, x.deal, d)
			if err != nil {
				t.Fatalf("the draft is stored as it is: %v", describe(err))
			}
			_, err = x.s.Publish(x.ctx, x.admin, au.ID, au.Version)
			var ve *engine.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("publish: %v, want a validation error", err)
			}
			found := false
			for _, f := range ve.Fields {
				if f.Path == c.path && (c.code == "" || f.Code == c.code) {
					found = true
					zh, en := i18n.T(i18n.ZhCN, f.Code, f.Params), i18n.T(i18n.En, f.Code, f.Params)
					if zh == "" || en == "" || zh == f.Code || en == f.Code {
						t.Errorf("code %s has no text: zh %q en %q", f.Code, zh, en)
					}
				}
			}
			if !found {
				t.Fatalf("errors %s, want %s at %s", describe(err), c.code, c.path)
			}
			got, err := x.s.Get(x.ctx, x.admin, au.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Published != 0 || got.Enabled || got.Current != nil {
				t.Fatalf("a refused design was published: %+v", got)
			}
		})
	}
}

// TestDraftChecks: a draft needs a name and stays within the limits; a
// member who does not design the form may not touch its automations; a
// stale version is a conflict.
func TestDraftChecks(t *testing.T) {
	x := newFx(t, backends()[0], false)
	_, err := x.s.Create(x.ctx, x.admin, x.deal, Design{Name: "  "})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Path != "name" {
		t.Fatalf("empty name: %v", describe(err))
	}
	if _, err := x.s.Create(x.ctx, x.alice, x.deal, Design{Name: "mine"}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("a member created an automation: %v", err)
	}
	au, err := x.s.Create(x.ctx, x.admin, x.deal, Design{Name: "d", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if au.Draft.Actor != x.admin.UserID {
		t.Fatalf("actor defaults to the creator, got %q", au.Draft.Actor)
	}
	if _, err := x.s.Publish(x.ctx, x.admin, au.ID, au.Version+1); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	d := au.Draft
	d.Actor = x.bob.UserID
	au2, err := x.s.Create(x.ctx, x.admin, x.deal, d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.s.Publish(x.ctx, x.admin, au2.ID, au2.Version); err != nil {
		t.Fatalf("an admin may let the automation act as a member: %v", describe(err))
	}
	d.Actor = "u_nobody"
	au3, _ := x.s.Create(x.ctx, x.admin, x.deal, d)
	if _, err := x.s.Publish(x.ctx, x.admin, au3.ID, au3.Version); !errors.As(err, &ve) || ve.Fields[0].Path != "actor" {
		t.Fatalf("unknown actor: %v", describe(err))
	}
	if _, err := x.s.Runs(x.ctx, x.alice, au.ID, RunQuery{}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("a member read the run log: %v", err)
	}
}
