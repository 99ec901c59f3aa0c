package report

import (
	"context"
	"fmt"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Preview computes a chart that is not saved yet (the chart dialog draws
// it while it is edited), as the actor, under the given dashboard's
// filters; dashboardID may be "" for none. Those who manage the app preview.
func (s *Dashboards) Preview(ctx context.Context, a engine.Actor, appID, dashboardID string, c Chart, values map[string]FilterValue) (ChartData, error) {
	if err := s.mayManage(ctx, a, appID); err != nil {
		return ChartData{}, err
	}
	db := Dashboard{App: appID}
	if dashboardID != "" {
		var err error
		if db, err = s.Get(ctx, a, dashboardID); err != nil {
			return ChartData{}, err
		}
		if db.App != appID {
			return ChartData{}, fmt.Errorf("%w: dashboard %q", engine.ErrNotFound, dashboardID)
		}
		if err := checkValues(db, values); err != nil {
			return ChartData{}, err
		}
	} else {
		values = nil
	}
	versions, err := s.appVersions(ctx, a, appID)
	if err != nil {
		return ChartData{}, err
	}
	if c.ID == "" {
		c.ID = "preview"
	}
	var errs []field.Error
	add := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: path, Code: code, Params: params})
	}
	checkChart("", &c, versions, map[string]bool{}, add)
	if c.Source != "" {
		s.checkSourceChart("", &c, add)
	}
	if len(errs) > 0 {
		return ChartData{}, invalid(errs...)
	}
	return s.chartData(ctx, a, db, c, values)
}
