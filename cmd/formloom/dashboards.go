package main

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/workflow"
)

// wireDashboards builds the dashboards service; its funnels read the
// stage history collection of the stage service, whose name is passed here
// so engine/report imports no other capability.
func wireDashboards(ctx context.Context, e *engine.Engine, stages *workflow.Stages) (*report.Dashboards, error) {
	return report.NewDashboards(ctx, e, report.DashboardOptions{StageHistory: stages.Collection()})
}
