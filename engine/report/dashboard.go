package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// collDashboards holds dashboards, one document per dashboard.
const collDashboards = "report_dashboards"

// Limits of a dashboard.
const (
	maxDashboardTitle = 60
	maxCharts         = 24
	maxFilters        = 6
	maxDashboardsApp  = 100
	gridColumns       = 12
)

// Dashboard is a grid of charts over the forms of one app, with filters
// the viewer sets (a date range, a user, a department) that narrow every
// chart bound to them. Roles, when set, limit who sees it; those who manage
// the app always do.
type Dashboard struct {
	ID      string            `json:"id"`
	App     string            `json:"app"`
	Title   string            `json:"title"`
	Owner   string            `json:"owner"`
	Roles   []string          `json:"roles,omitempty"`
	Filters []DashboardFilter `json:"filters,omitempty"`
	Charts  []Chart           `json:"charts"`
	Version int64             `json:"version"`
}

// Kinds of dashboard filter.
const (
	FilterDateRange  = "date_range"
	FilterUser       = "user"
	FilterDepartment = "department"
)

// DashboardFilter is one filter of a dashboard. Fields binds it per form
// (form id -> field key); a form without a binding uses the default of the
// kind (a date range: the creation time; a user: the record owner) or, for
// a department, is not narrowed.
type DashboardFilter struct {
	ID     string            `json:"id"`
	Kind   string            `json:"kind"`
	Label  string            `json:"label,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// FilterValue is what a viewer chose for one dashboard filter: From and To
// (dates "2006-01-02", both inclusive, in the workspace time zone) for a
// date range, Value (a user or department id) for the others.
type FilterValue struct {
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Value string `json:"value,omitempty"`
}

// Dashboards keeps dashboards and computes their charts.
type Dashboards struct {
	e *engine.Engine
	// transitions is the store collection of stage history (see
	// NewDashboards); "" leaves the funnels without history figures.
	transitions string
	// cache keeps computed charts (nil: DashboardOptions.NoCache).
	cache *chartCache
	// noShare: DashboardOptions.NoShare.
	noShare bool
	// sources are the chart sources the wiring added (chart_source.go).
	sources sources
}

// DashboardOptions configures the service.
type DashboardOptions struct {
	// StageHistory is the store collection holding stage transitions,
	// one document per move with the keys workspace, form, record, from,
	// to, to_flag, at and duration_ms (engine/workflow writes it; cmd
	// passes its name, so this package imports no other capability).
	StageHistory string
	// NoCache computes every chart on every request (benchmarks of the
	// aggregates themselves); by default computed charts are kept until an
	// outbox event makes them stale (see chartCache).
	NoCache bool
	// NoShare computes each chart's aggregates on their own instead of
	// rolling them up from one aggregate per form and filter
	// (chart_share.go): the reference of the differential test.
	NoShare bool
}

// NewDashboards declares the dashboards collection's indexes and returns the service.
func NewDashboards(ctx context.Context, e *engine.Engine, o DashboardOptions) (*Dashboards, error) {
	err := e.Store().EnsureIndexes(ctx, collDashboards, []store.Index{
		{Name: "workspace_app", Fields: []store.SortKey{{Field: "workspace"}, {Field: "app"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("report: declare dashboard indexes: %w", err)
	}
	d := &Dashboards{e: e, transitions: o.StageHistory, noShare: o.NoShare}
	if !o.NoCache {
		d.cache = newChartCache(e.Store(), e.Now)
	}
	return d, nil
}

// List returns the dashboards of an app the actor may see, by title.
func (s *Dashboards) List(ctx context.Context, a engine.Actor, appID string) ([]Dashboard, error) {
	if _, err := s.e.App(ctx, a, appID); err != nil {
		return nil, err
	}
	manage := s.manages(ctx, a, appID)
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("app", store.OpEq, appID))
	page, err := s.e.Store().Find(ctx, collDashboards, store.Query{Filter: &f, Limit: maxDashboardsApp})
	if err != nil {
		return nil, err
	}
	out := []Dashboard{}
	for _, d := range page.Docs {
		db, err := dashboardFrom(d)
		if err != nil {
			return nil, err
		}
		if manage || visibleTo(a, db) {
			out = append(out, db)
		}
	}
	slices.SortFunc(out, func(x, y Dashboard) int { return strings.Compare(x.Title, y.Title) })
	return out, nil
}

// Get returns one dashboard the actor may see.
func (s *Dashboards) Get(ctx context.Context, a engine.Actor, id string) (Dashboard, error) {
	db, err := s.load(ctx, a, id)
	if err != nil {
		return Dashboard{}, err
	}
	if !visibleTo(a, db) && !s.manages(ctx, a, db.App) {
		return Dashboard{}, fmt.Errorf("%w: dashboard %q", engine.ErrNotFound, id)
	}
	return db, nil
}

// Create saves a new dashboard (those who manage the app).
func (s *Dashboards) Create(ctx context.Context, a engine.Actor, in Dashboard) (Dashboard, error) {
	if err := s.mayManage(ctx, a, in.App); err != nil {
		return Dashboard{}, err
	}
	in.Owner = a.UserID
	if err := s.check(ctx, a, &in); err != nil {
		return Dashboard{}, err
	}
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("app", store.OpEq, in.App))
	if n, err := s.e.Store().Count(ctx, collDashboards, store.Query{Filter: &f}); err != nil {
		return Dashboard{}, err
	} else if n >= maxDashboardsApp {
		return Dashboard{}, invalidAt("title", engine.CodeMaxItems, map[string]any{"max": maxDashboardsApp})
	}
	res, err := s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpInsert, Collection: collDashboards, Doc: store.Document{ID: store.NewID(), Data: dashboardData(a.Workspace, in)}}}})
	if err != nil {
		return Dashboard{}, err
	}
	return dashboardFrom(res.Docs[0])
}

// Update replaces a dashboard's title, roles, filters and charts; version
// is the one read.
func (s *Dashboards) Update(ctx context.Context, a engine.Actor, id string, in Dashboard, version int64) (Dashboard, error) {
	cur, err := s.load(ctx, a, id)
	if err != nil {
		return Dashboard{}, err
	}
	if err := s.mayManage(ctx, a, cur.App); err != nil {
		return Dashboard{}, err
	}
	in.App, in.Owner = cur.App, cur.Owner
	if err := s.check(ctx, a, &in); err != nil {
		return Dashboard{}, err
	}
	res, err := s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpUpdate, Collection: collDashboards, ExpectVersion: version, Doc: store.Document{ID: id, Data: dashboardData(a.Workspace, in)}}}})
	if err != nil {
		return Dashboard{}, storeErr(err)
	}
	return dashboardFrom(res.Docs[0])
}

// Delete removes a dashboard (those who manage the app).
func (s *Dashboards) Delete(ctx context.Context, a engine.Actor, id string) error {
	cur, err := s.load(ctx, a, id)
	if err != nil {
		return err
	}
	if err := s.mayManage(ctx, a, cur.App); err != nil {
		return err
	}
	_, err = s.e.Store().Commit(ctx, store.UnitOfWork{Actor: a.UserID, At: s.e.Now(), Writes: []store.Write{
		{Op: store.OpHardDelete, Collection: collDashboards, Doc: store.Document{ID: id}}}})
	return storeErr(err)
}

// manages reports whether the actor may manage the app's dashboards.
func (s *Dashboards) manages(ctx context.Context, a engine.Actor, appID string) bool {
	return s.mayManage(ctx, a, appID) == nil
}

func (s *Dashboards) mayManage(ctx context.Context, a engine.Actor, appID string) error {
	if _, err := s.e.App(ctx, a, appID); err != nil {
		return err
	}
	_, err := s.e.Authorize(ctx, a, engine.ActAppManage, engine.Resource{App: appID})
	return err
}

// visibleTo reports whether a dashboard's roles let the actor see it.
func visibleTo(a engine.Actor, db Dashboard) bool {
	return len(db.Roles) == 0 || slices.ContainsFunc(db.Roles, func(r string) bool { return slices.Contains(a.Roles, r) })
}

// load reads a dashboard of the actor's workspace.
func (s *Dashboards) load(ctx context.Context, a engine.Actor, id string) (Dashboard, error) {
	if store.ValidateID(id) != nil {
		return Dashboard{}, fmt.Errorf("%w: dashboard %q", engine.ErrNotFound, id)
	}
	d, err := s.e.Store().Get(ctx, collDashboards, id)
	if err != nil {
		return Dashboard{}, storeErr(err)
	}
	if ws, _ := d.Data["workspace"].(string); ws != a.Workspace {
		return Dashboard{}, fmt.Errorf("%w: dashboard %q", engine.ErrNotFound, id)
	}
	return dashboardFrom(d)
}

// dashboardData is a dashboard as stored: its parts as the JSON they read back from.
func dashboardData(ws string, db Dashboard) map[string]any {
	asJSON := func(v any) any {
		var out any
		b, _ := json.Marshal(v)
		_ = json.Unmarshal(b, &out)
		return out
	}
	if db.Roles == nil {
		db.Roles = []string{}
	}
	if db.Filters == nil {
		db.Filters = []DashboardFilter{}
	}
	return map[string]any{"workspace": ws, "app": db.App, "title": db.Title, "owner": db.Owner,
		"roles": asJSON(db.Roles), "filters": asJSON(db.Filters), "charts": asJSON(db.Charts)}
}

func dashboardFrom(d store.Document) (Dashboard, error) {
	db := Dashboard{ID: d.ID, Version: d.Version}
	db.App, _ = d.Data["app"].(string)
	db.Title, _ = d.Data["title"].(string)
	db.Owner, _ = d.Data["owner"].(string)
	for _, part := range []struct {
		key string
		to  any
	}{{"roles", &db.Roles}, {"filters", &db.Filters}, {"charts", &db.Charts}} {
		b, err := json.Marshal(d.Data[part.key])
		if err != nil {
			return Dashboard{}, fmt.Errorf("report: dashboard %s %s: %w", d.ID, part.key, err)
		}
		if err := json.Unmarshal(b, part.to); err != nil {
			return Dashboard{}, fmt.Errorf("report: dashboard %s %s: %w", d.ID, part.key, err)
		}
	}
	if db.Charts == nil {
		db.Charts = []Chart{}
	}
	return db, nil
}
