package automation

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
)

func (x *fx) alerts(q AlertQuery) []Alert {
	x.t.Helper()
	q.Limit = 100
	p, err := x.s.Alerts(x.ctx, x.admin, q)
	if err != nil {
		x.t.Fatal(err)
	}
	return p.Items
}

func (x *fx) kindTo(kind, user string) int {
	n := 0
	for _, no := range x.notes.to(user) {
		if no.Kind == kind {
			n++
		}
	}
	return n
}

// TestAlertLifecycle: one open alert per rule and dedupe key; the owner
// is told at once, the heads of their department after N hours, then a
// role; acknowledging stops the chain; the alert resolves by itself when
// the condition no longer holds; lists filter; weekly counts.
func TestAlertLifecycle(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		dep, err := x.e.CreateDepartment(x.ctx, x.admin, "华东", "")
		if err != nil {
			t.Fatal(err)
		}
		owner, head := x.member("Olivia", dep.ID), x.member("Hank")
		if _, err := x.e.SetDepartmentHeads(x.ctx, x.admin, dep.ID, []string{head.UserID}, dep.Version); err != nil {
			t.Fatal(describe(err))
		}
		rule := x.publish(x.deal, Design{Name: "大单", Trigger: Trigger{Type: TriggerUpdated}, Condition: "new.amount > 1000",
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "critical", "title": "大单 {{title}}", "body": "金额 {{amount}}",
				"escalation": map[string]any{"headAfterHours": 2, "role": "admin", "roleAfterHours": 5}}}}})
		if !rule.Alert {
			t.Fatal("the rule is not marked as an alert rule")
		}
		r := x.create(owner, map[string]any{"title": "Acme", "amount": 10})
		x.update(owner, r.ID, map[string]any{"amount": 2000})
		x.update(owner, r.ID, map[string]any{"amount": 3000})
		x.settle()
		open := x.alerts(AlertQuery{Rule: rule.ID})
		if len(open) != 1 {
			t.Fatalf("alerts %+v, want one (deduped)", open)
		}
		al := open[0]
		if al.State != AlertOpen || al.Severity != SeverityCritical || al.Owner != owner.UserID || al.Record != r.ID || al.Key != r.ID ||
			al.Title != "大单 Acme" || al.Body != "金额 2000" || al.Level != 0 || !slices.Equal(al.Notified, []string{owner.UserID}) {
			t.Fatalf("alert %+v", al)
		}
		if x.kindTo("alert", owner.UserID) != 1 {
			t.Fatalf("owner told %d times", x.kindTo("alert", owner.UserID))
		}
		x.advance(2 * time.Hour)
		x.waitFor("the head's escalation", func() bool {
			return x.alerts(AlertQuery{Rule: rule.ID})[0].Level == 1 && x.kindTo("alert", head.UserID) == 1
		})
		if x.kindTo("alert", head.UserID) != 1 || x.kindTo("alert", x.admin.UserID) != 0 {
			t.Fatalf("level 1 told %+v", x.notes.all())
		}
		x.advance(3 * time.Hour)
		x.waitFor("the role's escalation", func() bool {
			return x.alerts(AlertQuery{Rule: rule.ID})[0].Level == 2 && x.kindTo("alert", x.admin.UserID) == 1
		})
		if x.kindTo("alert", x.admin.UserID) != 1 {
			t.Fatalf("level 2 told %+v", x.notes.all())
		}
		if al, err = x.s.Acknowledge(x.ctx, x.admin, al.ID); err != nil || al.State != AlertAcknowledged || al.AcknowledgedBy != x.admin.UserID {
			t.Fatalf("acknowledge: %+v %v", al, err)
		}
		if _, err := x.s.Acknowledge(x.ctx, x.admin, al.ID); err == nil {
			t.Fatal("acknowledged twice")
		}
		// The condition no longer holds: resolved by the rule.
		x.update(owner, r.ID, map[string]any{"amount": 5})
		x.settle()
		got, err := x.s.Alert(x.ctx, x.admin, al.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != AlertResolved || got.Resolution != "auto" || got.ResolvedAt == nil {
			t.Fatalf("auto-resolve: %+v", got)
		}
		// Holding again raises a new alert; acknowledged at once, it does not escalate.
		x.update(owner, r.ID, map[string]any{"amount": 4000})
		x.settle()
		open = x.alerts(AlertQuery{Rule: rule.ID, State: AlertOpen})
		if len(open) != 1 || open[0].ID == al.ID {
			t.Fatalf("second alert %+v", open)
		}
		if _, err := x.s.Acknowledge(x.ctx, x.admin, open[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := x.rt.GetTimer(x.ctx, "alert_esc."+open[0].ID); err == nil {
			t.Fatal("acknowledging did not cancel the escalation")
		}
		before := len(x.notes.all())
		x.advance(6 * time.Hour)
		x.settle()
		if len(x.notes.all()) != before {
			t.Fatalf("an acknowledged alert escalated: %+v", x.notes.all()[before:])
		}
		if _, err := x.s.Resolve(x.ctx, x.admin, open[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := x.s.Resolve(x.ctx, x.admin, open[0].ID); err == nil {
			t.Fatal("resolved twice")
		}
		// Filters.
		if n := len(x.alerts(AlertQuery{Record: r.ID})); n != 2 {
			t.Fatalf("per record %d", n)
		}
		if n := len(x.alerts(AlertQuery{Severity: SeverityWarning})); n != 0 {
			t.Fatalf("warning %d", n)
		}
		if n := len(x.alerts(AlertQuery{Owner: owner.UserID, State: AlertResolved})); n != 2 {
			t.Fatalf("resolved of owner %d", n)
		}
		if _, err := x.s.Alerts(x.ctx, x.admin, AlertQuery{State: "gone"}); err == nil {
			t.Fatal("a bad state filter was accepted")
		}
		// The owner sees the alerts of their record; counts per week.
		if p, err := x.s.Alerts(x.ctx, owner, AlertQuery{}); err != nil || len(p.Items) != 2 {
			t.Fatalf("owner sees %+v %v", p, err)
		}
		counts, err := x.s.AlertCounts(x.ctx, x.admin, t0.Add(-24*time.Hour), x.clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != 1 || counts[0].Raised != 2 || counts[0].Critical != 2 || counts[0].Week != "2026-W11" || counts[0].Start != "2026-03-09" {
			t.Fatalf("counts %+v", counts)
		}
	})
}

// TestSilenceScan: "no update for 14 days" is a daily scan in the
// workspace zone over the records' last change (a store query on an
// index): it raises one alert per silent record, and resolves an alert
// whose record became active again.
func TestSilenceScan(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		rule := x.publish(x.deal, Design{Name: "沉默", Trigger: Trigger{Type: TriggerSchedule, Cron: "0 9 * * *", Scan: &Scan{Field: "updatedAt", OlderThanDays: 14}},
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "warning", "title": "{{title}} 已 14 天未更新"}}}})
		r1 := x.create(x.alice, map[string]any{"title": "r1"})
		r2 := x.create(x.alice, map[string]any{"title": "r2"})
		r3 := x.create(x.alice, map[string]any{"title": "r3"})
		x.settle()
		next := func() time.Time {
			tm, err := x.rt.GetTimer(x.ctx, cronTimer(rule.ID))
			if err != nil {
				return time.Time{}
			}
			return tm.DueAt
		}
		// Ten days pass (a tick each morning at 09:00 Shanghai, 01:00 UTC).
		x.advance(10 * 24 * time.Hour)
		x.waitFor("ten ticks", func() bool { return next().Equal(t0.Add(11 * 24 * time.Hour)) })
		x.update(x.alice, r3.ID, map[string]any{"amount": 1})
		x.settle()
		x.advance(5 * 24 * time.Hour)
		x.waitFor("five more ticks", func() bool { return next().Equal(t0.Add(16 * 24 * time.Hour)) })
		open := x.alerts(AlertQuery{Rule: rule.ID, State: AlertOpen})
		var recs []string
		for _, a := range open {
			recs = append(recs, a.Record)
		}
		if !sameSet(recs, []string{r1.ID, r2.ID}) {
			t.Fatalf("silent records alerted %v, want r1 r2", recs)
		}
		// r1 is touched; the next morning its alert resolves, r2's stays one.
		x.update(x.alice, r1.ID, map[string]any{"amount": 2})
		x.settle()
		x.advance(24 * time.Hour)
		x.waitFor("the next tick", func() bool { return next().Equal(t0.Add(17 * 24 * time.Hour)) })
		open = x.alerts(AlertQuery{Rule: rule.ID, State: AlertOpen})
		if len(open) != 1 || open[0].Record != r2.ID || open[0].Title != "r2 已 14 天未更新" {
			t.Fatalf("open after activity %+v", open)
		}
		res := x.alerts(AlertQuery{Rule: rule.ID, State: AlertResolved})
		if len(res) != 1 || res[0].Record != r1.ID || res[0].Resolution != "auto" {
			t.Fatalf("resolved %+v", res)
		}
	})
}

