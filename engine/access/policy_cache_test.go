package access_test

import (
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store"
)

// ownedByDepartmentsAndBelow is a set showing a member the records owned by
// the members of their departments and those below.
func ownedByDepartmentsAndBelow(grants ...engine.Grant) engine.PermissionSet {
	f := store.Where("ownedBy", store.OpIn, engine.PlaceholderMyDepartmentsAndBelow)
	return engine.PermissionSet{Name: "本部门及下级", Actions: []engine.Action{engine.ActRecordView}, Rows: &f, Grants: grants}
}

// owners returns the user ids of an ownedBy-in filter.
func owners(t *testing.T, d engine.Decision) []string {
	t.Helper()
	if !d.Allowed || d.Rows == nil || d.Rows.Field != "ownedBy" || d.Rows.Op != store.OpIn {
		t.Fatalf("want ownedBy in …, got %+v", d)
	}
	var out []string
	for _, v := range d.Rows.Value.([]any) {
		out = append(out, v.(string))
	}
	slices.Sort(out)
	return out
}

func sorted(l ...string) []string {
	l = slices.Clone(l)
	slices.Sort(l)
	return l
}

// TestCacheHit: a second decision for the same member, form and action
// reads no facts, whatever the order of the member's roles and
// departments; another action or member compiles anew from cached facts.
func TestCacheHit(t *testing.T) {
	ev := newSQLiteEnv(t)
	formID := ev.publish(ev.app(), dealForm)
	d1, d2 := ev.department("一部", ""), ev.department("二部", "")
	r1, r2 := ev.role("销售"), ev.role("经理")
	m := ev.setAccess(ev.member("张三", d1.ID, d2.ID), []string{r1, r2}, nil)
	ev.configure(formID, ownedByDepartmentsAndBelow(toRole(r1)))
	facts := &countingFacts{Facts: ev.e}
	first := ev.decideWith(facts, m, engine.ActRecordView, engine.Resource{Form: formID})
	if facts.perms.Load() != 1 || facts.charts.Load() != 1 {
		t.Fatalf("first decision read %d permissions, %d charts", facts.perms.Load(), facts.charts.Load())
	}
	swapped := m
	swapped.Roles = []string{r2, r1}
	swapped.Departments = []string{d2.ID, d1.ID}
	again := ev.decideWith(facts, swapped, engine.ActRecordView, engine.Resource{Form: formID})
	if facts.perms.Load() != 1 || facts.charts.Load() != 1 {
		t.Errorf("a cached decision read facts")
	}
	if again.Rows != first.Rows {
		t.Errorf("a cached decision shares its rows")
	}
	// Fewer roles is another actor: recompiled (from the cached facts),
	// and without r1 the set no longer applies.
	fewer := m
	fewer.Roles = []string{r2}
	if d := ev.decideWith(facts, fewer, engine.ActRecordView, engine.Resource{Form: formID}); d.Allowed {
		t.Errorf("without the role: %+v", d)
	}
	if facts.perms.Load() != 1 || facts.charts.Load() != 1 {
		t.Errorf("another actor re-read the cached facts")
	}
}

