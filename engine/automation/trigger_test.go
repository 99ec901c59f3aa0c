package automation

import (
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
)

// TestRecordTriggers: each record trigger starts its automation on its
// event only; fields.changed only when a watched field changed; a write
// that opted out of automations starts none.
func TestRecordTriggers(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		byTrigger := map[TriggerType]Automation{}
		for _, tt := range []TriggerType{TriggerCreated, TriggerUpdated, TriggerDeleted, TriggerRestored} {
			byTrigger[tt] = x.publish(x.deal, Design{Name: string(tt), Trigger: Trigger{Type: tt}, Actions: []Action{notifyOwner(string(tt) + " {{title}}")}})
		}
		changed := x.publish(x.deal, Design{Name: "stage moved", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"stage"}},
			Actions: []Action{notifyOwner("stage {{old.stage}} → {{stage}}")}})

		r := x.create(x.alice, map[string]any{"title": "A", "stage": "初步接触"})
		x.settle()
		x.update(x.alice, r.ID, map[string]any{"amount": 10})
		x.settle()
		x.update(x.alice, r.ID, map[string]any{"stage": "谈判"})
		x.settle()
		cur, _ := x.e.Record(x.ctx, x.alice, x.deal, r.ID)
		if err := x.e.DeleteRecord(x.ctx, x.alice, x.deal, r.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		x.settle()
		if _, err := x.e.RestoreRecord(x.ctx, x.alice, x.deal, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		x.settle()
		if _, err := x.e.CreateRecord(x.ctx, x.alice, x.deal, map[string]any{"title": "quiet", "stage": "谈判"}, engine.WriteOptions{SkipAutomations: true}); err != nil {
			t.Fatal(err)
		}
		x.settle()

		var titles []string
		for _, n := range x.notes.to(x.alice.UserID) {
			titles = append(titles, n.Title)
		}
		want := []string{"record.created A", "stage  → 初步接触", "record.updated A", "record.updated A", "stage 初步接触 → 谈判", "record.deleted A", "record.restored A"}
		if !sameSet(titles, want) {
			t.Fatalf("notifications %q, want %q", titles, want)
		}
		counts := map[TriggerType]int{TriggerCreated: 1, TriggerUpdated: 2, TriggerDeleted: 1, TriggerRestored: 1}
		for tt, au := range byTrigger {
			rs := x.runs(au.ID)
			if len(rs) != counts[tt] {
				t.Errorf("%s ran %d times, want %d", tt, len(rs), counts[tt])
			}
			for _, run := range rs {
				if run.Status != RunSucceeded || run.Record != r.ID || run.Version != 1 || run.Trigger != tt || !run.Matched {
					t.Errorf("%s run %+v", tt, run)
				}
			}
		}
		if rs := x.runs(changed.ID); len(rs) != 2 {
			t.Errorf("fields.changed ran %d times, want 2 (create and the stage change)", len(rs))
		}
		rr, err := x.s.RecordRuns(x.ctx, x.alice, x.deal, r.ID, RunQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(rr.Items) != 7 {
			t.Fatalf("record page shows %d runs, want 7", len(rr.Items))
		}
	})
}

// TestConditionScope: the condition sees old, new, changed() and user;
// an error evaluating it is "did not match", logged and counted.
func TestConditionScope(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "big raise", Trigger: Trigger{Type: TriggerUpdated},
			Condition: `changed("amount") && new.amount > old.amount * 2 && user.id == "` + x.bob.UserID + `"`,
			Actions:   []Action{notifyOwner("raised to {{amount}}")}})
		broken := x.publish(x.deal, Design{Name: "broken", Trigger: Trigger{Type: TriggerUpdated},
			Condition: `MOD(new.amount, new.qty) == 0`, Actions: []Action{notifyOwner("never")}})
		r := x.create(x.alice, map[string]any{"title": "A", "amount": 100, "qty": 0})
		x.update(x.alice, r.ID, map[string]any{"amount": 300}) // alice: user does not match
		x.update(x.bob, r.ID, map[string]any{"amount": 400})   // not more than twice
		x.update(x.bob, r.ID, map[string]any{"amount": 900})   // matches
		x.update(x.bob, r.ID, map[string]any{"title": "B"})    // amount unchanged
		x.settle()
		got := x.notes.to(x.alice.UserID)
		if len(got) != 1 || got[0].Title != "raised to 900" {
			t.Fatalf("notifications %+v, want one for 900", got)
		}
		rs := x.runs(au.ID)
		if len(rs) != 1 || rs[0].Status != RunSucceeded {
			t.Fatalf("runs %+v: runs that did not match are not logged", rs)
		}
		bad := x.runs(broken.ID)
		if len(bad) != 4 {
			t.Fatalf("condition errors logged %d times, want 4", len(bad))
		}
		for _, b := range bad {
			if b.Status != RunNoMatch || b.Matched || b.ConditionError == "" || len(b.Actions) != 0 {
				t.Fatalf("condition error run %+v", b)
			}
		}
		if n := x.s.Stats().ConditionErrors; n != 4 {
			t.Fatalf("condition errors counted %d, want 4", n)
		}
	})
}

