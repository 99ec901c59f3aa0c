package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// collViews holds saved views, one document per view.
const collViews = "report_views"

// Limits of a saved view.
const (
	maxViewName    = 60
	maxViewColumns = 300
	maxViewsPerKey = 200 // personal views per member and form, shared views per form
)

// Layouts a view can show.
const (
	LayoutTable    = "table"
	LayoutKanban   = "kanban"
	LayoutCalendar = "calendar"
)

// View is a saved way of looking at a form's records. A personal view
// belongs to its owner alone; a shared one is seen by every member who may
// view the form, and may be the default of some roles.
type View struct {
	ID     string `json:"id"`
	Form   string `json:"form"`
	Name   string `json:"name"`
	Shared bool   `json:"shared"`
	// Owner is the user who made it.
	Owner string `json:"owner"`
	// DefaultFor lists role ids whose members open this view first
	// (shared views only).
	DefaultFor []string   `json:"defaultFor,omitempty"`
	Config     ViewConfig `json:"config"`
	Version    int64      `json:"version"`
}

// ViewConfig is what a view holds. Paths are field keys or record
// properties, as in engine.RecordQuery.
type ViewConfig struct {
	Layout  string          `json:"layout"`
	Filter  *store.Filter   `json:"filter,omitempty"`
	Sort    []store.SortKey `json:"sort,omitempty"`
	Columns []Column        `json:"columns,omitempty"`
	// GroupBy is a field key the table groups its rows by ("" for none).
	GroupBy string `json:"groupBy,omitempty"`
	// Kanban: the select or user field of the columns, the number field
	// summed in each column header, the fields shown on a card.
	Kanban *KanbanConfig `json:"kanban,omitempty"`
	// Calendar: the date or time field records are placed by.
	Calendar *CalendarConfig `json:"calendar,omitempty"`
}

// Column is one shown column, in order, with its width in pixels (0: auto).
type Column struct {
	Key   string `json:"key"`
	Width int    `json:"width,omitempty"`
}

// KanbanConfig sets up a kanban board.
type KanbanConfig struct {
	Field      string   `json:"field"`
	SumField   string   `json:"sumField,omitempty"`
	CardFields []string `json:"cardFields,omitempty"`
}

// CalendarConfig sets up a calendar.
type CalendarConfig struct {
	Field string `json:"field"`
}

// Views keeps saved views over an engine.
type Views struct {
	e *engine.Engine
}

