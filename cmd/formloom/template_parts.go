package main

import (
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// templateServices are the capability services whose designs app
// templates install, upgrade and export (docs/templates.md, "Parts").
type templateServices struct {
	stages    *workflow.Stages
	approvals *workflow.Approvals
}

// wireTemplateParts registers every capability's template parts on e's
// registry, where the app-template installer finds them. It runs once,
// after the services are built; a nil service leaves its parts out.
func wireTemplateParts(e *engine.Engine, s templateServices) error {
	if err := workflow.RegisterTemplateParts(e, s.stages, s.approvals, builder.New(e)); err != nil {
		return err
	}
	return nil
}