// TestAlertDedupeExpression: the dedupe key expression groups records:
// one open alert per rule and key, whichever record raised it; a dry run
// says the alert is already open.
func TestAlertDedupeExpression(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		rule := x.publish(x.deal, Design{Name: "per customer", Trigger: Trigger{Type: TriggerCreated},
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": "{{title}}", "dedupe": `UPPER(new.title)`, "autoResolve": false}}}})
		a := x.create(x.alice, map[string]any{"title": "acme"})
		x.create(x.bob, map[string]any{"title": "ACME"})
		x.create(x.bob, map[string]any{"title": "other"})
		x.settle()
		open := x.alerts(AlertQuery{Rule: rule.ID})
		keys := []string{}
		for _, al := range open {
			keys = append(keys, al.Key)
		}
		if !sameSet(keys, []string{"ACME", "OTHER"}) {
			t.Fatalf("alert keys %v", keys)
		}
		dry, err := x.s.DryRun(x.ctx, x.admin, rule.ID, DryRunInput{Record: a.ID})
		if err != nil || dry.Actions[0].Detail["existing"] != true {
			t.Fatalf("dry run %+v %v", dry, err)
		}
	})
}

// TestEscalationSkipsTheOwnerAsHead: when the owner heads their own
// department, the first escalation goes to the parent department's heads.
func TestEscalationSkipsTheOwnerAsHead(t *testing.T) {
	x := newFx(t, backends()[0], true)
	top, err := x.e.CreateDepartment(x.ctx, x.admin, "华东", "")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := x.e.CreateDepartment(x.ctx, x.admin, "上海", top.ID)
	if err != nil {
		t.Fatal(err)
	}
	owner, boss := x.member("Olivia", sub.ID), x.member("Boss", top.ID)
	if _, err := x.e.SetDepartmentHeads(x.ctx, x.admin, sub.ID, []string{owner.UserID}, sub.Version); err != nil {
		t.Fatal(describe(err))
	}
	if _, err := x.e.SetDepartmentHeads(x.ctx, x.admin, top.ID, []string{boss.UserID}, top.Version); err != nil {
		t.Fatal(describe(err))
	}
	rule := x.publish(x.deal, Design{Name: "r", Trigger: Trigger{Type: TriggerCreated},
		Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "warning", "title": "{{title}}", "escalation": map[string]any{"headAfterHours": 1}}}}})
	x.create(owner, map[string]any{"title": "A"})
	x.settle()
	x.advance(time.Hour)
	x.waitFor("the escalation", func() bool { return x.kindTo("alert", boss.UserID) == 1 })
	al := x.alerts(AlertQuery{Rule: rule.ID})[0]
	if al.Level != 1 || !slices.Equal(al.Notified, []string{owner.UserID, boss.UserID}) || x.kindTo("alert", owner.UserID) != 1 {
		t.Fatalf("alert %+v", al)
	}
}

