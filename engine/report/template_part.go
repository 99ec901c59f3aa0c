package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Template part kinds of this package (docs/templates.md).
const (
	PartViews      = "views"
	PartDashboards = "dashboards"
)

// ViewSpec is a shared saved view in a template: its form and the roles
// it is the default of by key.
type ViewSpec struct {
	Form       string     `json:"form"`
	Name       string     `json:"name"`
	DefaultFor []string   `json:"defaultFor,omitempty"`
	Config     ViewConfig `json:"config"`
}

// DashboardSpec is a dashboard in a template: charts name their forms by
// key, filters bind fields per form key, roles are keys.
type DashboardSpec struct {
	Title   string            `json:"title"`
	Roles   []string          `json:"roles,omitempty"`
	Filters []DashboardFilter `json:"filters,omitempty"`
	Charts  []Chart           `json:"charts"`
}

// RegisterTemplateParts registers the "views" part of views and the
// "dashboards" part of dashboards on e's template part registry; a nil
// service leaves its part out.
func RegisterTemplateParts(e *engine.Engine, views *Views, dashboards *Dashboards) error {
	if views != nil {
		p := viewPart{e: e, s: views}
		if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartViews, After: []string{"stages"},
			Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeView}); err != nil {
			return err
		}
	}
	if dashboards != nil {
		p := dashPart{e: e, s: dashboards}
		if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartDashboards, After: []string{"stages"},
			Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeDashboard}); err != nil {
			return err
		}
	}
	return nil
}

// refResolver turns keys into ids for one item; with install set every
// key must be installed, otherwise a declared key passes as "key:<key>".
type refResolver struct {
	refs    *engine.TemplateRefs
	item    string
	install bool
	errs    []field.Error
	pending bool // some reference is not installed yet
}

func (r *refResolver) id(path, kind, key string) string {
	if id, ok := r.refs.ID(kind, key); ok {
		return id
	}
	r.pending = true
	if !r.install && r.refs.Known(kind, key) {
		return "key:" + key
	}
	r.errs = append(r.errs, engine.TemplateRefError(r.item+"."+path, kind, key))
	return ""
}

func roleKeyOf(refs *engine.TemplateRefs, id string) string {
	if k, ok := refs.Key("roles", id); ok {
		return k
	}
	return id
}

func takenKeys(refs *engine.TemplateRefs, kind string) map[string]bool {
	taken := map[string]bool{}
	for k := range refs.Keys(kind) {
		taken[k] = true
	}
	return taken
}

// knownPath reports whether key is a field of v or a record property.
func knownPath(v *engine.Version, key string) bool {
	if _, ok := v.Field(key); ok {
		return true
	}
	switch key {
	case propCreatedAt, propOwnedBy, "updatedAt", "createdBy", "_owner", "_updatedAt", "_createdAt", "_createdBy", "id":
		return true
	}
	return false
}

// ---- views

type viewPart struct {
	e *engine.Engine
	s *Views
}

func (p viewPart) resolve(refs *engine.TemplateRefs, it engine.TemplateItem, install bool) (View, *refResolver, []field.Error) {
	var sp ViewSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return View{}, nil, []field.Error{*fe}
	}
	r := &refResolver{refs: refs, item: it.Key, install: install}
	v := View{Form: r.id("form", "forms", sp.Form), Name: sp.Name, Shared: true, Config: sp.Config}
	for i, k := range sp.DefaultFor {
		v.DefaultFor = append(v.DefaultFor, r.id(fmt.Sprintf("defaultFor[%d]", i), "roles", k))
	}
	return v, r, r.errs
}

