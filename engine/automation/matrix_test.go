package automation

import (
	"fmt"
	"testing"
	"time"
)

// TestTriggerActionMatrix runs every trigger kind with every action that
// applies whatever the record's state (create in another form, upsert,
// notify, raise an alert) on both stores: one record goes through create,
// update, delete and restore, then two days pass for the schedule's scan
// and the date trigger.
func TestTriggerActionMatrix(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		triggers := map[string]Trigger{
			"created":  {Type: TriggerCreated},
			"updated":  {Type: TriggerUpdated},
			"deleted":  {Type: TriggerDeleted},
			"restored": {Type: TriggerRestored},
			"changed":  {Type: TriggerChanged, Fields: []string{"stage"}},
			"scan":     {Type: TriggerSchedule, Cron: "0 9 * * *", Scan: &Scan{Field: "updatedAt", OlderThanDays: 1}},
			"date":     {Type: TriggerDate, Date: &DateTrigger{Field: "close_date", OffsetDays: 0}},
		}
		actions := map[string]func(name string) Action{
			"create": func(name string) Action {
				return Action{Kind: KindCreate, Config: map[string]any{"form": x.contr, "values": map[string]any{"title": fmt.Sprintf("%q", name), "deal": "new.title"}}}
			},
			"upsert": func(name string) Action {
				return Action{Kind: KindUpsert, Config: map[string]any{"form": x.contr, "match": map[string]any{"title": fmt.Sprintf("%q", name)}, "values": map[string]any{"amount": "1"}}}
			},
			"notify": func(name string) Action { return notifyOwner(name) },
			"alert": func(name string) Action {
				return Action{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": name, "autoResolve": false}}
			},
		}
		ids := map[string]string{}
		for tn, tr := range triggers {
			for an, act := range actions {
				name := tn + "/" + an
				ids[name] = x.publish(x.deal, Design{Name: name, Trigger: tr, Actions: []Action{act(name)}}).ID
			}
		}
		r := x.create(x.alice, map[string]any{"title": "M", "stage": "谈判", "close_date": "2026-03-10"})
		x.update(x.alice, r.ID, map[string]any{"stage": "赢单"})
		cur, _ := x.e.Record(x.ctx, x.alice, x.deal, r.ID)
		if err := x.e.DeleteRecord(x.ctx, x.alice, x.deal, r.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		x.settle()
		if _, err := x.e.RestoreRecord(x.ctx, x.alice, x.deal, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		x.settle()
		x.advance(2 * 24 * time.Hour)
		x.waitFor("the scan and date runs", func() bool {
			for _, n := range []string{"scan/create", "scan/upsert", "scan/notify", "scan/alert", "date/create", "date/upsert", "date/notify", "date/alert"} {
				if !x.done(ids[n], 1) {
					return false
				}
			}
			return true
		})
		x.settle()
		contracts := map[string]int{}
		for _, c := range x.records(x.contr) {
			contracts[fmt.Sprint(c.Data["title"])]++
		}
		titles := map[string]bool{}
		for _, n := range x.notes.to(x.alice.UserID) {
			titles[n.Title] = true
		}
		for name, id := range ids {
			rs := x.runs(id)
			if len(rs) == 0 {
				t.Errorf("%s never ran", name)
				continue
			}
			for _, run := range rs {
				if run.Status != RunSucceeded {
					t.Errorf("%s: run %s %+v", name, run.Status, run.Error)
				}
			}
			switch an := name[len(name)-6:]; {
			case an == "create", an == "upsert":
				if contracts[name] == 0 {
					t.Errorf("%s wrote no contract", name)
				}
			case an == "notify":
				if !titles[name] {
					t.Errorf("%s told nobody", name)
				}
			case an == "/alert":
				if len(x.alerts(AlertQuery{Rule: id})) != 1 {
					t.Errorf("%s raised %d alerts", name, len(x.alerts(AlertQuery{Rule: id})))
				}
			}
		}
		if contracts["updated/upsert"] != 1 || contracts["scan/upsert"] != 1 {
			t.Errorf("upserts created more than one record: %v", contracts)
		}
	})
}