// TestVersionsAndRunsKeepTheirVersion: every publish is a new immutable
// version; a run is made by, and logged with, the version published when
// its event was handled; a disabled automation does not run.
func TestVersionsAndRunsKeepTheirVersion(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "v", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("v1 {{title}}")}})
		x.create(x.alice, map[string]any{"title": "A"})
		x.settle()
		d := au.Draft
		d.Actions = []Action{notifyOwner("v2 {{title}}")}
		au, err := x.s.SaveDraft(x.ctx, x.admin, au.ID, d, au.Version)
		if err != nil {
			t.Fatal(err)
		}
		// The draft does not run until it is published.
		x.create(x.alice, map[string]any{"title": "B"})
		x.settle()
		if au, err = x.s.Publish(x.ctx, x.admin, au.ID, au.Version); err != nil {
			t.Fatal(err)
		}
		x.create(x.alice, map[string]any{"title": "C"})
		x.settle()
		if au, err = x.s.SetEnabled(x.ctx, x.admin, au.ID, false, au.Version); err != nil {
			t.Fatal(err)
		}
		x.create(x.alice, map[string]any{"title": "D"})
		x.settle()
		var titles []string
		for _, n := range x.notes.all() {
			titles = append(titles, n.Title)
		}
		if want := []string{"v1 A", "v1 B", "v2 C"}; !sameSet(titles, want) {
			t.Fatalf("notifications %q, want %q", titles, want)
		}
		byVersion := map[int]int{}
		for _, r := range x.runs(au.ID) {
			byVersion[r.Version]++
		}
		if byVersion[1] != 2 || byVersion[2] != 1 {
			t.Fatalf("runs per version %v", byVersion)
		}
		vs, err := x.s.Versions(x.ctx, x.admin, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Number != 2 || vs[1].Number != 1 || vs[1].Design.Actions[0].Config["title"] != "v1 {{title}}" {
			t.Fatalf("versions %+v", vs)
		}
		got, err := x.s.Get(x.ctx, x.admin, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Enabled || got.Published != 2 || got.Current == nil {
			t.Fatalf("automation %+v", got)
		}
	})
}

// TestScheduleInWorkspaceZone: a cron schedule ticks at its times in the
// workspace's zone (Asia/Shanghai here), once per tick, and plans the next.
func TestScheduleInWorkspaceZone(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "morning", Trigger: Trigger{Type: TriggerSchedule, Cron: "30 8 * * *"},
			Actions: []Action{{Kind: KindNotify, Config: map[string]any{"title": "早上好", "recipients": map[string]any{"users": []any{x.bob.UserID}}}}}})
		tm, err := x.rt.GetTimer(x.ctx, cronTimer(au.ID))
		if err != nil {
			t.Fatal(err)
		}
		// t0 is 09:00 in Shanghai: the next 08:30 there is tomorrow, 00:30 UTC.
		want := time.Date(2026, 3, 10, 0, 30, 0, 0, time.UTC)
		if !tm.DueAt.Equal(want) {
			t.Fatalf("first tick at %v, want %v", tm.DueAt, want)
		}
		x.advance(want.Sub(x.clock.Now()))
		x.waitFor("the first tick", func() bool { return x.done(au.ID, 1) })
		x.waitFor("the next tick's plan", func() bool {
			tm, err := x.rt.GetTimer(x.ctx, cronTimer(au.ID))
			return err == nil && tm.DueAt.Equal(want.Add(24*time.Hour))
		})
		rs := x.runs(au.ID)
		if rs[0].Status != RunSucceeded || rs[0].EventType != "schedule" || len(x.notes.to(x.bob.UserID)) != 1 {
			t.Fatalf("tick run %+v, notes %+v", rs[0], x.notes.all())
		}
	})
}

