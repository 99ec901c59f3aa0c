package engine_test

import (
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// testClock is an injectable clock tests move by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// TestTimeZoneChangeSeenByEveryProcess: two engines over one store stand for
// two processes. A time-zone change made through one is seen by it at once
// and by the other within engine.ZoneTTL.
func TestTimeZoneChangeSeenByEveryProcess(t *testing.T) {
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f1 := fixtureWithClock(t, st, clock)
	e2, err := engine.New(f1.ctx, st, engine.Options{Clock: clock.Now, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	ws := f1.admin.Workspace
	for _, e := range []*engine.Engine{f1.e, e2} {
		if loc, err := e.Location(f1.ctx, ws); err != nil || loc.String() != engine.DefaultTimeZone {
			t.Fatalf("initial zone %v, %v", loc, err)
		}
	}
	if _, err := f1.e.UpdateWorkspace(f1.ctx, f1.admin, engine.WorkspaceInput{Name: "示例公司", TimeZone: "Europe/Berlin"}, 0); err != nil {
		t.Fatal(err)
	}
	if loc, _ := f1.e.Location(f1.ctx, ws); loc.String() != "Europe/Berlin" {
		t.Fatalf("the writing process sees %v", loc)
	}
	clock.Add(engine.ZoneTTL)
	if loc, _ := e2.Location(f1.ctx, ws); loc.String() != "Europe/Berlin" {
		t.Fatalf("the other process sees %v after ZoneTTL", loc)
	}
}

func fixtureWithClock(t *testing.T, st *sqlitestore.Store, clock *testClock) *fixture {
	t.Helper()
	e, err := engine.New(t.Context(), st, engine.Options{Clock: clock.Now, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{e: e, ctx: t.Context()}
	f.admin, f.member = f.newWorkspace(t, "示例公司")
	return f
}
