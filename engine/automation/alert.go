package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
)

// Escalation is an alert's chain: the owner is told when it is raised;
// unacknowledged after HeadAfterHours, the heads of the owner's
// departments; after RoleAfterHours (from the raise), the members of Role.
type Escalation struct {
	HeadAfterHours int    `json:"headAfterHours,omitempty"`
	Role           string `json:"role,omitempty"`
	RoleAfterHours int    `json:"roleAfterHours,omitempty"`
}

type alertConfig struct {
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Body     string `json:"body,omitempty"`
	// Dedupe is an expression giving the alert's key: one alert is open
	// per rule and key (empty: the record's id).
	Dedupe     string      `json:"dedupe,omitempty"`
	Escalation *Escalation `json:"escalation,omitempty"`
	// AutoResolve resolves the open alert when the condition no longer
	// holds (default true).
	AutoResolve *bool `json:"autoResolve,omitempty"`
}

type alertStep struct {
	cfg         alertConfig
	title, body *template
	dedupe      *expr.Program
}

func compileAlert(c *compiler, at string, raw map[string]any) stepImpl {
	var cfg alertConfig
	if !c.decode(at, raw, &cfg) {
		return nil
	}
	st := &alertStep{cfg: cfg}
	switch Severity(cfg.Severity) {
	case SeverityInfo, SeverityWarning, SeverityCritical:
	default:
		c.add(ferr(at+".severity", CodeActionCfg, map[string]any{"reason": "use info, warning or critical"}))
	}
	if cfg.Title == "" {
		c.add(ferr(at+".title", codeRequired, nil))
	}
	st.title = c.template(at+".title", cfg.Title)
	st.body = c.template(at+".body", cfg.Body)
	if cfg.Dedupe != "" {
		st.dedupe = c.expression(at+".dedupe", cfg.Dedupe, expr.Any)
	}
	if e := cfg.Escalation; e != nil {
		if e.HeadAfterHours < 0 || e.HeadAfterHours > 24*90 {
			c.add(ferr(at+".escalation.headAfterHours", CodeRange, map[string]any{"min": 0, "max": 24 * 90}))
		}
		if e.RoleAfterHours < 0 || e.RoleAfterHours > 24*90 || e.Role != "" && e.RoleAfterHours <= e.HeadAfterHours {
			c.add(ferr(at+".escalation.roleAfterHours", CodeRange, map[string]any{"min": e.HeadAfterHours + 1, "max": 24 * 90}))
		}
	}
	return st
}

func (st *alertStep) autoResolve() bool { return st.cfg.AutoResolve == nil || *st.cfg.AutoResolve }

// key evaluates the dedupe key of the run's record.
func (st *alertStep) key(rc *runCtx) (string, error) {
	if st.dedupe == nil {
		if rc.cause.record == "" {
			return "-", nil
		}
		return rc.cause.record, nil
	}
	v, err := st.dedupe.Run(rc.in)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(toInput(v, rc.loc)), nil
}

func openKey(rule, key string) string { return rule + "|" + key }

func (st *alertStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	key, err := st.key(rc)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	s := rc.s
	now := s.now()
	a := Alert{ID: store.NewID(), Workspace: rc.c.auto.Workspace, Rule: rc.c.auto.ID, RuleName: rc.c.ver.Design.Name, Form: rc.c.auto.Form,
		Record: rc.cause.record, Key: key, Severity: Severity(st.cfg.Severity), State: AlertOpen, Title: st.title.render(rc), Body: st.body.render(rc),
		Owner: rc.cause.owner, Notified: []string{}, RaisedAt: now.UTC()}
	detail := map[string]any{"key": key, "severity": st.cfg.Severity, "title": a.Title, "body": a.Body, "owner": a.Owner}
	open, err := s.openAlert(ctx, a.Rule, key)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	if open != nil {
		detail["alert"], detail["existing"] = open.ID, true
		return outcome(detail, "已有未解决的同一预警", "the same alert is already open"), nil
	}
	if dry {
		return outcome(detail, "将触发预警", "would raise an alert"), nil
	}
	if a.Owner != "" {
		a.Notified = []string{a.Owner}
	}
	doc := alertDoc(a)
	_, err = s.commit(ctx, store.UnitOfWork{Actor: rc.actor.UserID, At: now, Writes: []store.Write{
		{Op: store.OpInsert, Collection: collAlerts, Doc: store.Document{ID: a.ID, Data: doc}}},
		Events: []store.Event{alertEvent(EventAlertRaised, a, "")}})
	if errors.Is(err, store.ErrDuplicate) {
		detail["existing"] = true
		return outcome(detail, "已有未解决的同一预警", "the same alert is already open"), nil
	}
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	detail["alert"] = a.ID
	if a.Owner != "" {
		if err := s.notifyAlert(ctx, a, []string{a.Owner}, 0); err != nil && !errors.Is(err, engine.ErrNoNotifier) {
			s.log.Warn("notify alert owner", "alert", a.ID, "err", err)
		}
	}
	if e := st.cfg.Escalation; e != nil && s.rt != nil && (e.HeadAfterHours > 0 || e.Role != "") {
		if err := s.planEscalation(ctx, a, e, 1); err != nil {
			return outcome(detail, "", ""), err
		}
	}
	return outcome(detail, "已触发预警", "alert raised"), nil
}

