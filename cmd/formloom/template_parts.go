package main

import (
	"context"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/webhook"
	"github.com/formloom/formloom/engine/workflow"
)

// templateServices are the capability services whose designs app
// templates install, upgrade and export (docs/templates.md, "Parts").
type templateServices struct {
	stages      *workflow.Stages
	approvals   *workflow.Approvals
	automations *automation.Service
	dashboards  *report.Dashboards
	views       *report.Views // nil: built here
	webhooks    *webhook.Service
}

// wireTemplateParts registers every capability's template parts on e's
// registry, where the app-template installer finds them, after the
// services are built; a nil service leaves its parts out. Saved views
// keep no state beyond the store, so without one their service is built
// here. Serve and the template CLI both wire through it: on an engine
// whose parts are registered already it does nothing.
func wireTemplateParts(ctx context.Context, e *engine.Engine, s templateServices) error {
	wireAlertCharts(s.dashboards, s.automations)
	if len(e.TemplateParts().All()) > 0 {
		return nil
	}
	if err := workflow.RegisterTemplateParts(e, s.stages, s.approvals, builder.New(e)); err != nil {
		return err
	}
	if s.automations != nil {
		if err := automation.RegisterTemplateParts(e, s.automations); err != nil {
			return err
		}
	}
	if s.webhooks != nil {
		if err := webhook.RegisterTemplateParts(e, s.webhooks); err != nil {
			return err
		}
	}
	if s.views == nil {
		v, err := report.NewViews(ctx, e)
		if err != nil {
			return err
		}
		s.views = v
	}
	return report.RegisterTemplateParts(e, s.views, s.dashboards)
}