// NewViews declares the views collection's indexes and returns the service.
func NewViews(ctx context.Context, e *engine.Engine) (*Views, error) {
	err := e.Store().EnsureIndexes(ctx, collViews, []store.Index{
		{Name: "form_owner", Fields: []store.SortKey{{Field: "form"}, {Field: "owner"}}},
		{Name: "form_shared", Fields: []store.SortKey{{Field: "form"}, {Field: "shared"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("report: declare view indexes: %w", err)
	}
	return &Views{e: e}, nil
}

// List returns the views of a form the actor may use: the shared ones,
// then their own, each by name; Default is the id of the view they open
// first (their roles' default, "" for none).
func (s *Views) List(ctx context.Context, a engine.Actor, formID string) (list []View, def string, err error) {
	if _, err := s.viewable(ctx, a, formID); err != nil {
		return nil, "", err
	}
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("form", store.OpEq, formID),
		store.Or(store.Where("shared", store.OpEq, true), store.Where("owner", store.OpEq, a.UserID)))
	page, err := s.e.Store().Find(ctx, collViews, store.Query{Filter: &f, Limit: 2 * maxViewsPerKey})
	if err != nil {
		return nil, "", err
	}
	for _, d := range page.Docs {
		v, err := viewFrom(d)
		if err != nil {
			return nil, "", err
		}
		list = append(list, v)
	}
	slices.SortFunc(list, func(x, y View) int {
		if x.Shared != y.Shared {
			if x.Shared {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Name, y.Name)
	})
	for _, v := range list {
		if v.Shared && slices.ContainsFunc(v.DefaultFor, func(r string) bool { return slices.Contains(a.Roles, r) }) {
			def = v.ID
			break
		}
	}
	return list, def, nil
}

// Get returns one view the actor may use.
func (s *Views) Get(ctx context.Context, a engine.Actor, id string) (View, error) {
	v, err := s.load(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	if _, err := s.viewable(ctx, a, v.Form); err != nil {
		return View{}, err
	}
	return v, nil
}

// Create saves a new view. Anyone who may view the form saves personal
// views; shared ones and role defaults need the right to manage the form.
func (s *Views) Create(ctx context.Context, a engine.Actor, in View) (View, error) {
	perm, err := s.viewable(ctx, a, in.Form)
	if err != nil {
		return View{}, err
	}
	in.Owner = a.UserID
	if err := s.check(ctx, a, perm, &in); err != nil {
		return View{}, err
	}
	if err := s.underLimit(ctx, a, in); err != nil {
		return View{}, err
	}
	id := store.NewID()
	res, err := s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpInsert, Collection: collViews, Doc: store.Document{ID: id, Data: viewData(a.Workspace, in)}}}})
	if err != nil {
		return View{}, err
	}
	return viewFrom(res.Docs[0])
}

// Update replaces a view's name, sharing, defaults and config; version is
// the one read. Its owner changes a personal view; a shared one is changed
// by those who may manage the form.
func (s *Views) Update(ctx context.Context, a engine.Actor, id string, in View, version int64) (View, error) {
	cur, err := s.load(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	perm, err := s.viewable(ctx, a, cur.Form)
	if err != nil {
		return View{}, err
	}
	if err := mayChange(a, perm, cur); err != nil {
		return View{}, err
	}
	in.Form, in.Owner = cur.Form, cur.Owner
	if err := s.check(ctx, a, perm, &in); err != nil {
		return View{}, err
	}
	res, err := s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpUpdate, Collection: collViews, ExpectVersion: version, Doc: store.Document{ID: id, Data: viewData(a.Workspace, in)}}}})
	if err != nil {
		return View{}, storeErr(err)
	}
	return viewFrom(res.Docs[0])
}

// Delete removes a view (its owner, or a form manager for a shared one).
func (s *Views) Delete(ctx context.Context, a engine.Actor, id string) error {
	cur, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	perm, err := s.viewable(ctx, a, cur.Form)
	if err != nil {
		return err
	}
	if err := mayChange(a, perm, cur); err != nil {
		return err
	}
	_, err = s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpHardDelete, Collection: collViews, Doc: store.Document{ID: id}}}})
	return storeErr(err)
}

// viewable checks the actor may view the form's records and returns their
// effective permission.
func (s *Views) viewable(ctx context.Context, a engine.Actor, formID string) (engine.EffectivePermission, error) {
	perm, err := s.e.MyPermission(ctx, a, formID)
	if err != nil {
		return perm, err
	}
	if !slices.Contains(perm.Actions, engine.ActRecordView) {
		return perm, fmt.Errorf("%w: may not view the records of form %s", engine.ErrForbidden, formID)
	}
	return perm, nil
}

func mayChange(a engine.Actor, perm engine.EffectivePermission, v View) error {
	if v.Shared && !perm.Manage || !v.Shared && v.Owner != a.UserID {
		return fmt.Errorf("%w: may not change view %s", engine.ErrForbidden, v.ID)
	}
	return nil
}

// load reads a view of the actor's workspace; a personal view of someone
// else is not found.
func (s *Views) load(ctx context.Context, a engine.Actor, id string) (View, error) {
	if store.ValidateID(id) != nil {
		return View{}, fmt.Errorf("%w: view %q", engine.ErrNotFound, id)
	}
	d, err := s.e.Store().Get(ctx, collViews, id)
	if err != nil {
		return View{}, storeErr(err)
	}
	v, err := viewFrom(d)
	if err != nil {
		return View{}, err
	}
	if ws, _ := d.Data["workspace"].(string); ws != a.Workspace || !v.Shared && v.Owner != a.UserID {
		return View{}, fmt.Errorf("%w: view %q", engine.ErrNotFound, id)
	}
	return v, nil
}

