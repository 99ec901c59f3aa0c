package main

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// wireStages builds the stage-pipeline service and binds it: the "stages"
// form design extension (checked at publish) and the gate on the engine's
// RecordWriting hook, so every write path obeys the pipelines.
func wireStages(ctx context.Context, e *engine.Engine) (*workflow.Stages, error) {
	s, err := workflow.NewStages(ctx, e)
	if err != nil {
		return nil, err
	}
	return s, s.Bind()
}
