package automation

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

func (x *fx) automationNotes(title string) int {
	n := 0
	for _, no := range x.notes.all() {
		if no.Kind == "automation" && no.Title == title {
			n++
		}
	}
	return n
}

// TestRunNowIsIdempotentWithTheSchedule: "run now" runs the current
// period's tick at once; a second one and the regular timer of the same
// period do not fire it again; the next period fires as usual. Designers
// only; scheduled, published and enabled only; every request is stored
// and committed as an event.
func TestRunNowIsIdempotentWithTheSchedule(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			x := newFx(t, b, false) // the runtime starts later: the timer must not win the race here
			daily := x.publish(x.deal, Design{Name: "日报", Trigger: Trigger{Type: TriggerSchedule, Cron: "0 9 * * *"}, Actions: []Action{
				{Kind: KindNotify, Config: map[string]any{"title": "日报", "recipients": map[string]any{"users": []any{x.alice.UserID}}}}}})
			onCreate := x.publish(x.deal, Design{Name: "新建", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("x")}})
			// Tuesday 11:00 in Shanghai: the period began at 09:00.
			x.clock.Set(t0.Add(26 * time.Hour))
			tue9 := t0.Add(24 * time.Hour)
			res, err := x.s.RunNow(x.ctx, x.admin, daily.ID)
			if err != nil {
				t.Fatal(describe(err))
			}
			if !res.Tick.Equal(tue9) || res.Ran != 1 || res.AlreadyRun != 0 || res.RequestedBy != x.admin.UserID || x.automationNotes("日报") != 1 {
				t.Fatalf("run now %+v, %d notes", res, x.automationNotes("日报"))
			}
			runs := x.runs(daily.ID)
			if len(runs) != 1 || runs[0].RequestedBy != x.admin.UserID || runs[0].Event != "cron:"+store.FormatTime(tue9) || runs[0].Status != RunSucceeded {
				t.Fatalf("runs %+v", runs)
			}
			again, err := x.s.RunNow(x.ctx, x.admin, daily.ID)
			if err != nil || again.Ran != 0 || again.AlreadyRun != 1 || x.automationNotes("日报") != 1 {
				t.Fatalf("second run now %+v %v, %d notes", again, err, x.automationNotes("日报"))
			}
			// Who may, and what.
			if _, err := x.s.RunNow(x.ctx, x.alice, daily.ID); !errors.Is(err, engine.ErrForbidden) && !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("a member ran it: %v", err)
			}
			if _, err := x.s.RunNow(x.ctx, x.admin, onCreate.ID); !strings.Contains(describe(err), "trigger.type:"+CodeNotSchedule) {
				t.Fatalf("a record trigger ran now: %v", describe(err))
			}
			// The regular timer of the same period (missed while no process
			// ran) fires nothing new; the next period fires as usual.
			rctx, cancel := context.WithCancel(x.ctx)
			done := make(chan struct{})
			go func() { _ = x.rt.Run(rctx); close(done) }()
			defer func() { cancel(); <-done }()
			wed9 := tue9.Add(24 * time.Hour)
			x.waitFor("the timer to pass the period", func() bool {
				x.rt.Kick()
				tm, err := x.rt.GetTimer(x.ctx, cronTimer(daily.ID))
				return err == nil && tm.DueAt.Equal(wed9)
			})
			if n := x.automationNotes("日报"); n != 1 {
				t.Fatalf("the timer fired the period again: %d notes", n)
			}
			x.advance(22 * time.Hour)
			x.waitFor("Wednesday's run", func() bool { return x.automationNotes("日报") == 2 })
			x.waitFor("the timer to plan Thursday", func() bool {
				tm, err := x.rt.GetTimer(x.ctx, cronTimer(daily.ID))
				return err == nil && tm.DueAt.Equal(wed9.Add(24*time.Hour))
			})
			if n := x.automationNotes("日报"); n != 2 {
				t.Fatalf("%d notes after Wednesday", n)
			}
			// A disabled automation does not run now.
			au, err := x.s.Get(x.ctx, x.admin, daily.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.s.SetEnabled(x.ctx, x.admin, daily.ID, false, au.Version); err != nil {
				t.Fatal(describe(err))
			}
			if _, err := x.s.RunNow(x.ctx, x.admin, daily.ID); !strings.Contains(describe(err), "enabled:"+CodeDisabled) {
				t.Fatalf("a disabled automation ran now: %v", describe(err))
			}
			// The audit: one stored request per run now, with its outcome.
			f := store.Where("automation", store.OpEq, daily.ID)
			p, err := x.st.Find(x.ctx, collRequests, store.Query{Filter: &f, Sort: []store.SortKey{{Field: "at"}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Docs) != 2 || p.Docs[0].Data["by"] != x.admin.UserID || p.Docs[0].Data["ran"] != 1.0 || p.Docs[1].Data["already_run"] != 1.0 {
				t.Fatalf("requests %+v", p.Docs)
			}
		})
	}
}