// check validates a view against the form as the actor sees it: the
// filter, sort and grouping run through the engine's own checks (so a
// hidden field is refused as it is in a query), columns and layout fields
// must be fields of the form of the right kind.
func (s *Views) check(ctx context.Context, a engine.Actor, perm engine.EffectivePermission, v *View) error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: path, Code: code, Params: params})
	}
	v.Name = strings.TrimSpace(v.Name)
	switch {
	case v.Name == "":
		add("name", engine.CodeRequired, nil)
	case utf8.RuneCountInString(v.Name) > maxViewName:
		add("name", engine.CodeMaxLength, map[string]any{"max": maxViewName})
	}
	if (v.Shared || len(v.DefaultFor) > 0) && !perm.Manage {
		return fmt.Errorf("%w: only those who manage the form share views", engine.ErrForbidden)
	}
	if len(v.DefaultFor) > 0 && !v.Shared {
		add("defaultFor", engine.CodeOption, map[string]any{"value": "personal"})
	} else if len(v.DefaultFor) > 0 {
		roles, err := s.e.Roles(ctx, a)
		if err != nil {
			return err
		}
		for i, r := range v.DefaultFor {
			if !slices.ContainsFunc(roles, func(x engine.WorkspaceRole) bool { return x.ID == r }) {
				add(fmt.Sprintf("defaultFor[%d]", i), engine.CodeNotFound, map[string]any{"value": r})
			}
		}
	}
	ver, err := s.e.CurrentVersion(ctx, a, v.Form)
	if err != nil {
		return err
	}
	visible := func(key string) bool { return perm.Fields[key] != engine.FieldHidden }
	fieldOf := func(key string) (string, bool) {
		f, ok := ver.Field(key)
		if !ok || !visible(key) {
			return "", false
		}
		return f.Type, true
	}
	c := &v.Config
	switch c.Layout {
	case "":
		c.Layout = LayoutTable
	case LayoutTable, LayoutKanban, LayoutCalendar:
	default:
		add("config.layout", engine.CodeOption, map[string]any{"value": c.Layout})
	}
	if len(c.Columns) > maxViewColumns {
		add("config.columns", engine.CodeMaxItems, map[string]any{"max": maxViewColumns})
	}
	seen := map[string]bool{}
	for i, col := range c.Columns {
		at := fmt.Sprintf("config.columns[%d]", i)
		_, isField := fieldOf(col.Key)
		if !isField && !systemColumns[col.Key] || seen[col.Key] {
			add(at+".key", engine.CodeUnknownField, map[string]any{"field": col.Key})
		}
		seen[col.Key] = true
		if col.Width < 0 || col.Width > 2000 {
			add(at+".width", engine.CodeRange, map[string]any{"min": 0, "max": 2000})
		}
	}
	if c.Kanban != nil {
		if t, ok := fieldOf(c.Kanban.Field); !ok || t != "select" && t != "user" {
			add("config.kanban.field", engine.CodeOption, map[string]any{"value": c.Kanban.Field})
		}
		for i, k := range c.Kanban.CardFields {
			if _, ok := fieldOf(k); !ok {
				add(fmt.Sprintf("config.kanban.cardFields[%d]", i), engine.CodeUnknownField, map[string]any{"field": k})
			}
		}
	} else if c.Layout == LayoutKanban {
		add("config.kanban.field", engine.CodeRequired, nil)
	}
	if c.Calendar != nil {
		if t, ok := fieldOf(c.Calendar.Field); !ok || t != "date" && t != "datetime" {
			add("config.calendar.field", engine.CodeOption, map[string]any{"value": c.Calendar.Field})
		}
	} else if c.Layout == LayoutCalendar {
		add("config.calendar.field", engine.CodeRequired, nil)
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	// The filter and sort are checked by running them: one record, the
	// engine's own validation, the member's own permissions.
	if _, err := s.e.QueryRecords(ctx, a, v.Form, engine.RecordQuery{Filter: c.Filter, Sort: c.Sort, Limit: 1}); err != nil {
		return prefix(err, "config.")
	}
	// Grouping and the kanban sum are checked as an aggregate over them.
	agg := engine.RecordAggregate{Metrics: []store.Metric{{Op: store.AggCount}}}
	if c.GroupBy != "" {
		agg.GroupBy = []store.GroupKey{{Field: c.GroupBy}}
	}
	if c.Kanban != nil && c.Kanban.SumField != "" {
		agg.Metrics = append(agg.Metrics, store.Metric{Op: store.AggSum, Field: c.Kanban.SumField})
	}
	if len(agg.GroupBy) > 0 || len(agg.Metrics) > 1 {
		if _, err := s.e.AggregateRecords(ctx, a, v.Form, agg); err != nil {
			err = prefix(err, "")
			var ve *engine.ValidationError
			if errors.As(err, &ve) {
				for i := range ve.Fields {
					p := ve.Fields[i].Path
					switch {
					case strings.HasPrefix(p, "groupBy"):
						ve.Fields[i].Path = "config.groupBy"
					case strings.HasPrefix(p, "metrics"):
						ve.Fields[i].Path = "config.kanban.sumField"
					}
				}
			}
			return err
		}
	}
	return nil
}