// notifyAlert tells users of an alert (idempotent per alert and level).
func (s *Service) notifyAlert(ctx context.Context, a Alert, to []string, level int) error {
	if len(to) == 0 {
		return nil
	}
	return s.e.Notify(ctx, engine.Notification{Workspace: a.Workspace, Recipients: to, Kind: "alert", Title: a.Title, Body: a.Body,
		Form: a.Form, Record: a.Record, Severity: string(a.Severity), Key: fmt.Sprintf("alert.%s.%d", a.ID, level)})
}

// planEscalation plans the timer of the chain's next level.
func (s *Service) planEscalation(ctx context.Context, a Alert, e *Escalation, level int) error {
	hours := e.HeadAfterHours
	if level == 1 && hours == 0 {
		level = 2
	}
	if level == 2 {
		if e.Role == "" {
			return nil
		}
		hours = e.RoleAfterHours
	}
	if level > 2 {
		return nil
	}
	_, err := s.rt.Plan(ctx, jobs.Timer{ID: "alert_esc." + a.ID, Job: jobEscalate, Workspace: a.Workspace, DueAt: a.RaisedAt.Add(time.Duration(hours) * time.Hour),
		Payload: map[string]any{"alert": a.ID, "level": float64(level)}})
	return err
}

// handleEscalate runs an escalation timer: an alert still open goes to the
// next level of its chain.
func (s *Service) handleEscalate(ctx context.Context, t jobs.Task) error {
	id, _ := t.Payload["alert"].(string)
	lv, _ := t.Payload["level"].(float64)
	level := int(lv)
	a, d, err := s.loadAlert(ctx, t.Workspace, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if a.State != AlertOpen || a.Level >= level {
		return nil
	}
	v, err := s.ruleVersion(ctx, a)
	if err != nil {
		return nil // the rule is gone: the chain ends
	}
	esc := v.escalation()
	if esc == nil {
		return nil
	}
	var to []string
	if level == 1 {
		to, err = s.heads(ctx, a.Workspace, a.Owner)
	} else {
		actor, aerr := s.actorFor(ctx, a.Workspace, v.Design.Actor)
		if aerr != nil {
			return nil
		}
		to, err = s.membersOf(ctx, actor, []string{esc.Role}, nil)
	}
	if err != nil {
		return err
	}
	a.Level = level
	for _, u := range to {
		if !slices.Contains(a.Notified, u) {
			a.Notified = append(a.Notified, u)
		}
	}
	if _, err := s.commit(ctx, store.UnitOfWork{At: s.now(), Writes: []store.Write{{Op: store.OpUpdate, Collection: collAlerts, ExpectVersion: d.Version,
		Doc: store.Document{ID: a.ID, Data: alertDoc(a)}}}, Events: []store.Event{alertEvent(EventAlertEscalated, a, "")}}); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // acknowledged or resolved meanwhile: the next plan decides
		}
		return err
	}
	if err := s.notifyAlert(ctx, a, to, level); err != nil && !errors.Is(err, engine.ErrNoNotifier) {
		return err
	}
	if level == 1 && esc.Role != "" {
		return s.planEscalation(ctx, a, esc, 2)
	}
	return nil
}

// escalation returns the raise-alert action's chain of a version.
func (v Version) escalation() *Escalation {
	for _, act := range v.Design.Actions {
		if act.Kind != KindAlert {
			continue
		}
		var cfg alertConfig
		if fromMap(act.Config, &cfg) == nil {
			return cfg.Escalation
		}
	}
	return nil
}

