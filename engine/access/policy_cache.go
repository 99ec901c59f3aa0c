package access

import (
	"hash/maphash"
	"math/bits"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
)

// The cache: per workspace, the compiled decisions, the forms' permission
// sets and the organisation. Every item expires after the policy's TTL
// (a decision no later than the permission sets and organisation it was
// compiled from), Invalidate drops a workspace, and above MaxEntries items
// everything is dropped. A fill that read its facts before an Invalidate
// of its workspace is not stored: it writes only into the space it
// started with, and only while that space is still the current one.

// space is the cache of one workspace.
type space struct {
	decisions map[decisionKey]*decisionEntry
	forms     map[string]*formEntry
	chart     *chartEntry
}

func (s *space) size() int {
	n := len(s.decisions) + len(s.forms)
	if s.chart != nil {
		n++
	}
	return n
}

// decisionKey names a compiled decision. actor is a hash of the actor's
// roles, departments and admin apps that does not depend on their order;
// the entry holds the lists themselves, compared on every hit, so a hash
// collision is a miss, never a wrong answer.
type decisionKey struct {
	form    string
	version int   // published form version (0: none)
	perms   int64 // FormPermissions.Version
	user    string
	act     engine.Action
	actor   uint64
}

type decisionEntry struct {
	d                  engine.Decision
	roles, depts, apps []string
	expires            time.Time
}

func newDecisionEntry(d engine.Decision, a engine.Actor, expires time.Time) *decisionEntry {
	return &decisionEntry{d: d, roles: slices.Clone(a.Roles), depts: slices.Clone(a.Departments), apps: slices.Clone(a.AdminApps), expires: expires}
}

// sameActor reports whether a holds the roles, departments and admin apps
// the decision was compiled for (as sets).
func (de *decisionEntry) sameActor(a engine.Actor) bool {
	return sameSet(de.roles, a.Roles) && sameSet(de.depts, a.Departments) && sameSet(de.apps, a.AdminApps)
}

func sameSet(x, y []string) bool {
	for _, s := range x {
		if !slices.Contains(y, s) {
			return false
		}
	}
	for _, s := range y {
		if !slices.Contains(x, s) {
			return false
		}
	}
	return true
}

// actorHash hashes the actor's roles, departments and admin apps, each as
// an unordered list, without allocating.
func (p *Policy) actorHash(a engine.Actor) uint64 {
	sum := func(l []string) uint64 {
		var h uint64
		for _, s := range l {
			h += maphash.String(p.seed, s)
		}
		return h
	}
	return sum(a.Roles) ^ bits.RotateLeft64(sum(a.Departments), 21) ^ bits.RotateLeft64(sum(a.AdminApps), 42)
}

// formEntry is a form's permission sets and, once asked for, its app.
type formEntry struct {
	perms    engine.FormPermissions
	app      string
	appKnown bool
	expires  time.Time
}

// chartEntry is a workspace's organisation with each department's parent.
type chartEntry struct {
	chart   engine.OrgChart
	parent  map[string]string
	expires time.Time
}

func newChartEntry(o engine.OrgChart, expires time.Time) *chartEntry {
	ce := &chartEntry{chart: o, parent: make(map[string]string, len(o.Departments)), expires: expires}
	for _, d := range o.Departments {
		ce.parent[d.ID] = d.Parent
	}
	return ce
}

// within returns the departments ids and every department above them: a
// department grant to one of these reaches a member of ids.
func (ce *chartEntry) within(ids []string) map[string]bool {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		for d := id; d != "" && !out[d]; d = ce.parent[d] {
			out[d] = true
		}
	}
	return out
}

// space returns the cache of ws, creating it.
func (p *Policy) space(ws string) *space {
	p.mu.RLock()
	sp := p.spaces[ws]
	p.mu.RUnlock()
	if sp != nil {
		return sp
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if sp = p.spaces[ws]; sp == nil {
		sp = &space{decisions: map[decisionKey]*decisionEntry{}, forms: map[string]*formEntry{}}
		p.spaces[ws] = sp
	}
	return sp
}

// store runs put on sp (which returns how many items it added) if sp is
// still the cache of ws; when the cache is full it is dropped instead.
func (p *Policy) store(ws string, sp *space, put func() int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spaces[ws] != sp {
		return
	}
	if p.size >= p.max {
		p.spaces, p.size = map[string]*space{}, 0
		return
	}
	p.size += put()
}
