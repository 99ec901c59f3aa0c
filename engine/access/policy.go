package access

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
)

// Cache defaults (see Options).
const (
	// DefaultTTL is how long a compiled decision, a form's permission sets
	// and a workspace's organisation are trusted: a change committed by
	// another process sharing the store is seen within this time (this
	// process's own changes are seen at once, through Invalidate).
	DefaultTTL = 5 * time.Second
	// DefaultMaxEntries bounds the cached items of all workspaces; above
	// it the whole cache is dropped and refilled on demand.
	DefaultMaxEntries = 20000
)

// Options configure a Policy. The zero value gives the defaults.
type Options struct {
	// Now is the clock of cache lifetimes (time.Now when nil).
	Now func() time.Time
	// TTL is the lifetime of cached items, at most DefaultTTL (the
	// staleness the product documents); 0 means DefaultTTL.
	TTL time.Duration
	// MaxEntries bounds the number of cached items; 0 means
	// DefaultMaxEntries.
	MaxEntries int
}

// Policy is the product's engine.Authorizer and engine.Invalidator: it
// compiles a member's permission sets into a Decision per (form version,
// permission version, member, action) and caches it. It is safe for
// concurrent use. Decisions it returns share their Rows and Mask with the
// cache: callers must not change them.
type Policy struct {
	now  func() time.Time
	ttl  time.Duration
	max  int
	seed maphash.Seed

	mu     sync.RWMutex
	spaces map[string]*space
	size   int // cached items of all spaces
}

// New returns the policy to wire into engine.Options.Authorizer; at most
// one Options may be given.
func New(opts ...Options) *Policy {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	p := &Policy{now: o.Now, ttl: o.TTL, max: o.MaxEntries, seed: maphash.MakeSeed(), spaces: map[string]*space{}}
	if p.now == nil {
		p.now = time.Now
	}
	if p.ttl <= 0 || p.ttl > DefaultTTL {
		p.ttl = DefaultTTL
	}
	if p.max <= 0 {
		p.max = DefaultMaxEntries
	}
	return p
}

// adminActions are the actions only a workspace admin may take.
var adminActions = map[engine.Action]bool{
	engine.ActWorkspaceManage:   true,
	engine.ActMembersManage:     true,
	engine.ActDepartmentsManage: true,
	engine.ActJobsManage:        true,
	engine.ActFilesReadAll:      true,
	engine.ActRolesManage:       true,
}

// appActions are the actions the admins of an app may take on it (and a
// workspace admin on every app). Creating an app (no app named) stays with
// workspace admins.
var appActions = map[engine.Action]bool{
	engine.ActAppManage:         true,
	engine.ActFormDesign:        true,
	engine.ActPermissionsManage: true,
}

// recordActions are the actions permission sets grant.
var recordActions = func() map[engine.Action]bool {
	m := map[engine.Action]bool{}
	for _, a := range engine.RecordActions {
		m[a] = true
	}
	return m
}()

// Decide answers whether a may take act on r (docs/permissions.md): a
// workspace admin may do everything; an app admin may design, manage and
// reach every record of their apps; anyone else may take a record action
// on a form when a permission set of the form granted to them allows it,
// narrowed to the sets' rows and fields. The engine has already checked
// that a acts in r's workspace.
func (p *Policy) Decide(ctx context.Context, f engine.Facts, a engine.Actor, act engine.Action, r engine.Resource) (engine.Decision, error) {
	switch {
	case !adminActions[act] && !appActions[act] && !recordActions[act]:
		return engine.Decision{Reason: "unknown action " + string(act)}, nil
	case a.Role == engine.RoleAdmin:
		return engine.Decision{Allowed: true}, nil
	case a.Role != engine.RoleMember:
		return engine.Decision{Reason: "unknown workspace role " + string(a.Role)}, nil
	case adminActions[act]:
		return engine.Decision{Reason: "workspace admin role required for " + string(act)}, nil
	case appActions[act]:
		if r.App == "" && r.Form == "" {
			return engine.Decision{Reason: "workspace admin role required for " + string(act) + " without an app"}, nil
		}
		ok, err := p.appAdmin(ctx, f, a, r)
		if err != nil || !ok {
			return engine.Decision{Reason: "workspace or app admin role required for " + string(act)}, err
		}
		return engine.Decision{Allowed: true}, nil
	}
	if r.Form == "" {
		return engine.Decision{Reason: string(act) + " needs a form"}, nil
	}
	if ok, err := p.appAdmin(ctx, f, a, r); err != nil || ok {
		return engine.Decision{Allowed: ok}, err
	}
	return p.recordDecision(ctx, f, a, act, r.Form)
}

// appAdmin reports whether a administers the app of r (r.App, else the
// app of r.Form).
func (p *Policy) appAdmin(ctx context.Context, f engine.Facts, a engine.Actor, r engine.Resource) (bool, error) {
	if len(a.AdminApps) == 0 {
		return false, nil
	}
	app := r.App
	if app == "" {
		fe, err := p.form(ctx, f, a.Workspace, r.Form, true)
		if err != nil {
			return false, err
		}
		app = fe.app
	}
	return app != "" && slices.Contains(a.AdminApps, app), nil
}