// heads returns the heads of the owner's departments; for a department
// the owner heads, the heads of its parent (telling the owner again is no
// escalation).
func (s *Service) heads(ctx context.Context, ws, owner string) ([]string, error) {
	if owner == "" {
		return nil, nil
	}
	m, err := s.e.Membership(ctx, ws, owner)
	if err != nil {
		return nil, nil
	}
	o, err := s.e.OrgChart(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range m.Departments {
		hs := o.HeadsOf(d, 1)
		if slices.Contains(hs, owner) {
			hs = o.HeadsOf(d, 2)
		}
		for _, h := range hs {
			if h != owner && !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out, nil
}

// ruleVersion loads the published version of an alert's rule.
func (s *Service) ruleVersion(ctx context.Context, a Alert) (Version, error) {
	au, err := s.load(ctx, a.Workspace, a.Rule)
	if err != nil {
		return Version{}, err
	}
	return s.loadVersion(ctx, au.ID, au.Published)
}

// openAlert returns the open or acknowledged alert of rule and key.
func (s *Service) openAlert(ctx context.Context, rule, key string) (*Alert, error) {
	f := store.Where("open_key", store.OpEq, openKey(rule, key))
	p, err := s.st.Find(ctx, collAlerts, store.Query{Filter: &f, Limit: 1})
	if err != nil || len(p.Docs) == 0 {
		return nil, err
	}
	a, err := alertFrom(p.Docs[0])
	return &a, err
}

// autoResolve resolves the open alert of the run's record when the rule's
// condition no longer holds.
func (s *Service) autoResolve(ctx context.Context, rc *runCtx) error {
	st := rc.c.alert
	if !st.autoResolve() {
		return nil
	}
	key, err := st.key(rc)
	if err != nil {
		return nil
	}
	open, err := s.openAlert(ctx, rc.c.auto.ID, key)
	if err != nil || open == nil {
		return err
	}
	_, err = s.transition(ctx, *open, AlertResolved, "", "auto")
	return err
}

func alertDoc(a Alert) map[string]any {
	m := docOf(a)
	delete(m, "id")
	delete(m, "version")
	delete(m, "raised_at")
	m["raised_at"] = store.FormatTime(a.RaisedAt)
	if a.State != AlertResolved {
		m["open_key"] = openKey(a.Rule, a.Key)
	}
	return m
}

func alertFrom(d store.Document) (Alert, error) {
	var a Alert
	err := fromDoc(d.Data, &a)
	a.ID, a.Version = d.ID, d.Version
	if s, _ := d.Data["raised_at"].(string); s != "" {
		a.RaisedAt, _ = store.ParseTime(s)
	}
	if a.Notified == nil {
		a.Notified = []string{}
	}
	return a, err
}

func (s *Service) loadAlert(ctx context.Context, ws, id string) (Alert, store.Document, error) {
	if store.ValidateID(id) != nil {
		return Alert{}, store.Document{}, fmt.Errorf("%w: alert %q", engine.ErrNotFound, id)
	}
	d, err := s.st.Get(ctx, collAlerts, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && d.Data["workspace"] != ws {
		return Alert{}, store.Document{}, fmt.Errorf("%w: alert %q", engine.ErrNotFound, id)
	}
	if err != nil {
		return Alert{}, store.Document{}, err
	}
	a, err := alertFrom(d)
	return a, d, err
}

// transition moves an alert to state (acknowledged or resolved) and
// commits its event; by is the member who did it ("" for the rule).
func (s *Service) transition(ctx context.Context, a Alert, to AlertState, by, resolution string) (Alert, error) {
	switch {
	case a.State == AlertResolved, to == AlertAcknowledged && a.State != AlertOpen:
		return Alert{}, invalid(ferr("state", CodeAlertState, map[string]any{"state": string(a.State)}))
	}
	now := s.now().UTC()
	ev := EventAlertAcknowledged
	if to == AlertAcknowledged {
		a.AcknowledgedAt, a.AcknowledgedBy = &now, by
	} else {
		ev = EventAlertResolved
		a.ResolvedAt, a.ResolvedBy, a.Resolution = &now, by, resolution
	}
	a.State = to
	res, err := s.commit(ctx, store.UnitOfWork{Actor: by, At: now, Writes: []store.Write{{Op: store.OpUpdate, Collection: collAlerts, ExpectVersion: a.Version,
		Doc: store.Document{ID: a.ID, Data: alertDoc(a)}}}, Events: []store.Event{alertEvent(ev, a, by)}})
	if errors.Is(err, store.ErrConflict) {
		return Alert{}, fmt.Errorf("%w: alert %s changed meanwhile", engine.ErrConflict, a.ID)
	}
	if err != nil {
		return Alert{}, err
	}
	if to == AlertResolved && s.rt != nil {
		_ = s.rt.Cancel(ctx, "alert_esc."+a.ID)
	}
	return alertFrom(res.Docs[0])
}
