package automation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Recipients says who a notification goes to; every entry resolves to
// user ids of active members.
type Recipients struct {
	// Owner is the record's owner.
	Owner bool `json:"owner,omitempty"`
	// Fields are user or users fields of the record.
	Fields []string `json:"fields,omitempty"`
	// Users are user ids.
	Users []string `json:"users,omitempty"`
	// Roles are workspace role ids (or "admin" for the workspace admins).
	Roles []string `json:"roles,omitempty"`
	// Departments are department ids (their sub-departments included).
	Departments []string `json:"departments,omitempty"`
}

type notifyConfig struct {
	Title      string     `json:"title"`
	Body       string     `json:"body,omitempty"`
	Recipients Recipients `json:"recipients"`
	Severity   string     `json:"severity,omitempty"`
	// Digest appends a generated report of the period's figures to the
	// body (action_digest.go).
	Digest *Digest `json:"digest,omitempty"`
}

type notifyStep struct {
	cfg         notifyConfig
	title, body *template
}

func compileNotify(c *compiler, at string, raw map[string]any) stepImpl {
	var cfg notifyConfig
	if !c.decode(at, raw, &cfg) {
		return nil
	}
	st := &notifyStep{cfg: cfg}
	if strings.TrimSpace(cfg.Title) == "" {
		c.add(ferr(at+".title", codeRequired, nil))
	}
	st.title = c.template(at+".title", cfg.Title)
	st.body = c.template(at+".body", cfg.Body)
	c.recipients(at+".recipients", cfg.Recipients)
	c.digest(at+".digest", cfg.Digest)
	switch Severity(cfg.Severity) {
	case "", SeverityInfo, SeverityWarning, SeverityCritical:
	default:
		c.add(ferr(at+".severity", CodeActionCfg, map[string]any{"reason": "use info, warning or critical"}))
	}
	return st
}

func (c *compiler) recipients(at string, r Recipients) {
	if !r.Owner && len(r.Fields)+len(r.Users)+len(r.Roles)+len(r.Departments) == 0 {
		c.add(ferr(at, codeRequired, nil))
	}
	if len(r.Users) > MaxRecipients {
		c.add(ferr(at+".users", CodeTooMany, map[string]any{"max": MaxRecipients}))
	}
	for i, k := range r.Fields {
		f, ok := c.form.Field(k)
		switch {
		case !ok:
			c.add(ferr(fmt.Sprintf("%s.fields[%d]", at, i), CodeField, map[string]any{"field": k}))
		case f.Type != "user" && f.Type != "users":
			c.add(ferr(fmt.Sprintf("%s.fields[%d]", at, i), CodeFieldType, map[string]any{"field": k, "want": "user"}))
		}
	}
}

func (st *notifyStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	to, err := rc.resolve(ctx, st.cfg.Recipients)
	if err != nil {
		return engine.ActionOutcome{}, err
	}
	n := engine.Notification{Workspace: rc.c.auto.Workspace, Recipients: to, Kind: "automation", Title: st.title.render(rc), Body: st.body.render(rc),
		Form: rc.c.auto.Form, Record: rc.cause.record, Severity: st.cfg.Severity, Key: rc.stepKey()}
	var bodies map[string]string
	if st.cfg.Digest != nil && !dry {
		// Each recipient gets the figures they may see themselves (a
		// manager their departments', the director everyone's), not the
		// automation actor's.
		bodies = make(map[string]string, len(to))
		for _, r := range to {
			a, err := rc.s.actorFor(ctx, n.Workspace, r)
			if err != nil {
				continue // no longer an active member: nothing to send
			}
			text, err := rc.digestText(ctx, a, st.cfg.Digest)
			switch {
			case errors.Is(err, engine.ErrForbidden):
				bodies[r] = n.Body // they may not read the form: no figures
			case err != nil:
				return engine.ActionOutcome{}, err
			default:
				bodies[r] = strings.TrimSpace(n.Body + "\n\n" + text)
			}
		}
	} else if st.cfg.Digest != nil {
		// A dry run shows the figures as the automation's actor sees them.
		text, err := rc.digestText(ctx, rc.actor, st.cfg.Digest)
		if err != nil {
			return engine.ActionOutcome{}, err
		}
		n.Body = strings.TrimSpace(n.Body + "\n\n" + text)
	}
	detail := map[string]any{"recipients": anyStrings(to), "title": n.Title, "body": n.Body}
	if len(to) > 0 && bodies != nil {
		detail["body"] = bodies[to[0]]
	}
	if len(to) == 0 {
		return outcome(detail, "没有可通知的成员", "nobody to notify"), nil
	}
	if dry {
		return outcome(detail, fmt.Sprintf("将通知 %d 人", len(to)), fmt.Sprintf("would notify %d people", len(to))), nil
	}
	if bodies != nil {
		sent := 0
		for _, r := range to {
			b, ok := bodies[r]
			if !ok {
				continue
			}
			one := n
			one.Recipients, one.Body = []string{r}, b
			if err := rc.s.e.Notify(ctx, one); err != nil {
				return outcome(detail, "", ""), err
			}
			sent++
		}
		return outcome(detail, fmt.Sprintf("已通知 %d 人", sent), fmt.Sprintf("notified %d people", sent)), nil
	}
	if err := rc.s.e.Notify(ctx, n); err != nil {
		return outcome(detail, "", ""), err
	}
	return outcome(detail, fmt.Sprintf("已通知 %d 人", len(to)), fmt.Sprintf("notified %d people", len(to))), nil
}