// TestDateRelativeTrigger: "3 days before close_date at 10:00" is planned
// when a record gets a date, re-planned when the date changes, and fires
// once per record and date value.
func TestDateRelativeTrigger(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "closing soon", Trigger: Trigger{Type: TriggerDate, Date: &DateTrigger{Field: "close_date", OffsetDays: -3, Time: "10:00"}},
			Actions: []Action{notifyOwner("{{title}} closes on {{close_date}}")}})
		r := x.create(x.alice, map[string]any{"title": "A", "close_date": "2026-03-20"})
		x.settle()
		due := func() time.Time {
			tm, err := x.rt.GetTimer(x.ctx, dateTimer(au.ID, r.ID))
			if err != nil {
				return time.Time{}
			}
			return tm.DueAt
		}
		// 17 March 10:00 in Shanghai is 02:00 UTC.
		if got, want := due(), time.Date(2026, 3, 17, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Fatalf("planned at %v, want %v", got, want)
		}
		x.update(x.alice, r.ID, map[string]any{"close_date": "2026-03-25"})
		x.settle()
		first := time.Date(2026, 3, 22, 2, 0, 0, 0, time.UTC)
		if got := due(); !got.Equal(first) {
			t.Fatalf("re-planned at %v, want %v", got, first)
		}
		// The earlier plan's time passes: nothing fires.
		x.advance(time.Date(2026, 3, 17, 3, 0, 0, 0, time.UTC).Sub(x.clock.Now()))
		x.settle()
		if n := len(x.notes.all()); n != 0 {
			t.Fatalf("a stale plan fired: %+v", x.notes.all())
		}
		x.advance(first.Sub(x.clock.Now()))
		x.waitFor("the date trigger", func() bool { return x.done(au.ID, 1) })
		// Another change of another field does not plan it again.
		x.update(x.alice, r.ID, map[string]any{"title": "A2"})
		x.settle()
		x.advance(24 * time.Hour)
		x.settle()
		if n := len(x.runs(au.ID)); n != 1 {
			t.Fatalf("fired %d times for one date value", n)
		}
		// A new date value fires again, once.
		x.update(x.alice, r.ID, map[string]any{"close_date": "2026-03-30"})
		x.settle()
		x.advance(time.Date(2026, 3, 27, 2, 0, 0, 0, time.UTC).Sub(x.clock.Now()))
		x.waitFor("the date trigger of the new value", func() bool { return x.done(au.ID, 2) })
		got := x.notes.to(x.alice.UserID)
		if len(got) != 2 || got[0].Title != "A closes on 2026-03-25" || got[1].Title != "A2 closes on 2026-03-30" {
			t.Fatalf("notifications %+v", got)
		}
		// Emptying the date cancels the plan.
		x.update(x.alice, r.ID, map[string]any{"close_date": "2026-04-30"})
		x.settle()
		if due().IsZero() {
			t.Fatal("no plan for the new date")
		}
		x.update(x.alice, r.ID, map[string]any{"close_date": nil})
		x.settle()
		if !due().IsZero() {
			t.Fatal("an emptied date is still planned")
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestHookSetValueSeenAsChanged: a value a RecordWriting hook sets on an
// update (a stage pipeline's entered-at, say) reaches automations with its
// old value, like the writer's own changes.
func TestHookSetValueSeenAsChanged(t *testing.T) {
	x := newFx(t, backends()[0], true)
	x.e.OnRecordWriting().BindFunc(func(e *engine.RecordWritingEvent) error {
		if e.Action == engine.RecordUpdate && e.Version.Form == x.deal {
			if q, _ := e.Data["qty"].(float64); q > 0 {
				if err := e.SetValue("amount", q*10); err != nil {
					return err
				}
			}
		}
		return e.Next()
	})
	x.publish(x.deal, Design{Name: "amount moved", Trigger: Trigger{Type: TriggerChanged, Fields: []string{"amount"}},
		Actions: []Action{notifyOwner("{{old.amount}} → {{amount}}")}})
	r := x.create(x.alice, map[string]any{"title": "A", "amount": 5})
	x.update(x.alice, r.ID, map[string]any{"qty": 3})
	x.settle()
	var titles []string
	for _, n := range x.notes.all() {
		titles = append(titles, n.Title)
	}
	if !sameSet(titles, []string{" → 5", "5 → 30"}) {
		t.Fatalf("notifications %q", titles)
	}
}

// TestImportsTriggerAutomations: every row of an import starts the
// automations of its form, unless the import opts out.
func TestImportsTriggerAutomations(t *testing.T) {
	each(t, func(t *testing.T, x *fx) {
		au := x.publish(x.deal, Design{Name: "imported", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("{{title}}")}})
		table := func(rows ...string) func() (engine.Table, error) {
			return func() (engine.Table, error) {
				tb := engine.Table{Header: []string{"title"}}
				for i, r := range rows {
					tb.Rows = append(tb.Rows, []string{r})
					tb.RowNumbers = append(tb.RowNumbers, i+2)
				}
				return tb, nil
			}
		}
		if _, err := x.e.ImportTable(x.ctx, x.alice, x.deal, table("i1", "i2"), engine.ImportOptions{}); err != nil {
			t.Fatal(describe(err))
		}
		if _, err := x.e.ImportTable(x.ctx, x.alice, x.deal, table("q1", "q2"), engine.ImportOptions{SkipAutomations: true}); err != nil {
			t.Fatal(describe(err))
		}
		x.settle()
		var titles []string
		for _, n := range x.notes.all() {
			titles = append(titles, n.Title)
		}
		if !sameSet(titles, []string{"i1", "i2"}) || len(x.runs(au.ID)) != 2 {
			t.Fatalf("notifications %q", titles)
		}
	})
}