// systemColumns are the record properties a table may show.
var systemColumns = map[string]bool{"_owner": true, "_updatedAt": true, "_createdAt": true, "_createdBy": true}

// underLimit bounds personal views per member and form, and shared views per form.
func (s *Views) underLimit(ctx context.Context, a engine.Actor, v View) error {
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("form", store.OpEq, v.Form))
	if v.Shared {
		f = store.And(f, store.Where("shared", store.OpEq, true))
	} else {
		f = store.And(f, store.Where("owner", store.OpEq, a.UserID), store.Where("shared", store.OpEq, false))
	}
	n, err := s.e.Store().Count(ctx, collViews, store.Query{Filter: &f})
	if err != nil {
		return err
	}
	if n >= maxViewsPerKey {
		return &engine.ValidationError{Fields: []field.Error{{Path: "name", Code: engine.CodeMaxItems, Params: map[string]any{"max": maxViewsPerKey}}}}
	}
	return nil
}

// prefix puts p before the field paths of a validation error.
func prefix(err error, p string) error {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &engine.ValidationError{Fields: make([]field.Error, len(ve.Fields))}
	for i, f := range ve.Fields {
		f.Path = p + f.Path
		out.Fields[i] = f
	}
	return out
}

func storeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %v", engine.ErrNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w: %v", engine.ErrConflict, err)
	}
	return err
}

// viewData is a view as stored: its config as the JSON it reads back from.
func viewData(ws string, v View) map[string]any {
	var cfg map[string]any
	b, _ := json.Marshal(v.Config)
	_ = json.Unmarshal(b, &cfg)
	roles := make([]any, len(v.DefaultFor))
	for i, r := range v.DefaultFor {
		roles[i] = r
	}
	return map[string]any{"workspace": ws, "form": v.Form, "name": v.Name, "shared": v.Shared, "owner": v.Owner,
		"default_for": roles, "config": cfg}
}

func viewFrom(d store.Document) (View, error) {
	v := View{ID: d.ID, Version: d.Version}
	v.Form, _ = d.Data["form"].(string)
	v.Name, _ = d.Data["name"].(string)
	v.Shared, _ = d.Data["shared"].(bool)
	v.Owner, _ = d.Data["owner"].(string)
	if roles, ok := d.Data["default_for"].([]any); ok {
		for _, r := range roles {
			if s, ok := r.(string); ok {
				v.DefaultFor = append(v.DefaultFor, s)
			}
		}
	}
	b, err := json.Marshal(d.Data["config"])
	if err != nil {
		return View{}, fmt.Errorf("report: view %s: %w", d.ID, err)
	}
	if err := json.Unmarshal(b, &v.Config); err != nil {
		return View{}, fmt.Errorf("report: view %s config: %w", d.ID, err)
	}
	return v, nil
}
