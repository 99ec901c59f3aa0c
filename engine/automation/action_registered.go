package automation

import (
	"context"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
)

type exprOption = expr.Option

// registeredStep performs an action type another capability registered
// (engine.ActionRegistry): Run live, Preview in a dry run.
type registeredStep struct{ t engine.ActionType }

func (st *registeredStep) perform(ctx context.Context, rc *runCtx, dry bool) (engine.ActionOutcome, error) {
	cfg := rc.c.ver.Design.Actions[rc.step].Config
	r := engine.ActionRun{Actor: rc.actor, Config: cfg, Form: rc.c.auto.Form, Record: rc.cause.record,
		Data: rc.cause.data, Old: rc.cause.old, Event: rc.cause.event, Key: rc.stepKey(), Chain: rc.chain}
	if dry {
		return st.t.Preview(ctx, r)
	}
	return st.t.Run(ctx, r)
}