func (p viewPart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		v, r, fe := p.resolve(refs, it, false)
		errs = append(errs, fe...)
		if r == nil {
			continue
		}
		if !r.pending {
			// Everything is installed: the check a designer's save gets.
			perm, err := p.s.viewable(ctx, a, v.Form)
			if err != nil {
				return err
			}
			if err := p.s.check(ctx, a, perm, &v); err != nil {
				e, err := engine.TemplateItemErrors(it.Key, err)
				if err != nil {
					return err
				}
				errs = append(errs, e...)
			}
			continue
		}
		errs = append(errs, p.checkPending(ctx, refs, it.Key, v)...)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

// checkPending checks a view whose form is not installed yet against the
// template's design of it: name, layout and the fields it names (the
// filter and sort run when it is installed).
func (p viewPart) checkPending(ctx context.Context, refs *engine.TemplateRefs, key string, v View) []field.Error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: key + "." + path, Code: code, Params: params})
	}
	name := strings.TrimSpace(v.Name)
	if name == "" {
		add("name", engine.CodeRequired, nil)
	} else if utf8.RuneCountInString(name) > maxViewName {
		add("name", engine.CodeMaxLength, map[string]any{"max": maxViewName})
	}
	formKey, ok := strings.CutPrefix(v.Form, "key:")
	if !ok {
		return errs
	}
	ver, err := p.e.TemplateFormVersion(ctx, refs, formKey)
	if err != nil || ver == nil {
		return errs
	}
	c := v.Config
	switch c.Layout {
	case "", LayoutTable, LayoutKanban, LayoutCalendar:
	default:
		add("config.layout", engine.CodeOption, map[string]any{"value": c.Layout})
	}
	for i, col := range c.Columns {
		if !knownPath(ver, col.Key) {
			add(fmt.Sprintf("config.columns[%d].key", i), engine.CodeUnknownField, map[string]any{"field": col.Key})
		}
	}
	if c.GroupBy != "" && !knownPath(ver, c.GroupBy) {
		add("config.groupBy", engine.CodeUnknownField, map[string]any{"field": c.GroupBy})
	}
	for i, s := range c.Sort {
		if !knownPath(ver, s.Field) {
			add(fmt.Sprintf("config.sort[%d].field", i), engine.CodeUnknownField, map[string]any{"field": s.Field})
		}
	}
	if c.Kanban != nil {
		if f, ok := ver.Field(c.Kanban.Field); !ok || f.Type != "select" && f.Type != "user" {
			add("config.kanban.field", engine.CodeOption, map[string]any{"value": c.Kanban.Field})
		}
	} else if c.Layout == LayoutKanban {
		add("config.kanban.field", engine.CodeRequired, nil)
	}
	if c.Calendar != nil {
		if f, ok := ver.Field(c.Calendar.Field); !ok || f.Type != "date" && f.Type != "datetime" {
			add("config.calendar.field", engine.CodeOption, map[string]any{"value": c.Calendar.Field})
		}
	} else if c.Layout == LayoutCalendar {
		add("config.calendar.field", engine.CodeRequired, nil)
	}
	return errs
}

func (p viewPart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		v, _, fe := p.resolve(refs, it, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		out, err := p.s.Create(ctx, a, v)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartViews, it.Key, out.ID)
	}
	return nil
}

func (p viewPart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	v, _, fe := p.resolve(refs, it, true)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	cur, err := p.s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if cur.Form != v.Form {
		return &engine.ValidationError{Fields: []field.Error{{Path: it.Key + ".form", Code: engine.CodeReadOnly}}}
	}
	if _, err := p.s.Update(ctx, a, id, v, cur.Version); err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return nil
}