// TestAcknowledgeIfAndListApp: acknowledging or resolving at a stale
// version is a conflict and changes nothing; ListApp lists the app's
// automations the caller designs.
func TestAcknowledgeIfAndListApp(t *testing.T) {
	x := newFx(t, backends()[0], true)
	rule := x.publish(x.deal, Design{Name: "r", Trigger: Trigger{Type: TriggerCreated},
		Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "info", "title": "{{title}}"}}}})
	other := x.publish(x.contr, Design{Name: "c", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("x")}})
	x.create(x.alice, map[string]any{"title": "A"})
	x.settle()
	al := x.alerts(AlertQuery{Rule: rule.ID})[0]
	if _, err := x.s.AcknowledgeIf(x.ctx, x.admin, al.ID, al.Version+1); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("stale acknowledge: %v", err)
	}
	acked, err := x.s.AcknowledgeIf(x.ctx, x.admin, al.ID, al.Version)
	if err != nil || acked.State != AlertAcknowledged {
		t.Fatalf("acknowledge: %+v %v", acked, err)
	}
	if _, err := x.s.ResolveIf(x.ctx, x.admin, al.ID, al.Version); !errors.Is(err, engine.ErrConflict) {
		t.Fatalf("resolve at the version before the acknowledge: %v", err)
	}
	if res, err := x.s.ResolveIf(x.ctx, x.admin, al.ID, acked.Version); err != nil || res.State != AlertResolved {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	list, err := x.s.ListApp(x.ctx, x.admin, x.app)
	if err != nil || len(list) != 2 || list[0].ID != rule.ID || list[1].ID != other.ID {
		t.Fatalf("ListApp %+v %v", list, err)
	}
	if list, err := x.s.ListApp(x.ctx, x.alice, x.app); err != nil || len(list) != 0 {
		t.Fatalf("a member's ListApp %+v %v", list, err)
	}
}
