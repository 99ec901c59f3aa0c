package engine_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
)

// countingPolicy is the product's policy, counting the invalidations the
// engine sends it per workspace.
type countingPolicy struct {
	*access.Policy
	mu   sync.Mutex
	seen map[string]int
}

func (p *countingPolicy) Invalidate(ws string) {
	p.mu.Lock()
	p.seen[ws]++
	p.mu.Unlock()
	p.Policy.Invalidate(ws)
}

func (p *countingPolicy) count(ws string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[ws]
}

// TestFollowChangesAcrossEngines runs two engines over one store, as two
// processes sharing a database do: a change committed through engine A (a
// member made admin, a workspace's time zone) reaches engine B, whose
// caches were filled before the change, within the documented 2 s: B's
// time zone changes and its authorizer drops the workspace's cached
// decisions, because B follows the outbox. The caches' own lifetimes are 5 s, so
// without the follower B would still answer from them.
func TestFollowChangesAcrossEngines(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inv := &countingPolicy{Policy: access.New(), seen: map[string]int{}}
	b, err := engine.New(ctx, f.e.Store(), engine.Options{Authorizer: inv})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = b.FollowChanges(ctx, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	// B caches the zone (and its policy whatever it decides).
	ws, err := b.Workspace(ctx, f.admin.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateWorkspace(ctx, f.member, engine.WorkspaceInput{Name: ws.Name, TimeZone: ws.TimeZone}, ws.Version); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("member updates the workspace on B: %v", err)
	}
	loc, err := b.Location(ctx, f.admin.Workspace)
	if err != nil || loc.String() != engine.DefaultTimeZone {
		t.Fatalf("zone on B: %v %v", loc, err)
	}

	// A makes the member an admin and moves the workspace to another zone.
	members, err := f.e.Members(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.UserID == f.member.UserID {
			if _, err := f.e.UpdateMember(ctx, f.admin, m.ID, engine.RoleAdmin, nil, m.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.e.UpdateWorkspace(ctx, f.admin, engine.WorkspaceInput{Name: ws.Name, TimeZone: "Europe/Berlin"}, ws.Version); err != nil {
		t.Fatal(err)
	}

	// B enforces both within 2 s (a deadline, not a sleep).
	deadline := time.Now().Add(2 * time.Second)
	for {
		loc, err := b.Location(ctx, f.admin.Workspace)
		if err != nil {
			t.Fatal(err)
		}
		if loc.String() == "Europe/Berlin" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still sees zone %s 2 s after the change", loc)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for inv.count(f.admin.Workspace) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("B's authorizer was not told of the membership change within 2 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFollowChangesStartWindow: a change another process committed after
// this engine filled a cache but before its follower found the outbox's end
// is still applied (the follower re-applies the last events when it starts).
func TestFollowChangesStartWindow(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := engine.New(ctx, f.e.Store(), engine.Options{Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := b.Workspace(ctx, f.admin.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	if loc, err := b.Location(ctx, f.admin.Workspace); err != nil || loc.String() != engine.DefaultTimeZone {
		t.Fatalf("zone on B: %v %v", loc, err)
	}
	if _, err := f.e.UpdateWorkspace(ctx, f.admin, engine.WorkspaceInput{Name: ws.Name, TimeZone: "Europe/Berlin"}, ws.Version); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = b.FollowChanges(ctx, 20*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(2 * time.Second)
	for {
		loc, err := b.Location(ctx, f.admin.Workspace)
		if err != nil {
			t.Fatal(err)
		}
		if loc.String() == "Europe/Berlin" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still sees zone %s: the change before its follower started was lost", loc)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