// recordDecision is the decision of a record action on a form for a
// member who administers neither the workspace nor the form's app:
// cached, else compiled from the form's permission sets.
func (p *Policy) recordDecision(ctx context.Context, f engine.Facts, a engine.Actor, act engine.Action, formID string) (engine.Decision, error) {
	ws := a.Workspace
	v, err := f.VersionOf(ctx, ws, formID)
	if err != nil && !errors.Is(err, engine.ErrNotPublished) {
		return engine.Decision{}, err
	}
	key := decisionKey{form: formID, act: act, user: a.UserID, actor: p.actorHash(a)}
	if v != nil {
		key.version = v.Number
	}
	now := p.now()
	p.mu.RLock()
	sp := p.spaces[ws]
	if sp != nil {
		if fe := sp.forms[formID]; fe != nil && now.Before(fe.expires) {
			key.perms = fe.perms.Version
			if de := sp.decisions[key]; de != nil && now.Before(de.expires) && de.sameActor(a) {
				d := de.d
				p.mu.RUnlock()
				return d, nil
			}
		}
	}
	p.mu.RUnlock()

	sp = p.space(ws)
	fe, err := p.form(ctx, f, ws, formID, false)
	if err != nil {
		return engine.Decision{}, err
	}
	chart, err := p.chart(ctx, f, sp, ws)
	if err != nil {
		return engine.Decision{}, err
	}
	key.perms = fe.perms.Version
	c := &compiler{ctx: ctx, p: p, f: f, a: a, ce: chart, expires: earliest(fe.expires, chart.expires, now.Add(p.ttl))}
	d := c.compile(fe.perms, v, act)
	if c.err != nil {
		return engine.Decision{}, c.err
	}
	expires := c.expires
	p.store(ws, sp, func() int {
		if _, ok := sp.decisions[key]; ok {
			sp.decisions[key] = newDecisionEntry(d, a, expires)
			return 0
		}
		sp.decisions[key] = newDecisionEntry(d, a, expires)
		return 1
	})
	return d, nil
}

// form returns the cached permission sets (and, when needApp, the app) of
// a form, reading them when missing or expired.
func (p *Policy) form(ctx context.Context, f engine.Facts, ws, formID string, needApp bool) (*formEntry, error) {
	now := p.now()
	p.mu.RLock()
	sp := p.spaces[ws]
	var fe *formEntry
	if sp != nil {
		fe = sp.forms[formID]
	}
	p.mu.RUnlock()
	if fe != nil && now.Before(fe.expires) && (!needApp || fe.appKnown) {
		return fe, nil
	}
	sp = p.space(ws)
	perms, err := f.FormPermissionsOf(ctx, ws, formID)
	if err != nil {
		return nil, fmt.Errorf("access: permissions of form %s: %w", formID, err)
	}
	nfe := &formEntry{perms: perms, expires: now.Add(p.ttl)}
	if needApp || (fe != nil && fe.appKnown) {
		if nfe.app, err = f.FormApp(ctx, ws, formID); err != nil {
			return nil, err
		}
		nfe.appKnown = true
	}
	p.store(ws, sp, func() int {
		_, had := sp.forms[formID]
		sp.forms[formID] = nfe
		if had {
			return 0
		}
		return 1
	})
	return nfe, nil
}

// chart returns the cached organisation of ws, reading it when missing or
// expired.
func (p *Policy) chart(ctx context.Context, f engine.Facts, sp *space, ws string) (*chartEntry, error) {
	now := p.now()
	p.mu.RLock()
	ce := sp.chart
	p.mu.RUnlock()
	if ce != nil && now.Before(ce.expires) {
		return ce, nil
	}
	o, err := f.OrgChart(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("access: organisation of %s: %w", ws, err)
	}
	nce := newChartEntry(o, now.Add(p.ttl))
	p.store(ws, sp, func() int {
		had := sp.chart != nil
		sp.chart = nce
		if had {
			return 0
		}
		return 1
	})
	return nce, nil
}

// Invalidate implements engine.Invalidator: it drops everything cached
// about workspace ws. The engine calls it after committing a change of
// ws's roles, members, departments, apps, forms or permission sets.
func (p *Policy) Invalidate(ws string) {
	p.mu.Lock()
	if sp := p.spaces[ws]; sp != nil {
		p.size -= sp.size()
		delete(p.spaces, ws)
	}
	p.mu.Unlock()
}

// earliest returns the earliest of ts.
func earliest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.Before(out) {
			out = t
		}
	}
	return out
}

// Actions lists every action the policy knows, for tests and documents.
func Actions() []engine.Action {
	out := make([]engine.Action, 0, len(adminActions)+len(appActions)+len(recordActions))
	for _, m := range []map[engine.Action]bool{adminActions, appActions, recordActions} {
		for a := range m {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// MemberMay reports whether act is one a plain member may be given (by a
// form's permission sets): a record action.
func MemberMay(act engine.Action) bool { return recordActions[act] }