func (p viewPart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.Delete(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func (p viewPart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	taken := takenKeys(refs, PartViews)
	var out []engine.TemplateItem
	for _, f := range forms {
		if f.Published == 0 {
			continue
		}
		list, _, err := p.s.List(ctx, a, f.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range list {
			if !v.Shared {
				continue // personal views are their owner's, not the app's
			}
			sp := ViewSpec{Form: formKeys[f.ID], Name: v.Name, Config: v.Config}
			for _, r := range v.DefaultFor {
				sp.DefaultFor = append(sp.DefaultFor, roleKeyOf(refs, r))
			}
			key, ok := refs.Key(PartViews, v.ID)
			if !ok {
				key = engine.TemplateKey("view", v.Name, taken)
			}
			raw, err := json.Marshal(sp)
			if err != nil {
				return nil, err
			}
			out = append(out, engine.TemplateItem{Key: key, Spec: raw})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// ---- dashboards

type dashPart struct {
	e *engine.Engine
	s *Dashboards
}

func (p dashPart) resolve(refs *engine.TemplateRefs, it engine.TemplateItem, install bool) (Dashboard, *refResolver, []field.Error) {
	var sp DashboardSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return Dashboard{}, nil, []field.Error{*fe}
	}
	r := &refResolver{refs: refs, item: it.Key, install: install}
	db := Dashboard{App: refs.App, Title: sp.Title, Charts: sp.Charts}
	for i, k := range sp.Roles {
		db.Roles = append(db.Roles, r.id(fmt.Sprintf("roles[%d]", i), "roles", k))
	}
	for i, f := range sp.Filters {
		bound := map[string]string{}
		for formKey, fieldKey := range f.Fields {
			if id := r.id(fmt.Sprintf("filters[%d].fields.%s", i, formKey), "forms", formKey); id != "" {
				bound[id] = fieldKey
			}
		}
		if len(bound) == 0 {
			bound = nil
		}
		f.Fields = bound
		db.Filters = append(db.Filters, f)
	}
	db.Charts = make([]Chart, len(sp.Charts))
	for i, c := range sp.Charts {
		if c.Form != "" || c.Source == "" {
			c.Form = r.id(fmt.Sprintf("charts[%d].form", i), "forms", c.Form)
		}
		db.Charts[i] = c
	}
	return db, r, r.errs
}

func (p dashPart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		db, r, fe := p.resolve(refs, it, false)
		errs = append(errs, fe...)
		if r == nil {
			continue
		}
		if !r.pending && refs.App != "" {
			// Everything is installed: the check a designer's save gets,
			// every chart computed once.
			if err := p.s.check(ctx, a, &db); err != nil {
				e, err := engine.TemplateItemErrors(it.Key, err)
				if err != nil {
					return err
				}
				errs = append(errs, e...)
			}
			continue
		}
		errs = append(errs, p.checkPending(ctx, refs, it.Key, db)...)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

// checkPending checks a dashboard whose forms are not all installed yet:
// its parts against the template's form designs, the fields its charts
// name; the charts are computed when it is installed.
func (p dashPart) checkPending(ctx context.Context, refs *engine.TemplateRefs, key string, db Dashboard) []field.Error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: key + "." + path, Code: code, Params: params})
	}
	title := strings.TrimSpace(db.Title)
	if title == "" {
		add("title", engine.CodeRequired, nil)
	} else if utf8.RuneCountInString(title) > maxDashboardTitle {
		add("title", engine.CodeMaxLength, map[string]any{"max": maxDashboardTitle})
	}
	versions := map[string]*engine.Version{}
	lookup := func(id string) {
		if _, ok := versions[id]; ok || id == "" {
			return
		}
		var v *engine.Version
		if k, ok := strings.CutPrefix(id, "key:"); ok {
			v, _ = p.e.TemplateFormVersion(ctx, refs, k)
		} else {
			v, _ = p.e.VersionOf(ctx, refs.Workspace, id)
		}
		if v != nil {
			versions[id] = v
		}
	}
	for _, f := range db.Filters {
		for id := range f.Fields {
			lookup(id)
		}
	}
	for _, c := range db.Charts {
		lookup(c.Form)
	}
	p.s.checkFilters(&db, versions, add)
	if len(db.Charts) > maxCharts {
		add("charts", engine.CodeMaxItems, map[string]any{"max": maxCharts})
		return errs
	}
	ids := map[string]bool{}
	for i := range db.Charts {
		c := &db.Charts[i]
		if c.ID == "" {
			c.ID = store.NewID()
		}
		v, ok := versions[c.Form]
		if !ok {
			continue // a form declared without a design: checked at install
		}
		at := fmt.Sprintf("charts[%d].", i)
		checkChart(at, c, versions, ids, add)
		for j, g := range c.GroupBy {
			if !knownPath(v, g.Field) {
				add(fmt.Sprintf("%sgroupBy[%d].field", at, j), engine.CodeUnknownField, map[string]any{"field": g.Field})
			}
		}
		for j, m := range c.Measures {
			for _, f := range []struct{ path, key string }{{"field", m.Field}, {"weight", m.Weight}} {
				if f.key != "" && !knownPath(v, f.key) {
					add(fmt.Sprintf("%smeasures[%d].%s", at, j, f.path), engine.CodeUnknownField, map[string]any{"field": f.key})
				}
			}
		}
	}
	return errs
}

func (p dashPart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		db, _, fe := p.resolve(refs, it, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		out, err := p.s.Create(ctx, a, db)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartDashboards, it.Key, out.ID)
	}
	return nil
}

func (p dashPart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	db, _, fe := p.resolve(refs, it, true)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	cur, err := p.s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if _, err := p.s.Update(ctx, a, id, db, cur.Version); err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	return nil
}

func (p dashPart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.Delete(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func (p dashPart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	formKey := func(id string) string {
		if k, ok := formKeys[id]; ok {
			return k
		}
		return id // not a form of the app: Check reports it as unknown
	}
	list, err := p.s.List(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	taken := takenKeys(refs, PartDashboards)
	var out []engine.TemplateItem
	for _, db := range list {
		sp := DashboardSpec{Title: db.Title, Charts: make([]Chart, len(db.Charts))}
		for _, r := range db.Roles {
			sp.Roles = append(sp.Roles, roleKeyOf(refs, r))
		}
		for _, f := range db.Filters {
			if len(f.Fields) > 0 {
				bound := map[string]string{}
				for id, k := range f.Fields {
					bound[formKey(id)] = k
				}
				f.Fields = bound
			}
			sp.Filters = append(sp.Filters, f)
		}
		for i, c := range db.Charts {
			c.Form = formKey(c.Form)
			sp.Charts[i] = c
		}
		key, ok := refs.Key(PartDashboards, db.ID)
		if !ok {
			key = engine.TemplateKey("dashboard", db.Title, taken)
		}
		raw, err := json.Marshal(sp)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// normalizeView writes a view item as the views part exports it: the
// name trimmed, the table layout explicit.
func normalizeView(it engine.TemplateItem) engine.TemplateItem {
	var sp ViewSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	sp.Name = strings.TrimSpace(sp.Name)
	if sp.Config.Layout == "" {
		sp.Config.Layout = LayoutTable
	}
	if len(sp.DefaultFor) == 0 {
		sp.DefaultFor = nil
	}
	raw, err := json.Marshal(sp)
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}

// normalizeDashboard writes a dashboard item as the dashboards part
// exports it: titles trimmed, empty lists and bindings left out.
func normalizeDashboard(it engine.TemplateItem) engine.TemplateItem {
	var sp DashboardSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	sp.Title = strings.TrimSpace(sp.Title)
	if len(sp.Roles) == 0 {
		sp.Roles = nil
	}
	if len(sp.Filters) == 0 {
		sp.Filters = nil
	}
	for i := range sp.Filters {
		if len(sp.Filters[i].Fields) == 0 {
			sp.Filters[i].Fields = nil
		}
	}
	if sp.Charts == nil {
		sp.Charts = []Chart{}
	}
	for i := range sp.Charts {
		sp.Charts[i].Title = strings.TrimSpace(sp.Charts[i].Title)
	}
	raw, err := json.Marshal(sp)
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}