// resolve turns recipients into the user ids of active members, sorted.
func (rc *runCtx) resolve(ctx context.Context, r Recipients) ([]string, error) {
	set := map[string]bool{}
	if r.Owner && rc.cause.owner != "" {
		set[rc.cause.owner] = true
	}
	for _, k := range r.Fields {
		for _, u := range userIDs(rc.cause.data[k]) {
			set[u] = true
		}
	}
	for _, u := range r.Users {
		set[u] = true
	}
	if len(r.Roles)+len(r.Departments) > 0 {
		ids, err := rc.s.membersOf(ctx, rc.actor, r.Roles, r.Departments)
		if err != nil {
			return nil, err
		}
		for _, u := range ids {
			set[u] = true
		}
	}
	active, err := rc.s.activeMembers(ctx, rc.actor)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for u := range set {
		if active[u] {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	if len(out) > MaxRecipients {
		out = out[:MaxRecipients]
	}
	return out, nil
}

// userIDs reads a user or users field value.
func userIDs(v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case map[string]any: // a stored reference object {id, name}
		if s, ok := x["id"].(string); ok {
			return []string{s}
		}
	}
	return nil
}

// activeMembers returns the user ids of the workspace's active members.
func (s *Service) activeMembers(ctx context.Context, a engine.Actor) (map[string]bool, error) {
	ms, err := s.e.Members(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		if !m.Disabled {
			out[m.UserID] = true
		}
	}
	return out, nil
}

// membersOf returns the active members holding one of roles or in one of
// departments (or below), sorted.
func (s *Service) membersOf(ctx context.Context, a engine.Actor, roles, departments []string) ([]string, error) {
	set := map[string]bool{}
	if len(roles) > 0 {
		ms, err := s.e.Members(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Disabled {
				continue
			}
			for _, r := range roles {
				if string(m.Role) == r || slices.Contains(m.Roles, r) {
					set[m.UserID] = true
				}
			}
		}
	}
	if len(departments) > 0 {
		o, err := s.e.OrgChart(ctx, a.Workspace)
		if err != nil {
			return nil, err
		}
		for _, u := range o.UsersIn(o.Below(departments)) {
			set[u] = true
		}
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	slices.Sort(out)
	return out, nil
}

// template is a text with {{field}} placeholders ({{old.field}} for the
// value before the change, {{id}} for the record's id), rendered as plain
// text; the notify capability escapes it for HTML.
type template struct {
	parts []tplPart
}

type tplPart struct {
	text  string
	key   string
	old   bool
	isVar bool
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}`)

func (c *compiler) template(at, src string) *template {
	if len(src) > MaxTemplateLen {
		c.add(ferr(at, CodeRange, map[string]any{"min": 0, "max": MaxTemplateLen}))
		return &template{}
	}
	t := &template{}
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(src, -1) {
		t.parts = append(t.parts, tplPart{text: src[last:m[0]]})
		name := src[m[2]:m[3]]
		p := tplPart{isVar: true, key: name}
		if k, ok := strings.CutPrefix(name, "old."); ok {
			p.key, p.old = k, true
		}
		if p.key != "id" {
			if _, ok := c.form.Field(p.key); !ok {
				c.add(ferr(at, CodeTemplate, map[string]any{"name": name}))
			}
		}
		t.parts = append(t.parts, p)
		last = m[1]
	}
	t.parts = append(t.parts, tplPart{text: src[last:]})
	return t
}

func (t *template) render(rc *runCtx) string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range t.parts {
		if !p.isVar {
			b.WriteString(p.text)
			continue
		}
		if p.key == "id" {
			b.WriteString(rc.cause.record)
			continue
		}
		src := rc.cause.data
		if p.old {
			src = rc.cause.old
		}
		b.WriteString(display(rc, p.key, src[p.key]))
	}
	return b.String()
}

// display renders a stored value for people: option labels of selects,
// lists joined, numbers without a trailing .0.
func display(rc *runCtx, key string, v any) string {
	if f, ok := rc.c.form.Field(key); ok && f.Type == "datetime" && v != nil {
		// An instant is stored in UTC; people read it in the workspace zone.
		if t, ok := field.Get(f.Type); ok {
			return t.Format(field.Context{Location: rc.loc, Now: rc.now}, f, v, "")
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return optionLabel(rc, key, x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "✓"
		}
		return "✗"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = display(rc, key, e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		for _, k := range []string{"name", "label", "text", "id"} {
			if s, ok := x[k].(string); ok {
				return s
			}
		}
	}
	return fmt.Sprint(v)
}

func optionLabel(rc *runCtx, key, value string) string {
	for _, o := range rc.c.form.Env().Options[key] {
		if o.Value == value && o.Label != "" {
			return o.Label
		}
	}
	return value
}
