package live

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

func TestFanOutFollowsRowPermissions(t *testing.T) {
	eachBackend(t, Options{}, func(t *testing.T, fx *fixture) {
		rep1, rep2 := fx.member(t, "张三", true), fx.member(t, "李四", true)
		admin := fx.subscribe(t, fx.admin, 0)
		s1, s2 := fx.subscribe(t, rep1, 0), fx.subscribe(t, rep2, 0)

		mine := fx.create(t, rep1, "甲")
		for name, s := range map[string]*Subscription{"rep1": s1, "admin": admin} {
			ev := next(t, s)
			if ev.Type != string(engine.EventRecordCreated) || ev.RecordID != mine.ID || ev.Form != fx.form || ev.Version != mine.Version || ev.ID <= 0 {
				t.Fatalf("%s got %+v, want the creation of %s", name, ev, mine.ID)
			}
			// No field value travels, hidden or not.
			b, _ := json.Marshal(ev)
			if strings.Contains(string(b), "甲") || strings.Contains(string(b), "company") {
				t.Fatalf("event carries field values: %s", b)
			}
		}
		// rep2 may not see rep1's record: the next thing rep2 hears of is
		// their own record, never rep1's.
		theirs := fx.create(t, rep2, "乙")
		if ev := next(t, s2); ev.RecordID != theirs.ID {
			t.Fatalf("rep2 got %+v, want only their own record %s", ev, theirs.ID)
		}
		// Updates and deletes follow the same rule.
		upd, err := fx.e.UpdateRecord(fx.ctx, rep1, fx.form, mine.ID, map[string]any{"company": "甲2"}, mine.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := fx.e.DeleteRecord(fx.ctx, rep1, fx.form, mine.ID, upd.Version); err != nil {
			t.Fatal(err)
		}
		fx.create(t, rep2, "丙")
		got := map[string]bool{}
		for range 2 {
			ev := next(t, s1)
			if ev.RecordID != mine.ID {
				t.Fatalf("rep1 got %+v about a record they may not see", ev)
			}
			got[ev.Type] = true
		}
		if !got[string(engine.EventRecordUpdated)] || !got[string(engine.EventRecordDeleted)] {
			t.Fatalf("rep1 got %v, want the update and the delete", got)
		}
		if ev := next(t, s2); ev.RecordID == mine.ID {
			t.Fatalf("rep2 heard of rep1's record: %+v", ev)
		}
	})
}

func TestSubscribeChecksTheForms(t *testing.T) {
	eachBackend(t, Options{}, func(t *testing.T, fx *fixture) {
		outsider := fx.member(t, "路人", false)
		if _, err := fx.hub.Subscribe(fx.ctx, outsider, []string{fx.form}, 0); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("member without a permission set: %v, want forbidden", err)
		}
		if _, err := fx.hub.Subscribe(fx.ctx, fx.admin, []string{"", ""}, 0); !isValidation(err, CodeForms) {
			t.Fatalf("no form: %v", err)
		}
		if _, err := fx.hub.Subscribe(fx.ctx, fx.admin, []string{"nosuchform"}, 0); !isValidation(err, CodeFormName) {
			t.Fatalf("unknown form: %v", err)
		}
		// A stream over several forms keeps the ones the member may view.
		open := fx.openForm(t)
		s, err := fx.hub.Subscribe(fx.ctx, outsider, []string{fx.form, open, "nosuchform"}, 0)
		if err != nil {
			t.Fatalf("one viewable form among others: %v", err)
		}
		defer s.Close()
		if got := s.Forms(); len(got) != 1 || got[0] != open {
			t.Fatalf("watches %v, want only %s", got, open)
		}
		many := make([]string, MaxForms+1)
		for i := range many {
			many[i] = fx.form + string(rune('a'+i%26)) + string(rune('a'+i/26))
		}
		if _, err := fx.hub.Subscribe(fx.ctx, fx.admin, many, 0); !isValidation(err, CodeTooMany) {
			t.Fatalf("too many forms: %v", err)
		}
	})
}

