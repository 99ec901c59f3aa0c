package automation

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// AlertQuery filters and pages alerts (every filter optional).
type AlertQuery struct {
	Form     string     `json:"form,omitempty"`
	Record   string     `json:"record,omitempty"`
	Rule     string     `json:"rule,omitempty"`
	Severity Severity   `json:"severity,omitempty"`
	State    AlertState `json:"state,omitempty"`
	Owner    string     `json:"owner,omitempty"`
	Limit    int        `json:"limit,omitempty"`
	Cursor   string     `json:"cursor,omitempty"`
}

// AlertPage is one page of alerts, newest first.
type AlertPage struct {
	Items      []Alert `json:"items"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// Alerts lists the workspace's alerts the actor may see: all of the forms
// they design, and those whose record they may read. A page may hold
// fewer items than the limit when some were not visible.
func (s *Service) Alerts(ctx context.Context, a engine.Actor, q AlertQuery) (AlertPage, error) {
	f := store.Where("workspace", store.OpEq, a.Workspace)
	conds := []store.Filter{f}
	add := func(field, v string) {
		if v != "" {
			conds = append(conds, store.Where(field, store.OpEq, v))
		}
	}
	add("form", q.Form)
	add("record", q.Record)
	add("rule", q.Rule)
	add("owner", q.Owner)
	add("severity", string(q.Severity))
	add("state", string(q.State))
	switch q.Severity {
	case "", SeverityInfo, SeverityWarning, SeverityCritical:
	default:
		return AlertPage{}, invalid(ferr("severity", CodeActionCfg, map[string]any{"reason": "use info, warning or critical"}))
	}
	switch q.State {
	case "", AlertOpen, AlertAcknowledged, AlertResolved:
	default:
		return AlertPage{}, invalid(ferr("state", CodeActionCfg, map[string]any{"reason": "use open, acknowledged or resolved"}))
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	all := store.And(conds...)
	p, err := s.st.Find(ctx, collAlerts, store.Query{Filter: &all, Sort: []store.SortKey{{Field: "raised_at", Desc: true}}, Limit: q.Limit, After: q.Cursor})
	if err != nil {
		return AlertPage{}, mapStore(err)
	}
	out := AlertPage{Items: []Alert{}, NextCursor: p.NextCursor}
	v := newVisibility(s, a)
	for _, d := range p.Docs {
		al, err := alertFrom(d)
		if err != nil {
			return AlertPage{}, err
		}
		if ok, err := v.sees(ctx, al); err != nil {
			return AlertPage{}, err
		} else if ok {
			out.Items = append(out.Items, al)
		}
	}
	return out, nil
}

// visibility decides which alerts an actor sees, remembering per form
// whether they design it.
type visibility struct {
	s      *Service
	a      engine.Actor
	design map[string]bool
}

func newVisibility(s *Service, a engine.Actor) *visibility {
	return &visibility{s: s, a: a, design: map[string]bool{}}
}

func (v *visibility) designs(ctx context.Context, form string) bool {
	ok, seen := v.design[form]
	if !seen {
		ok = v.s.design(ctx, v.a, form) == nil
		v.design[form] = ok
	}
	return ok
}

func (v *visibility) sees(ctx context.Context, al Alert) (bool, error) {
	if v.designs(ctx, al.Form) {
		return true, nil
	}
	if al.Record == "" {
		return false, nil
	}
	_, err := v.s.e.Record(ctx, v.a, al.Form, al.Record)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, engine.ErrNotFound), errors.Is(err, engine.ErrForbidden):
		return false, nil
	}
	return false, err
}

// Alert returns one alert the actor may see.
func (s *Service) Alert(ctx context.Context, a engine.Actor, id string) (Alert, error) {
	al, _, err := s.loadAlert(ctx, a.Workspace, id)
	if err != nil {
		return Alert{}, err
	}
	if ok, err := newVisibility(s, a).sees(ctx, al); err != nil {
		return Alert{}, err
	} else if !ok {
		return Alert{}, fmt.Errorf("%w: alert %q", engine.ErrNotFound, id)
	}
	return al, nil
}

// Acknowledge marks an open alert as seen: its escalation stops.
func (s *Service) Acknowledge(ctx context.Context, a engine.Actor, id string) (Alert, error) {
	al, err := s.Alert(ctx, a, id)
	if err != nil {
		return Alert{}, err
	}
	out, err := s.transition(ctx, al, AlertAcknowledged, a.UserID, "")
	if err == nil && s.rt != nil {
		_ = s.rt.Cancel(ctx, "alert_esc."+id)
	}
	return out, err
}

// Resolve closes an open or acknowledged alert.
func (s *Service) Resolve(ctx context.Context, a engine.Actor, id string) (Alert, error) {
	al, err := s.Alert(ctx, a, id)
	if err != nil {
		return Alert{}, err
	}
	return s.transition(ctx, al, AlertResolved, a.UserID, "manual")
}

// AcknowledgeIf is Acknowledge when the alert is still at version (the
// one the caller read): otherwise engine.ErrConflict. The check and the
// change are one compare-and-set on the store.
func (s *Service) AcknowledgeIf(ctx context.Context, a engine.Actor, id string, version int64) (Alert, error) {
	al, err := s.Alert(ctx, a, id)
	if err != nil {
		return Alert{}, err
	}
	if al.Version != version {
		return Alert{}, fmt.Errorf("%w: alert %s is at version %d, not %d", engine.ErrConflict, id, al.Version, version)
	}
	out, err := s.transition(ctx, al, AlertAcknowledged, a.UserID, "")
	if err == nil && s.rt != nil {
		_ = s.rt.Cancel(ctx, "alert_esc."+id)
	}
	return out, err
}

// ResolveIf is Resolve when the alert is still at version; otherwise
// engine.ErrConflict (one compare-and-set, like AcknowledgeIf).
func (s *Service) ResolveIf(ctx context.Context, a engine.Actor, id string, version int64) (Alert, error) {
	al, err := s.Alert(ctx, a, id)
	if err != nil {
		return Alert{}, err
	}
	if al.Version != version {
		return Alert{}, fmt.Errorf("%w: alert %s is at version %d, not %d", engine.ErrConflict, id, al.Version, version)
	}
	return s.transition(ctx, al, AlertResolved, a.UserID, "manual")
}

// MaxCountAlerts bounds the alerts one count reads.
const MaxCountAlerts = 50_000

// AlertCounts counts the alerts each rule raised per week (Monday to
// Sunday in the workspace time zone) between from and to, among the alerts
// the actor sees (those of the forms they design and of the records they
// may read, as Alerts lists them): a manager counts their team's alerts.
func (s *Service) AlertCounts(ctx context.Context, a engine.Actor, from, to time.Time) ([]AlertCount, error) {
	if from.IsZero() {
		from = s.now().AddDate(0, 0, -7*12)
	}
	if to.IsZero() {
		to = s.now()
	}
	if !from.Before(to) {
		return nil, invalid(ferr("to", CodeRange, map[string]any{"min": "from", "max": "now"}))
	}
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return nil, err
	}
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("raised_at", store.OpGte, store.FormatTime(from)),
		store.Where("raised_at", store.OpLt, store.FormatTime(to)))
	byKey := map[string]*AlertCount{}
	_, err = s.eachVisibleAlert(ctx, a, f, func(al Alert) {
		t := al.RaisedAt.In(loc)
		y, w := t.ISOWeek()
		start := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		key := fmt.Sprintf("%s|%d-W%02d", al.Rule, y, w)
		c := byKey[key]
		if c == nil {
			c = &AlertCount{Rule: al.Rule, RuleName: al.RuleName, Week: fmt.Sprintf("%d-W%02d", y, w), Start: start.Format("2006-01-02")}
			byKey[key] = c
		}
		c.Raised++
		if al.Severity == SeverityCritical {
			c.Critical++
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]AlertCount, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Week != out[j].Week {
			return out[i].Week < out[j].Week
		}
		return out[i].Rule < out[j].Rule
	})
	return out, nil
}
