package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Template part kinds of this package (docs/templates.md): automations
// and alert rules (automations with a raise-alert action).
const (
	PartAutomations = "automations"
	PartAlerts      = "alerts"
)

// The registered actions whose configuration names another part's item:
// "workflow.start" a flow, "webhook.call" an endpoint. The kinds are the
// actions' public names; this package imports neither capability.
var itemActions = map[string]struct{ config, kind string }{
	"workflow.start": {"flow", "flows"},
	"webhook.call":   {"endpoint", "webhooks"},
}

// ActorInstaller is the spec actor meaning the admin who installs the template.
const ActorInstaller = "installer"

// AutomationSpec is an automation or alert rule in a template: its design
// with the form, target forms, roles and other items as the template's
// keys, and its actor as "installer" or a role key.
type AutomationSpec struct {
	Form        string   `json:"form"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Trigger     Trigger  `json:"trigger"`
	Condition   string   `json:"condition,omitempty"`
	Actions     []Action `json:"actions"`
	// Actor is "installer" (or empty) or the key of a role: the automation
	// acts as the first active member of that role, else the installer.
	Actor     string `json:"actor,omitempty"`
	Retrigger bool   `json:"retrigger,omitempty"`
	// Enabled false installs it switched off.
	Enabled *bool `json:"enabled,omitempty"`
}

// RegisterTemplateParts registers the "automations" and "alerts" parts of
// svc on e's template part registry.
func RegisterTemplateParts(e *engine.Engine, svc *Service) error {
	for _, kind := range []string{PartAutomations, PartAlerts} {
		p := autoPart{e: e, s: svc, kind: kind}
		if err := e.TemplateParts().Register(engine.TemplatePart{Kind: kind, After: []string{"flows", "webhooks"},
			Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeAutomation}); err != nil {
			return err
		}
	}
	return nil
}

type autoPart struct {
	e    *engine.Engine
	s    *Service
	kind string
}

// isAlert reports whether a design raises alerts.
func isAlert(acts []Action) bool {
	return slices.ContainsFunc(acts, func(a Action) bool { return a.Kind == KindAlert })
}

// resolved is a spec turned into ids: what Create and Publish take.
type resolved struct {
	form    string // form id ("" when not installed yet)
	version *engine.Version
	design  Design
	enabled bool
	skip    map[string]bool
	pending map[string]bool // pseudo form ids of forms not installed yet
}

// resolve turns an item's keys into ids. With install set every reference
// must be installed; otherwise keys the template declares pass, and the
// checks that need them installed are skipped.
func (p autoPart) resolve(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, install bool) (resolved, []field.Error, error) {
	var sp AutomationSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return resolved{}, []field.Error{*fe}, nil
	}
	var errs []field.Error
	bad := func(path, kind, key string) { errs = append(errs, engine.TemplateRefError(it.Key+"."+path, kind, key)) }
	// ref resolves key of kind: its id, or (checking) a stand-in for a
	// declared key; ok false when it is neither.
	ref := func(path, kind, key string) (string, bool) {
		if id, ok := refs.ID(kind, key); ok {
			return id, true
		}
		if !install && refs.Known(kind, key) {
			return "key:" + key, false
		}
		bad(path, kind, key)
		return "", false
	}
	out := resolved{skip: map[string]bool{}, pending: map[string]bool{}, enabled: sp.Enabled == nil || *sp.Enabled}
	if p.kind == PartAlerts && !isAlert(sp.Actions) {
		errs = append(errs, field.Error{Path: it.Key + ".actions", Code: codeRequired, Params: map[string]any{"kind": KindAlert}})
	}
	if p.kind == PartAutomations && isAlert(sp.Actions) {
		errs = append(errs, field.Error{Path: it.Key + ".actions", Code: CodeActionKind, Params: map[string]any{"value": KindAlert}})
	}
	if id, ok := ref("form", "forms", sp.Form); ok {
		out.form = id
	}
	v, err := p.e.TemplateFormVersion(ctx, refs, sp.Form)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return resolved{}, nil, err
	}
	out.version = v
	d := Design{Name: sp.Name, Description: sp.Description, Trigger: sp.Trigger, Condition: sp.Condition, Retrigger: sp.Retrigger}
	d.Actor = a.UserID
	if sp.Actor != "" && sp.Actor != ActorInstaller {
		if id, ok := ref("actor", "roles", sp.Actor); ok {
			if u := p.memberOf(ctx, a, id); u != "" {
				d.Actor = u
			}
		}
	}
	for i, act := range sp.Actions {
		at := fmt.Sprintf("actions[%d]", i)
		cfg := cloneMap(act.Config)
		switch act.Kind {
		case KindCreate, KindUpdate, KindUpsert, KindDelete:
			if k, _ := cfg["form"].(string); k != "" {
				id, ok := ref(at+".config.form", "forms", k)
				if !ok && id != "" {
					out.pending[id] = true
				}
				cfg["form"] = id
			}
		case KindNotify:
			if r, _ := cfg["recipients"].(map[string]any); r != nil {
				roles := mapList(r["roles"], func(j int, k string) string {
					if k == string(engine.RoleAdmin) {
						return k
					}
					id, _ := ref(fmt.Sprintf("%s.config.recipients.roles[%d]", at, j), "roles", k)
					return id
				})
				users := members(refs, r["users"])
				setList(r, "roles", roles)
				setList(r, "users", users)
				delete(r, "departments")
			}
		case KindAssign:
			if k, _ := cfg["role"].(string); k != "" {
				id, _ := ref(at+".config.role", "roles", k)
				cfg["role"] = id
			}
			users := members(refs, cfg["users"])
			setList(cfg, "users", users)
			delete(cfg, "department")
			if s, _ := cfg["strategy"].(string); s != StrategyExpression && len(users) == 0 && cfg["role"] == nil {
				cfg["users"] = []any{a.UserID} // nobody given: the installer, until an admin changes it
			}
		case KindAlert:
			if esc, _ := cfg["escalation"].(map[string]any); esc != nil {
				if k, _ := esc["role"].(string); k != "" {
					id, _ := ref(at+".config.escalation.role", "roles", k)
					esc["role"] = id
				}
			}
		default:
			if ia, ok := itemActions[act.Kind]; ok {
				if k, _ := cfg[ia.config].(string); k != "" {
					id, ok := ref(at+".config."+ia.config, ia.kind, k)
					if !ok {
						out.skip[at] = true
					}
					cfg[ia.config] = id
				}
			}
		}
		d.Actions = append(d.Actions, Action{Kind: act.Kind, Name: act.Name, Config: cfg})
	}
	out.design = d
	return out, errs, nil
}

// memberOf returns the first active member (by user id) holding role.
func (p autoPart) memberOf(ctx context.Context, a engine.Actor, role string) string {
	ms, err := p.e.Members(ctx, a)
	if err != nil {
		return ""
	}
	var ids []string
	for _, m := range ms {
		if !m.Disabled && slices.Contains(m.Roles, role) {
			ids = append(ids, m.UserID)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// members maps sample member keys to user ids, dropping unknown ones.
func members(refs *engine.TemplateRefs, v any) []string {
	var out []string
	for _, k := range strList(v) {
		if id, ok := refs.ID("members", k); ok {
			out = append(out, id)
		}
	}
	return out
}

func strList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, l...)
	}
	return out
}

func mapList(v any, f func(i int, s string) string) []string {
	var out []string
	for i, s := range strList(v) {
		if m := f(i, s); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func setList(m map[string]any, key string, l []string) {
	if len(l) == 0 {
		delete(m, key)
		return
	}
	xs := make([]any, len(l))
	for i, s := range l {
		xs[i] = s
	}
	m[key] = xs
}

func cloneMap(m map[string]any) map[string]any {
	out := map[string]any{}
	if m == nil {
		return out
	}
	b, _ := json.Marshal(m)
	_ = json.Unmarshal(b, &out)
	return out
}

func (p autoPart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		r, fe, err := p.resolve(ctx, a, refs, it, false)
		if err != nil {
			return err
		}
		errs = append(errs, fe...)
		if len(fe) > 0 && fe[0].Code == engine.CodeTemplateSpec {
			continue
		}
		if err := checkDraft(r.design); err != nil {
			e, _ := engine.TemplateItemErrors(it.Key, err)
			errs = append(errs, e...)
			continue
		}
		if r.version == nil {
			continue // its form is declared without a design: checked at install
		}
		forms := func(id string) (*engine.Version, bool) {
			if key, ok := strings.CutPrefix(id, "key:"); ok {
				v, err := p.e.TemplateFormVersion(ctx, refs, key)
				return v, err == nil && v != nil
			}
			return nil, false
		}
		c := &compiler{s: p.s, ctx: ctx, ws: a.Workspace, form: r.version, actor: a, forms: forms, skip: r.skip}
		if _, err := p.s.compileWith(c, Automation{Workspace: a.Workspace, Form: r.version.Form}, r.design, r.version); err != nil {
			e, err := engine.TemplateItemErrors(it.Key, err)
			if err != nil {
				return err
			}
			errs = append(errs, e...)
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func (p autoPart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		r, fe, err := p.resolve(ctx, a, refs, it, true)
		if err != nil {
			return err
		}
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		au, err := p.s.Create(ctx, a, r.form, r.design)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(p.kind, it.Key, au.ID)
		if err := p.publish(ctx, a, it.Key, au, r.enabled); err != nil {
			return err
		}
	}
	return nil
}

func (p autoPart) publish(ctx context.Context, a engine.Actor, key string, au Automation, enabled bool) error {
	out, err := p.s.Publish(ctx, a, au.ID, au.Version)
	if err != nil {
		return engine.TemplateItemError(key, err)
	}
	if out.Enabled != enabled {
		if _, err := p.s.SetEnabled(ctx, a, au.ID, enabled, out.Version); err != nil {
			return engine.TemplateItemError(key, err)
		}
	}
	return nil
}

func (p autoPart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	r, fe, err := p.resolve(ctx, a, refs, it, true)
	if err != nil {
		return err
	}
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	cur, err := p.s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if cur.Form != r.form {
		return &engine.ValidationError{Fields: []field.Error{{Path: it.Key + ".form", Code: engine.CodeReadOnly}}}
	}
	au, err := p.s.SaveDraft(ctx, a, id, r.design, cur.Version)
	if err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return p.publish(ctx, a, it.Key, au, r.enabled)
}

func (p autoPart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.Delete(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func (p autoPart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	formKey := func(id string) string {
		if k, ok := formKeys[id]; ok {
			return k
		}
		if k, ok := refs.Key("forms", id); ok {
			return k
		}
		return id // another app's form: Check reports it as unknown
	}
	roleKey := func(id string) string {
		if k, ok := refs.Key("roles", id); ok {
			return k
		}
		return id
	}
	list, err := p.s.ListApp(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for k := range refs.Keys(p.kind) {
		taken[k] = true
	}
	admins := map[string]bool{}
	ms, err := p.e.Members(ctx, a)
	if err != nil {
		return nil, err
	}
	roles := map[string][]string{}
	for _, m := range ms {
		admins[m.UserID] = m.Role == engine.RoleAdmin
		roles[m.UserID] = m.Roles
	}
	var out []engine.TemplateItem
	for _, au := range list {
		if au.Published == 0 {
			continue
		}
		full, err := p.s.Get(ctx, a, au.ID)
		if err != nil {
			return nil, err
		}
		d := *full.Current
		if isAlert(d.Actions) != (p.kind == PartAlerts) {
			continue
		}
		enabled := au.Enabled
		sp := AutomationSpec{Form: formKey(au.Form), Name: d.Name, Description: d.Description, Trigger: d.Trigger,
			Condition: d.Condition, Retrigger: d.Retrigger, Enabled: &enabled}
		if !admins[d.Actor] {
			for _, r := range roles[d.Actor] {
				if k, ok := refs.Key("roles", r); ok {
					sp.Actor = k
					break
				}
			}
		}
		for _, act := range d.Actions {
			cfg := cloneMap(act.Config)
			switch act.Kind {
			case KindCreate, KindUpdate, KindUpsert, KindDelete:
				if id, _ := cfg["form"].(string); id != "" {
					cfg["form"] = formKey(id)
				}
			case KindNotify:
				if r, _ := cfg["recipients"].(map[string]any); r != nil {
					setList(r, "roles", mapList(r["roles"], func(_ int, id string) string {
						if id == string(engine.RoleAdmin) {
							return id
						}
						return roleKey(id)
					}))
					setList(r, "users", memberKeys(refs, r["users"]))
					delete(r, "departments")
					if len(r) == 0 || len(r) == 1 && r["owner"] == false {
						r["roles"] = []any{string(engine.RoleAdmin)} // people of this workspace only: its admins
					}
				}
			case KindAssign:
				if id, _ := cfg["role"].(string); id != "" {
					cfg["role"] = roleKey(id)
				}
				setList(cfg, "users", memberKeys(refs, cfg["users"]))
				delete(cfg, "department")
			case KindAlert:
				if esc, _ := cfg["escalation"].(map[string]any); esc != nil {
					if id, _ := esc["role"].(string); id != "" {
						esc["role"] = roleKey(id)
					}
				}
			default:
				if ia, ok := itemActions[act.Kind]; ok {
					if id, _ := cfg[ia.config].(string); id != "" {
						if k, ok := refs.Key(ia.kind, id); ok {
							cfg[ia.config] = k
						}
					}
				}
			}
			sp.Actions = append(sp.Actions, Action{Kind: act.Kind, Name: act.Name, Config: cfg})
		}
		key, ok := refs.Key(p.kind, au.ID)
		if !ok {
			key = engine.TemplateKey(strings.TrimSuffix(p.kind, "s"), d.Name, taken)
		}
		raw, err := json.Marshal(canonicalAutomation(sp))
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// memberKeys maps user ids to sample member keys, dropping the others.
func memberKeys(refs *engine.TemplateRefs, v any) []string {
	var out []string
	for _, id := range strList(v) {
		if k, ok := refs.Key("members", id); ok {
			out = append(out, k)
		}
	}
	return out
}

// canonicalAutomation leaves the defaults out: enabled, the installer as
// actor; action configurations read back as stored (JSON objects).
func canonicalAutomation(sp AutomationSpec) AutomationSpec {
	if sp.Enabled != nil && *sp.Enabled {
		sp.Enabled = nil
	}
	if sp.Actor == ActorInstaller {
		sp.Actor = ""
	}
	for i, a := range sp.Actions {
		a.Config = cloneMap(a.Config)
		if r, _ := a.Config["recipients"].(map[string]any); r != nil && a.Kind == KindNotify {
			delete(r, "departments")
		}
		if a.Kind == KindAssign {
			delete(a.Config, "department")
		}
		sp.Actions[i] = a
	}
	return sp
}

// normalizeAutomation writes an automation or alert item as its part
// exports it.
func normalizeAutomation(it engine.TemplateItem) engine.TemplateItem {
	var sp AutomationSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	raw, err := json.Marshal(canonicalAutomation(sp))
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}