// TestDigestNotification: a notify action with a digest appends the
// period's figures (record counts, the alerts per rule, the open ones) to
// its body, computed as the actor; a bad digest is a per-field error.
func TestDigestNotification(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		big := x.publish(x.deal, Design{Name: "大单预警", Trigger: Trigger{Type: TriggerCreated}, Condition: "new.amount > 1000",
			Actions: []Action{{Kind: KindAlert, Config: map[string]any{"severity": "critical", "title": "大单 {{title}}"}}}})
		for i, amount := range []float64{10, 2000, 3000, 50} {
			x.create(x.alice, map[string]any{"title": string(rune('A' + i)), "amount": amount})
		}
		x.settle()
		if n := len(x.alerts(AlertQuery{Rule: big.ID})); n != 2 {
			t.Fatalf("%d alerts", n)
		}
		gt := store.Where("amount", store.OpGt, 1000)
		report := x.publish(x.deal, Design{Name: "周报", Trigger: Trigger{Type: TriggerSchedule, Cron: "0 8 * * 1"}, Actions: []Action{
			{Kind: KindNotify, Config: map[string]any{"title": "销售周报", "body": "本周数据如下。", "recipients": map[string]any{"users": []any{x.bob.UserID}},
				"digest": map[string]any{"alerts": true, "counts": []any{
					map[string]any{"label": "全部商机", "filter": nil},
					map[string]any{"label": "大额商机", "filter": gt},
					map[string]any{"label": "本周新增", "within": "createdAt"},
				}}}}}})
		x.advance(time.Hour)
		if _, err := x.s.RunNow(x.ctx, x.admin, report.ID); err != nil {
			t.Fatal(describe(err))
		}
		var body string
		for _, n := range x.notes.to(x.bob.UserID) {
			if n.Title == "销售周报" {
				body = n.Body
			}
		}
		for _, want := range []string{"本周数据如下。", "—— 2026-03-02 至 2026-03-09 ——", "全部商机：4", "大额商机：2", "本周新增：4",
			"预警：共 2 条，其中严重 2 条", "· 大单预警：2（严重 2）", "尚未解决的预警：2 条"} {
			if !strings.Contains(body, want) {
				t.Errorf("the digest has no %q:\n%s", want, body)
			}
		}
		au, err := x.s.Create(x.ctx, x.admin, x.deal, Design{Name: "坏", Trigger: Trigger{Type: TriggerSchedule, Cron: "@daily"}, Actions: []Action{
			{Kind: KindNotify, Config: map[string]any{"title": "t", "recipients": map[string]any{"owner": true},
				"digest": map[string]any{"days": 400, "counts": []any{map[string]any{"label": "", "within": "title"}}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = x.s.Publish(x.ctx, x.admin, au.ID, au.Version)
		for _, want := range []string{"actions[0].config.digest.days:" + CodeRange, "actions[0].config.digest.counts[0].label:required", "actions[0].config.digest.counts[0].within:" + CodeFieldType} {
			if !strings.Contains(describe(err), want) {
				t.Errorf("publish: %s, want %s", describe(err), want)
			}
		}
	})
}