func TestResumeReplaysWhatWasMissed(t *testing.T) {
	eachBackend(t, Options{Ring: 4}, func(t *testing.T, fx *fixture) {
		rep1, rep2 := fx.member(t, "张三", true), fx.member(t, "李四", true)
		s := fx.subscribe(t, rep1, 0)
		fx.create(t, rep1, "一")
		seen := next(t, s)
		s.Close()

		fx.create(t, rep2, "别人的")
		r3, r4 := fx.create(t, rep1, "三"), fx.create(t, rep1, "四")
		s = fx.subscribe(t, rep1, seen.ID)
		r5 := fx.create(t, rep1, "五")
		for _, want := range []string{r3.ID, r4.ID, r5.ID} {
			if ev := next(t, s); ev.RecordID != want {
				t.Fatalf("resumed stream got %+v, want %s next (missed ones in order, then live)", ev, want)
			}
		}
		last := r5.ID
		s.Close()

		// More than the ring holds happened since: a reset comes first.
		for range 5 {
			fx.create(t, rep1, "多")
		}
		fx.caughtUp(t)
		s = fx.subscribe(t, rep1, seen.ID)
		reset := next(t, s)
		if reset.Type != TypeReset || reset.ID <= seen.ID {
			t.Fatalf("first event after a too old resume point = %+v, want %s", reset, TypeReset)
		}
		// Events the hub had not passed at the reset still follow it.
		r := fx.create(t, rep1, "新")
		for ev := next(t, s); ev.RecordID != r.ID; ev = next(t, s) {
			if ev.ID <= reset.ID || ev.RecordID == last {
				t.Fatalf("after the reset got %+v, at or before the reset %d", ev, reset.ID)
			}
		}
	})
}

func TestLimits(t *testing.T) {
	eachBackend(t, Options{MaxPerMember: 2, MaxPerProcess: 3, Buffer: 1}, func(t *testing.T, fx *fixture) {
		rep := fx.member(t, "张三", true)
		a, b := fx.subscribe(t, rep, 0), fx.subscribe(t, rep, 0)
		c := fx.subscribe(t, rep, 0) // the member's oldest makes way
		if r := ended(t, a); r != ReasonReplaced {
			t.Fatalf("oldest stream ended with %q, want %q", r, ReasonReplaced)
		}
		adm := fx.subscribe(t, fx.admin, 0)
		if _, err := fx.hub.Subscribe(fx.ctx, fx.member(t, "李四", true), []string{fx.form}, 0); !errors.Is(err, ErrBusy) {
			t.Fatalf("past the process limit: %v, want ErrBusy", err)
		}
		// A reader that does not keep up is dropped, not waited for.
		fx.create(t, rep, "一")
		fx.create(t, rep, "二")
		for _, s := range []*Subscription{b, c, adm} {
			if r := ended(t, s); r != ReasonSlow {
				t.Fatalf("slow stream ended with %q, want %q", r, ReasonSlow)
			}
		}
		if n := fx.hub.Connections(); n != 0 {
			t.Fatalf("%d connections left, want none", n)
		}
		fx.hub.Close()
		if _, err := fx.hub.Subscribe(fx.ctx, fx.admin, []string{fx.form}, 0); !errors.Is(err, ErrClosed) {
			t.Fatalf("after Close: %v, want ErrClosed", err)
		}
	})
}

// otherProcess hides the store's commit signals and raw reads, as a
// second process sharing the database sees it.
type otherProcess struct{ store.Store }

func TestAnotherProcessesWritesArrive(t *testing.T) {
	eachBackend(t, Options{}, func(t *testing.T, fx *fixture) {
		rep := fx.member(t, "张三", true)
		// A second process: its own engine and hub on the same database,
		// told of nothing but what its poll reads.
		e2 := newEngine(t, otherProcess{fx.st})
		h2 := startHub(t, e2, otherProcess{fx.st}, Options{Poll: 20 * time.Millisecond, Logger: quiet})
		s, err := h2.Subscribe(fx.ctx, rep, []string{fx.form}, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		r := fx.create(t, rep, "甲")
		if ev := next(t, s); ev.RecordID != r.ID || ev.ID <= 0 {
			t.Fatalf("other process's hub got %+v, want %s", ev, r.ID)
		}
	})
}

func TestRecheckEndsAStreamWhosePermissionWent(t *testing.T) {
	eachBackend(t, Options{}, func(t *testing.T, fx *fixture) {
		rep := fx.member(t, "张三", true)
		s := fx.subscribe(t, rep, 0)
		if err := s.Recheck(fx.ctx, rep); err != nil {
			t.Fatalf("recheck with the role: %v", err)
		}
		m, err := fx.e.Membership(fx.ctx, fx.admin.Workspace, rep.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.e.SetMemberAccess(fx.ctx, fx.admin, m.ID, nil, nil, m.Version); err != nil {
			t.Fatal(err)
		}
		rep.Roles = nil // what the next authentication says
		if err := s.Recheck(fx.ctx, rep); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("recheck without the role: %v, want forbidden", err)
		}
		if r := ended(t, s); r != ReasonForbidden {
			t.Fatalf("ended with %q, want %q", r, ReasonForbidden)
		}
	})
}