// TestRunsAgeOut: the daily cleanup deletes runs older than the retention
// (30 days), by the injected clock.
func TestRunsAgeOut(t *testing.T) {
	x := newFx(t, backends()[0], true)
	au := x.publish(x.deal, Design{Name: "log", Trigger: Trigger{Type: TriggerCreated}, Actions: []Action{notifyOwner("x")}})
	x.create(x.alice, map[string]any{"title": "old"})
	x.settle()
	x.clock.Advance(20 * 24 * time.Hour)
	x.create(x.alice, map[string]any{"title": "new"})
	x.settle()
	x.clock.Advance(11 * 24 * time.Hour)
	n, err := x.s.Cleanup(x.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rs := x.runs(au.ID)
	// The runtime's own daily cleanup may have run first (n is then 0).
	if n > 1 || len(rs) != 1 || !rs[0].StartedAt.Equal(t0.Add(20*24*time.Hour)) {
		t.Fatalf("cleaned %d, left %+v", n, rs)
	}
}

// TestPublishPlansExistingAndDisableCancels: publishing a date trigger
// plans the records that already hold a date ahead; disabling a schedule
// cancels its timer, enabling plans it again, deleting cancels it.
func TestPublishPlansExistingAndDisableCancels(t *testing.T) {
	x := newFx(t, backends()[0], true)
	ahead := x.create(x.alice, map[string]any{"title": "ahead", "close_date": "2026-04-10"})
	past := x.create(x.alice, map[string]any{"title": "past", "close_date": "2026-01-10"})
	x.settle()
	dt := x.publish(x.deal, Design{Name: "d", Trigger: Trigger{Type: TriggerDate, Date: &DateTrigger{Field: "close_date", OffsetDays: 1}},
		Actions: []Action{notifyOwner("x")}})
	if tm, err := x.rt.GetTimer(x.ctx, dateTimer(dt.ID, ahead.ID)); err != nil || !tm.DueAt.Equal(time.Date(2026, 4, 11, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("existing record planned %+v %v", tm, err)
	}
	if _, err := x.rt.GetTimer(x.ctx, dateTimer(dt.ID, past.ID)); err == nil {
		t.Fatal("a date long past was planned")
	}
	sch := x.publish(x.deal, Design{Name: "s", Trigger: Trigger{Type: TriggerSchedule, Cron: "@hourly"}, Actions: []Action{notifyOwner("x")}})
	planned := func() bool { _, err := x.rt.GetTimer(x.ctx, cronTimer(sch.ID)); return err == nil }
	if !planned() {
		t.Fatal("schedule not planned")
	}
	sch, err := x.s.SetEnabled(x.ctx, x.admin, sch.ID, false, sch.Version)
	if err != nil || planned() {
		t.Fatalf("disable: %v, planned %v", err, planned())
	}
	if sch, err = x.s.SetEnabled(x.ctx, x.admin, sch.ID, true, sch.Version); err != nil || !planned() {
		t.Fatalf("enable: %v, planned %v", err, planned())
	}
	if err := x.s.Delete(x.ctx, x.admin, sch.ID); err != nil || planned() {
		t.Fatalf("delete: %v, planned %v", err, planned())
	}
	if _, err := x.s.Get(x.ctx, x.admin, sch.ID); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("deleted automation: %v", err)
	}
}

// TestDateTriggerOnDatetime: a datetime field fires at the instant plus
// the offset, and templates show it in the workspace zone.
func TestDateTriggerOnDatetime(t *testing.T) {
	x := newFx(t, backends()[0], true)
	au := x.publish(x.deal, Design{Name: "meeting", Trigger: Trigger{Type: TriggerDate, Date: &DateTrigger{Field: "meeting", OffsetDays: -1}},
		Actions: []Action{notifyOwner("{{title}} at {{meeting}}")}})
	r := x.create(x.alice, map[string]any{"title": "A", "meeting": "2026-03-12T06:30:00Z"})
	x.settle()
	want := time.Date(2026, 3, 11, 6, 30, 0, 0, time.UTC)
	if tm, err := x.rt.GetTimer(x.ctx, dateTimer(au.ID, r.ID)); err != nil || !tm.DueAt.Equal(want) {
		t.Fatalf("planned %+v %v, want %v", tm, err, want)
	}
	x.advance(want.Sub(x.clock.Now()))
	x.waitFor("the datetime trigger", func() bool { return len(x.notes.all()) == 1 })
	if got := x.notes.all()[0].Title; got != "A at 2026-03-12 14:30" {
		t.Fatalf("title %q", got)
	}
}
