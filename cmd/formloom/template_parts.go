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
	webhooks    *webhook.Service
}

// wireTemplateParts registers every capability's template parts on e's
// registry, where the app-template installer finds them. It runs once,
// after the services are built; a nil service leaves its parts out.
// Saved views keep no state beyond the store, so their service is built
// here (the server builds its own the same way).
func wireTemplateParts(ctx context.Context, e *engine.Engine, s templateServices) error {
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
	views, err := report.NewViews(ctx, e)
	if err != nil {
		return err
	}
	return report.RegisterTemplateParts(e, views, s.dashboards)
}