// TestInvalidation: the engine invalidates the workspace after it commits
// a change of permission sets, member access, members or departments, and
// the next decision reflects it without waiting for the cache to expire.
func TestInvalidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		formID := ev.publish(ev.app(), dealForm)
		top, east, other := ev.department("销售部", ""), ev.department("华东区", ""), ev.department("财务部", "")
		m := ev.member("经理", top.ID)
		x := ev.member("华东", east.ID)
		y := ev.member("财务", other.ID)
		set := ev.configure(formID, ownedByDepartmentsAndBelow(toMember(m)))[0]
		view := func(a engine.Actor) engine.Decision {
			return ev.decide(a, engine.ActRecordView, engine.Resource{Form: formID})
		}
		expectInvalidated := func(what string) {
			t.Helper()
			if got := ev.spy.invalidations(); !slices.Contains(got, ev.ws) {
				t.Errorf("%s: invalidated %v, want %s", what, got, ev.ws)
			}
		}
		ev.spy.invalidations()
		if got := owners(t, view(m)); !slices.Equal(got, []string{m.UserID}) {
			t.Fatalf("before: %v", got)
		}

		// A department moved under the member's is below it at once.
		if _, err := ev.e.UpdateDepartment(ev.ctx, ev.admin, east.ID, east.Name, top.ID, east.Version); err != nil {
			t.Fatal(err)
		}
		expectInvalidated("UpdateDepartment")
		if got := owners(t, view(m)); !slices.Equal(got, sorted(m.UserID, x.UserID)) {
			t.Errorf("after moving a department: %v", got)
		}

		// A member moved into the department is one of its users at once.
		ym := ev.membership(y)
		if _, err := ev.e.UpdateMember(ev.ctx, ev.admin, ym.ID, engine.RoleMember, []string{top.ID}, ym.Version); err != nil {
			t.Fatal(err)
		}
		expectInvalidated("UpdateMember")
		if got := owners(t, view(m)); !slices.Equal(got, sorted(m.UserID, x.UserID, y.UserID)) {
			t.Errorf("after moving a member: %v", got)
		}

		// A changed set applies at once.
		set.Rows = nil
		ev.save(formID, set)
		expectInvalidated("SavePermissionSet")
		if d := view(m); !d.Allowed || d.Rows != nil {
			t.Errorf("after opening the set's rows: %+v", d)
		}

		// New access: x gets a role a set is granted to, and the cached
		// facts are read again.
		role := ev.role("区域经理")
		expectInvalidated("CreateRole")
		ev.save(formID, preset(t, engine.PresetViewAll, toRole(role)))
		if d := view(x); d.Allowed {
			t.Fatalf("x without the role: %+v", d)
		}
		facts := &countingFacts{Facts: ev.e}
		ev.decideWith(facts, x, engine.ActRecordView, engine.Resource{Form: formID})
		if facts.perms.Load() != 0 {
			t.Fatalf("cached facts were read again before any change")
		}
		x = ev.setAccess(x, []string{role}, nil)
		expectInvalidated("SetMemberAccess")
		if d := ev.decideWith(facts, x, engine.ActRecordView, engine.Resource{Form: formID}); !d.Allowed {
			t.Errorf("x with the role: %+v", d)
		}
		if facts.perms.Load() != 1 || facts.charts.Load() != 1 {
			t.Errorf("after SetMemberAccess the facts were read %d, %d times, want once each", facts.perms.Load(), facts.charts.Load())
		}
	})
}

// TestTTL: a change the policy is not told about (committed by another
// process sharing the store) is seen once the cached items expire, within
// DefaultTTL on the policy's clock, and a decision does not outlive the
// facts it was compiled from.
func TestTTL(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		// other is a second process's policy: the engine does not
		// invalidate it.
		other := access.New(access.Options{Now: ev.clock.Now})
		decide := func(a engine.Actor, formID string) engine.Decision {
			t.Helper()
			d, err := other.Decide(ev.ctx, ev.e, a, engine.ActRecordView, engine.Resource{Workspace: ev.ws, Form: formID})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		app := ev.app()
		formID := ev.publish(app, dealForm)
		m := ev.member("成员")
		set := ev.configure(formID, preset(t, engine.PresetManageOwn, toMember(m)))[0]
		before := decide(m, formID)
		if before.Rows == nil {
			t.Fatal("manage_own has rows")
		}
		set.Rows = nil
		ev.save(formID, set)
		ev.clock.Advance(access.DefaultTTL - time.Millisecond)
		if d := decide(m, formID); d.Rows != before.Rows {
			t.Errorf("within the lifetime the cached decision stays: %+v", d)
		}
		ev.clock.Advance(2 * time.Millisecond)
		if d := decide(m, formID); !d.Allowed || d.Rows != nil {
			t.Errorf("after the lifetime: %+v", d)
		}

		// The organisation read for one form bounds the lifetime of a
		// decision compiled later from it for another.
		dept := ev.department("销售部", "")
		boss := ev.member("经理", dept.ID)
		second := ev.publish(app, dealForm)
		ev.configure(second, ownedByDepartmentsAndBelow(toMember(boss)))
		ev.clock.Advance(access.DefaultTTL)
		decide(boss, formID) // everything expired: reads the organisation now
		ev.clock.Advance(access.DefaultTTL - time.Second)
		if got := owners(t, decide(boss, second)); !slices.Equal(got, []string{boss.UserID}) {
			t.Fatalf("before: %v", got)
		}
		newcomer := ev.member("新人", dept.ID)
		ev.clock.Advance(time.Second + time.Millisecond)
		if got := owners(t, decide(boss, second)); !slices.Equal(got, sorted(boss.UserID, newcomer.UserID)) {
			t.Errorf("a decision outlived the organisation it was compiled from: %v", got)
		}
	})
}

