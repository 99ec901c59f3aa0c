package automation

import (
	"context"
	"strings"
	"sync"

	"github.com/formloom/formloom/engine"
)

// wsIndex holds one workspace's enabled automations, compiled once and
// indexed by what starts them, so an event finds its candidates with two
// map lookups.
type wsIndex struct {
	// records maps a record collection ("r_<form>") and an event type to
	// the automations its record events start.
	records map[string]map[string][]*compiled
	// dates maps a record collection to its date-relative automations.
	dates map[string][]*compiled
	// events maps another event type to the event automations.
	events map[string][]*compiled
	byID   map[string]*compiled
}

// recordColl is the collection of a form's records (as the engine names
// it in events).
func recordColl(form string) string { return "r_" + strings.ToLower(form) }

var loadMu sync.Mutex

// index returns the workspace's index, compiling it on first use.
func (s *Service) index(ctx context.Context, ws string) (*wsIndex, error) {
	if x, ok := s.indexes.Load(ws); ok {
		return x.(*wsIndex), nil
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	if x, ok := s.indexes.Load(ws); ok {
		return x.(*wsIndex), nil
	}
	list, err := s.listAutomations(ctx, ws, "")
	if err != nil {
		return nil, err
	}
	idx := &wsIndex{records: map[string]map[string][]*compiled{}, dates: map[string][]*compiled{}, events: map[string][]*compiled{}, byID: map[string]*compiled{}}
	for _, au := range list {
		if !au.Enabled || au.Published == 0 {
			continue
		}
		c, err := s.compiledOf(ctx, au)
		if err != nil {
			s.log.Warn("automation does not compile against its form any more; it does not run", "automation", au.ID, "err", err)
			continue
		}
		idx.add(c)
	}
	s.indexes.Store(ws, idx)
	return idx, nil
}

func (x *wsIndex) add(c *compiled) {
	x.byID[c.auto.ID] = c
	t := c.ver.Design.Trigger
	coll := recordColl(c.auto.Form)
	switch {
	case recordTrigger(t.Type):
		m := x.records[coll]
		if m == nil {
			m = map[string][]*compiled{}
			x.records[coll] = m
		}
		for _, et := range eventTypesOf(t) {
			m[et] = append(m[et], c)
		}
	case t.Type == TriggerDate:
		x.dates[coll] = append(x.dates[coll], c)
	case t.Type == TriggerEvent:
		x.events[t.Event] = append(x.events[t.Event], c)
	}
}

// invalidate drops a workspace's index; the next event compiles it again.
func (s *Service) invalidate(ws string) { s.indexes.Delete(ws) }

// compiledOf compiles the published version of au against the form's
// current version.
func (s *Service) compiledOf(ctx context.Context, au Automation) (*compiled, error) {
	v, err := s.loadVersion(ctx, au.ID, au.Published)
	if err != nil {
		return nil, err
	}
	fv, err := s.e.VersionOf(ctx, au.Workspace, au.Form)
	if err != nil {
		return nil, err
	}
	a, err := s.actorFor(ctx, au.Workspace, v.Design.Actor)
	if err != nil {
		// The design is compiled anyway; runs report the missing actor.
		a = engine.Actor{UserID: v.Design.Actor, Workspace: au.Workspace, Role: engine.RoleMember, Source: engine.SourceAutomation}
	}
	c, err := s.compileDesign(ctx, a, au, v.Design, fv)
	if err != nil {
		return nil, err
	}
	c.ver = v
	return c, nil
}
