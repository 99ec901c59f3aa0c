package main

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/workflow"
)

// wireDashboards builds the dashboards service; its funnels read the
// stage history collection of the stage service, whose name is passed here
// so engine/report imports no other capability.
func wireDashboards(ctx context.Context, e *engine.Engine, stages *workflow.Stages) (*report.Dashboards, error) {
	return report.NewDashboards(ctx, e, report.DashboardOptions{StageHistory: stages.Collection()})
}

// AlertSource is the chart source name of alert firings: a chart with
// "source": "alerts" counts the alerts its viewer sees (docs/automations.md).
const AlertSource = "alerts"

// wireAlertCharts makes alert firings chartable: the dashboards count them
// through the automation service's alert statistics, as the viewer.
func wireAlertCharts(d *report.Dashboards, a *automation.Service) {
	if d != nil && a != nil {
		d.AddSource(AlertSource, alertCharts{a})
	}
}

// alertCharts adapts automation.Service to report.ChartSource.
type alertCharts struct{ s *automation.Service }

func (c alertCharts) Keys() []report.SourceKey {
	out := make([]report.SourceKey, len(automation.AlertStatsKeys))
	for i, k := range automation.AlertStatsKeys {
		out[i] = report.SourceKey{Key: k.Key, Type: k.Type, Label: k.Label}
	}
	return out
}

func (c alertCharts) Count(ctx context.Context, a engine.Actor, q report.SourceQuery) (report.SourceResult, error) {
	st, err := c.s.AlertStatistics(ctx, a, automation.AlertStatsQuery{Forms: q.Forms, Filter: q.Filter, GroupBy: q.GroupBy})
	if err != nil {
		return report.SourceResult{}, err
	}
	return report.SourceResult{Groups: st.Groups, Truncated: st.Truncated, Labels: st.Labels}, nil
}