// TestCacheBound: above MaxEntries the cache is dropped, not grown, and
// decisions stay right.
func TestCacheBound(t *testing.T) {
	ev := newSQLiteEnv(t)
	p := access.New(access.Options{Now: ev.clock.Now, MaxEntries: 5})
	formID := ev.publish(ev.app(), dealForm)
	var members []engine.Actor
	for range 12 {
		members = append(members, ev.member("成员"))
	}
	ev.configure(formID, preset(t, engine.PresetManageOwn, toMember(members[0]), toMember(members[1])))
	for round := range 3 {
		for i, m := range members {
			d, err := p.Decide(ev.ctx, ev.e, m, engine.ActRecordEdit, engine.Resource{Workspace: ev.ws, Form: formID})
			if err != nil {
				t.Fatal(err)
			}
			if want := i < 2; d.Allowed != want {
				t.Errorf("round %d, member %d: allowed=%v", round, i, d.Allowed)
			}
			if want := store.Where("ownedBy", store.OpEq, m.UserID); d.Allowed && !reflect.DeepEqual(*d.Rows, want) {
				t.Errorf("round %d, member %d: rows %+v", round, i, *d.Rows)
			}
			if n := access.CacheSize(p); n > 5 {
				t.Fatalf("cache holds %d items, bound 5", n)
			}
		}
	}
}

// TestConcurrentDecide: decisions, invalidations and expiry from many
// goroutines (run with -race).
func TestConcurrentDecide(t *testing.T) {
	ev := newSQLiteEnv(t)
	formID := ev.publish(ev.app(), dealForm)
	dept := ev.department("销售部", "")
	var members []engine.Actor
	for range 4 {
		members = append(members, ev.member("成员", dept.ID))
	}
	ev.configure(formID, ownedByDepartmentsAndBelow(everyone), preset(t, engine.PresetAddViewAll, toMember(members[0])))
	want := make([]string, len(members))
	for i, m := range members {
		want[i] = m.UserID
	}
	slices.Sort(want)
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				m := members[(g+i)%len(members)]
				d, err := ev.p.Decide(ev.ctx, ev.e, m, engine.ActRecordView, engine.Resource{Workspace: ev.ws, Form: formID})
				switch {
				case err != nil:
					errs <- err.Error()
					return
				case m.UserID == members[0].UserID && d.Rows != nil:
					errs <- "member 0 holds add_view_all: every row"
					return
				case m.UserID != members[0].UserID && (d.Rows == nil || !reflect.DeepEqual(d.Rows.Value, ids(want))):
					errs <- "wrong rows"
					return
				}
				switch i % 50 {
				case 0:
					ev.p.Invalidate(ev.ws)
				case 25:
					ev.clock.Advance(time.Second)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
