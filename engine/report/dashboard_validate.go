package report

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

var (
	reItemID    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	reMeasureID = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,31}$`)
)

// groupLimits are the fewest and most group keys of each chart kind.
var groupLimits = map[string][2]int{
	ChartMetric: {0, 0}, ChartBar: {1, 2}, ChartLine: {1, 2}, ChartPie: {1, 1}, ChartTable: {0, maxChartGroupBy}, ChartFunnel: {0, 0},
}

// check validates a dashboard for the actor: each part per field, then
// every chart is computed once as the actor, so a filter, grouping or
// measure the engine refuses (an unknown or hidden field, a sum of text) is
// refused at save with its path ("charts[2].measures[0].field").
func (s *Dashboards) check(ctx context.Context, a engine.Actor, db *Dashboard) error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: path, Code: code, Params: params})
	}
	db.Title = strings.TrimSpace(db.Title)
	switch {
	case db.Title == "":
		add("title", engine.CodeRequired, nil)
	case utf8.RuneCountInString(db.Title) > maxDashboardTitle:
		add("title", engine.CodeMaxLength, map[string]any{"max": maxDashboardTitle})
	}
	if len(db.Roles) > 0 {
		roles, err := s.e.Roles(ctx, a)
		if err != nil {
			return err
		}
		for i, r := range db.Roles {
			if !slices.ContainsFunc(roles, func(x engine.WorkspaceRole) bool { return x.ID == r }) {
				add(fmt.Sprintf("roles[%d]", i), engine.CodeNotFound, map[string]any{"value": r})
			}
		}
	}
	versions, err := s.appVersions(ctx, a, db.App)
	if err != nil {
		return err
	}
	s.checkFilters(db, versions, add)
	if len(db.Charts) > maxCharts {
		add("charts", engine.CodeMaxItems, map[string]any{"max": maxCharts})
		return invalid(errs...)
	}
	ids := map[string]bool{}
	for i := range db.Charts {
		c := &db.Charts[i]
		if c.ID == "" {
			c.ID = store.NewID()
		}
		checkChart(fmt.Sprintf("charts[%d].", i), c, versions, ids, add)
		if c.Source != "" {
			s.checkSourceChart(fmt.Sprintf("charts[%d].", i), c, add)
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	for i, cd := range s.data(ctx, a, *db, db.Charts, nil) {
		if cd.Err != nil {
			return prefix(cd.Err, fmt.Sprintf("charts[%d].", i))
		}
	}
	return nil
}

// checkFilters validates the dashboard filters and their bindings.
func (s *Dashboards) checkFilters(db *Dashboard, versions map[string]*engine.Version, add func(string, string, map[string]any)) {
	if len(db.Filters) > maxFilters {
		add("filters", engine.CodeMaxItems, map[string]any{"max": maxFilters})
		return
	}
	ids := map[string]bool{}
	for i, f := range db.Filters {
		at := fmt.Sprintf("filters[%d]", i)
		if !reItemID.MatchString(f.ID) || ids[f.ID] {
			add(at+".id", engine.CodeOption, map[string]any{"value": f.ID})
		}
		ids[f.ID] = true
		if utf8.RuneCountInString(f.Label) > maxChartTitle {
			add(at+".label", engine.CodeMaxLength, map[string]any{"max": maxChartTitle})
		}
		var types []string
		switch f.Kind {
		case FilterDateRange:
			types = []string{"date", "datetime", propCreatedAt, "updatedAt"}
		case FilterUser:
			types = []string{"user", propOwnedBy, "createdBy"}
		case FilterDepartment:
			types = []string{"department", "departments"}
		default:
			add(at+".kind", engine.CodeOption, map[string]any{"value": f.Kind})
			continue
		}
		for form, key := range f.Fields {
			v, ok := versions[form]
			if !ok {
				add(at+".fields."+form, engine.CodeNotFound, map[string]any{"value": form})
				continue
			}
			t := key // record properties stand for themselves
			if fd, ok := v.Field(key); ok {
				t = fd.Type
			}
			if !slices.Contains(types, t) {
				add(at+".fields."+form, engine.CodeOption, map[string]any{"value": key})
			}
		}
	}
}

// checkChart validates one chart's parts (not yet its queries).
func checkChart(at string, c *Chart, versions map[string]*engine.Version, ids map[string]bool, add func(string, string, map[string]any)) {
	if !reItemID.MatchString(c.ID) || ids[c.ID] {
		add(at+"id", engine.CodeOption, map[string]any{"value": c.ID})
	}
	ids[c.ID] = true
	c.Title = strings.TrimSpace(c.Title)
	if utf8.RuneCountInString(c.Title) > maxChartTitle {
		add(at+"title", engine.CodeMaxLength, map[string]any{"max": maxChartTitle})
	}
	lim, ok := groupLimits[c.Kind]
	if !ok {
		add(at+"kind", engine.CodeOption, map[string]any{"value": c.Kind})
		return
	}
	if _, ok := versions[c.Form]; !ok && (c.Source == "" || c.Form != "") {
		add(at+"form", engine.CodeNotFound, map[string]any{"value": c.Form})
	}
	l := c.Layout
	if l.X < 0 || l.X >= gridColumns || l.W < 1 || l.X+l.W > gridColumns {
		add(at+"layout.w", engine.CodeRange, map[string]any{"min": 1, "max": gridColumns})
	}
	if l.Y < 0 || l.Y > 1000 || l.H < 1 || l.H > 40 {
		add(at+"layout.h", engine.CodeRange, map[string]any{"min": 1, "max": 40})
	}
	if n := len(c.GroupBy); n < lim[0] || n > lim[1] {
		if n > lim[1] {
			add(at+"groupBy", engine.CodeMaxItems, map[string]any{"max": lim[1]})
		} else {
			add(at+"groupBy", engine.CodeRequired, nil)
		}
	}
	if c.Limit < 0 || c.Limit > engine.MaxAggregateGroups {
		add(at+"limit", engine.CodeRange, map[string]any{"min": 0, "max": engine.MaxAggregateGroups})
	}
	if c.Kind == ChartFunnel {
		if len(c.Measures) > 0 {
			add(at+"measures", engine.CodeMaxItems, map[string]any{"max": 0})
		}
		return
	}
	if c.Funnel != nil {
		add(at+"funnel", engine.CodeOption, map[string]any{"value": c.Kind})
	}
	switch {
	case len(c.Measures) == 0:
		add(at+"measures", engine.CodeRequired, nil)
	case len(c.Measures) > maxMeasures:
		add(at+"measures", engine.CodeMaxItems, map[string]any{"max": maxMeasures})
		return
	}
	seen := map[string]bool{}
	for j := range c.Measures {
		m := &c.Measures[j]
		mat := fmt.Sprintf("%smeasures[%d].", at, j)
		if !reMeasureID.MatchString(m.ID) || seen[m.ID] || expr.IsReserved(m.ID) {
			add(mat+"id", engine.CodeOption, map[string]any{"value": m.ID})
		}
		seen[m.ID] = true
		if utf8.RuneCountInString(m.Label) > maxChartTitle {
			add(mat+"label", engine.CodeMaxLength, map[string]any{"max": maxChartTitle})
		}
		switch m.Op {
		case MeasureCount:
		case MeasureSum, MeasureAvg, MeasureMin, MeasureMax:
			if m.Field == "" {
				add(mat+"field", engine.CodeRequired, nil)
			}
		case MeasureWeighted:
			if m.Field == "" {
				add(mat+"field", engine.CodeRequired, nil)
			}
			if m.Weight == "" {
				add(mat+"weight", engine.CodeRequired, nil)
			}
			if m.Scale < 0 || m.Scale > 1e6 {
				add(mat+"scale", engine.CodeRange, map[string]any{"min": 0, "max": 1e6})
			}
		case MeasureExpr:
			if strings.TrimSpace(m.Expr) == "" {
				add(mat+"expr", engine.CodeRequired, nil)
			} else if _, err := expr.Compile(m.Expr, measureEnv(*c), expr.Number); err != nil {
				errs := exprErr(mat+"expr", err)
				add(errs.Path, errs.Code, errs.Params)
			}
		default:
			add(mat+"op", engine.CodeOption, map[string]any{"value": m.Op})
		}
	}
}

// appVersions returns the current versions of the app's published forms.
func (s *Dashboards) appVersions(ctx context.Context, a engine.Actor, appID string) (map[string]*engine.Version, error) {
	forms, err := s.e.Forms(ctx, a, appID)
	if err != nil {
		return nil, err
	}
	versions := map[string]*engine.Version{}
	for _, f := range forms {
		if f.Published > 0 {
			if v, err := s.e.CurrentVersion(ctx, a, f.ID); err == nil {
				versions[f.ID] = v
			}
		}
	}
	return versions, nil
}
