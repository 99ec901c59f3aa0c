package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/store"
)

// crmNotes records the notifications of the CRM test.
type crmNotes struct {
	mu  sync.Mutex
	got []engine.Notification
}

func (n *crmNotes) Notify(_ context.Context, ns ...engine.Notification) error {
	n.mu.Lock()
	n.got = append(n.got, ns...)
	n.mu.Unlock()
	return nil
}

func (n *crmNotes) all() []engine.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.got)
}

// TestCRMTemplateAlerts runs the CRM's alert rules on an injected clock:
// within the hour the scans raise the silence alerts at 7 (info), 14
// (warning) and 30 days (critical), the stagnation and the close-date
// alerts; the 30-day alert escalates to the owner's department head after
// an hour and plans the director after 48; changing a customer's key
// decision-maker raises its alert. Then the alert-rate charts and the
// weekly counts of the admin, a manager and a rep equal a brute force over
// the alerts each of them may open; "run now" of a scan that already ran
// this hour adds nothing, and the weekly risk report run now is a
// generated report with the week's figures.
func TestCRMTemplateAlerts(t *testing.T) {
	f := installCRM(t)
	notes := &crmNotes{}
	f.e.SetNotifier(notes)
	rctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = f.work.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(90 * time.Second)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			f.work.Kick()
			time.Sleep(5 * time.Millisecond)
		}
	}
	rules := map[string]automation.Automation{}
	list, err := f.auto.ListApp(f.ctx, f.admin, f.app)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		rules[r.Draft.Name] = r
	}
	alertsOf := func(name string) []automation.Alert {
		t.Helper()
		r, ok := rules[name]
		if !ok {
			t.Fatalf("no rule %q", name)
		}
		p, err := f.auto.Alerts(f.ctx, f.admin, automation.AlertQuery{Rule: r.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}
	f.clock.Set(f.clock.Now().Add(time.Hour))
	for name, sev := range map[string]automation.Severity{
		"客户 7 天未跟进": automation.SeverityInfo, "客户 14 天未跟进": automation.SeverityWarning, "客户 30 天未跟进": automation.SeverityCritical,
		"商机阶段停滞 21 天": automation.SeverityWarning, "预计成交日期已过": automation.SeverityWarning,
	} {
		waitFor(name, func() bool { return len(alertsOf(name)) > 0 })
		for _, al := range alertsOf(name) {
			if al.Severity != sev || al.State != automation.AlertOpen || al.Owner == "" {
				t.Errorf("%s: %+v", name, al)
				break
			}
		}
	}
	// Silent 7 days means 7 to 14: no customer is in two silence tiers.
	tier := map[string]string{}
	for _, name := range []string{"客户 7 天未跟进", "客户 14 天未跟进"} {
		for _, al := range alertsOf(name) {
			if prev, ok := tier[al.Record]; ok {
				t.Errorf("customer %s is in %s and %s", al.Record, prev, name)
			}
			tier[al.Record] = name
		}
	}
	// Escalation: the 30-day alert reaches the owner's department head after an hour.
	crit := alertsOf("客户 30 天未跟进")[0]
	if tm, err := f.work.GetTimer(f.ctx, "alert_esc."+crit.ID); err != nil || !tm.DueAt.Equal(crit.RaisedAt.Add(time.Hour)) {
		t.Fatalf("the 30-day escalation timer %+v %v", tm, err)
	}
	f.clock.Set(f.clock.Now().Add(time.Hour))
	waitFor("the head's escalation", func() bool {
		al, err := f.auto.Alert(f.ctx, f.admin, crit.ID)
		return err == nil && al.Level == 1
	})
	crit, _ = f.auto.Alert(f.ctx, f.admin, crit.ID)
	owner, err := f.e.Membership(f.ctx, f.admin.Workspace, crit.Owner)
	if err != nil {
		t.Fatal(err)
	}
	org, err := f.e.OrgChart(f.ctx, f.admin.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	head := org.HeadsOf(owner.Departments[0], 1)
	if len(head) == 0 || !slices.Contains(crit.Notified, head[0]) {
		t.Fatalf("the 30-day alert told %v, not the department head %v", crit.Notified, head)
	}
	waitFor("the director's escalation timer", func() bool {
		tm, err := f.work.GetTimer(f.ctx, "alert_esc."+crit.ID)
		return err == nil && tm.DueAt.Equal(crit.RaisedAt.Add(48*time.Hour))
	})
	// The 14-day alert escalates after 24 hours.
	warn := alertsOf("客户 14 天未跟进")[0]
	if tm, err := f.work.GetTimer(f.ctx, "alert_esc."+warn.ID); err != nil || !tm.DueAt.Equal(warn.RaisedAt.Add(24*time.Hour)) {
		t.Fatalf("the 14-day escalation timer %+v %v", tm, err)
	}
	// A customer's key decision-maker is set, then changes.
	contacts, err := f.e.QueryRecords(f.ctx, f.admin, f.forms["contact"].ID, engine.RecordQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	byCustomer := map[string][]string{}
	var cusID string
	for _, c := range contacts.Items {
		id := refID(c.Data["customer"])
		byCustomer[id] = append(byCustomer[id], c.ID)
		if id != "" && len(byCustomer[id]) == 2 && cusID == "" {
			cusID = id
		}
	}
	if cusID == "" {
		t.Fatal("no sample customer with two contacts")
	}
	setDM := func(contact string) {
		t.Helper()
		cus, err := f.e.Record(f.ctx, f.admin, f.forms["customer"].ID, cusID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, f.forms["customer"].ID, cusID, map[string]any{"decision_maker": contact}, cus.Version, engine.WriteOptions{}); err != nil {
			t.Fatalf("set the decision-maker: %s", describeErr(err))
		}
	}
	cus := engine.Record{ID: cusID}
	setDM(byCustomer[cusID][0])
	setDM(byCustomer[cusID][1])
	waitFor("the decision-maker alert", func() bool {
		for _, al := range alertsOf("关键决策人变更") {
			if al.Record == cus.ID {
				return true
			}
		}
		return false
	})

	// Let the runtime come to rest (every schedule's tick of this hour run
	// and re-planned, every event handled), so no alert is raised while
	// the figures are compared.
	waitFor("the runtime to rest", func() bool {
		for _, r := range list {
			if r.Draft.Trigger.Type != automation.TriggerSchedule {
				continue
			}
			tm, err := f.work.GetTimer(f.ctx, "auto_cron."+r.ID)
			if err != nil || !tm.DueAt.After(f.clock.Now()) {
				return false
			}
		}
		cs, err := f.work.Consumers(f.ctx)
		if err != nil {
			return false
		}
		for _, c := range cs {
			if c.LagEvents != 0 {
				return false
			}
		}
		return true
	})
	// The alert-rate charts and the weekly counts, per member, against a
	// brute force over the alerts each may open.
	var all []automation.Alert
	for cursor := ""; ; {
		p, err := f.auto.Alerts(f.ctx, f.admin, automation.AlertQuery{Limit: 100, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	dashboards, err := f.dash.List(f.ctx, f.admin, f.app)
	if err != nil {
		t.Fatal(err)
	}
	var risk, overview string
	for _, db := range dashboards {
		switch db.Title {
		case "风险预警":
			risk = db.ID
		case "销售概览":
			overview = db.ID
		}
	}
	seen := map[string]int{}
	for _, who := range []struct{ name, email string }{{"admin", ""}, {"manager", "li.na@example.com"}, {"rep", "zhang.wei@example.com"}} {
		a := f.admin
		if who.email != "" {
			a = f.member(t, who.email)
		}
		want := 0
		for _, al := range all {
			if _, err := f.auto.Alert(f.ctx, a, al.ID); err == nil {
				want++
			}
		}
		seen[who.name] = want
		// Reps do not see the risk board: theirs is on the overview.
		board := risk
		if who.name == "rep" {
			board = overview
		}
		cd, err := f.dash.ChartData(f.ctx, a, board, "alert_rate", nil)
		if err != nil {
			t.Fatalf("%s: alert rate: %s", who.name, describeErr(err))
		}
		got := 0.0
		for _, r := range cd.Rows {
			got += r.Values[0].(float64)
			if name := cd.Keys[1].Labels[r.Keys[1].(string)]; name == "" && cd.Keys[1].Field == "rule" {
				t.Errorf("%s: rule %v has no label", who.name, r.Keys[1])
			}
		}
		if int(got) != want {
			t.Errorf("%s: the alert-rate chart counts %v, brute force %d", who.name, got, want)
		}
		counts, err := f.auto.AlertCounts(f.ctx, a, time.Time{}, f.clock.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range counts {
			n += c.Raised
		}
		if n != want {
			t.Errorf("%s: weekly counts add up to %d, brute force %d", who.name, n, want)
		}
	}
	t.Logf("alerts seen: %v", seen)
	if !(seen["admin"] > seen["manager"] && seen["manager"] > seen["rep"] && seen["rep"] > 0) {
		t.Errorf("visibility not exercised: %v", seen)
	}

	// Run now: the 7-day scan already ran this hour; the weekly report
	// becomes a generated report with the week's figures.
	res, err := f.auto.RunNow(f.ctx, f.admin, rules["客户 7 天未跟进"].ID)
	if err != nil {
		t.Fatal(describeErr(err))
	}
	if res.Ran != 0 || res.AlreadyRun == 0 {
		t.Errorf("run now of a scan that ran this hour: %+v", res)
	}
	res, err = f.auto.RunNow(f.ctx, f.admin, rules["每周一发送风险周报"].ID)
	if err != nil || res.Ran != 1 {
		t.Fatalf("run now of the weekly report: %+v %s", res, describeErr(err))
	}
	li := f.member(t, "li.na@example.com")
	var body string
	for _, n := range notes.all() {
		if n.Title == "本周销售风险周报" && slices.Contains(n.Recipients, li.UserID) {
			body = n.Body
		}
	}
	for _, want := range []string{"在跟商机：", "本周新增商机：", "本周赢单：", "预警：共 ", "· 客户 7 天未跟进：", "尚未解决的预警："} {
		if !strings.Contains(body, want) {
			t.Errorf("the weekly report has no %q:\n%s", want, body)
		}
	}
	t.Logf("weekly report:\n%s", body)
	// Each recipient reads the figures they may see: a manager's open deals
	// are their departments', the director's everyone's.
	openDeals := store.Where("stage", store.OpIn, []any{"qualify", "proposal", "tech", "negotiation"})
	figures := map[string]bool{}
	for _, n := range notes.all() {
		if n.Title != "本周销售风险周报" {
			continue
		}
		for _, r := range n.Recipients {
			u, err := f.e.User(f.ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.e.QueryRecords(f.ctx, f.member(t, u.Email), f.forms["opportunity"].ID, engine.RecordQuery{Filter: &openDeals, Limit: 1, Total: true})
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("在跟商机：%d\n", *p.Total)
			if !strings.Contains(n.Body, want) {
				t.Errorf("%s's report lacks %q:\n%s", u.Email, want, n.Body)
			}
			figures[want] = true
		}
	}
	if len(figures) < 2 {
		t.Errorf("every recipient got the same open deals: %v", figures)
	}
}

// refID is a relation value's record id.
func refID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["id"].(string)
		return s
	}
	return ""
}
