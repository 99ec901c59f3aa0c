package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"github.com/formloom/formloom/engine/store"

	"github.com/formloom/formloom/engine"
)

// ActionStartFlow is the kind of the action automations use to start a flow.
const ActionStartFlow = "workflow.start"

// StartAction is the action type "workflow.start" the service offers to
// automations (cmd registers it on e.Actions()): its config is
// {"flow": "<flow id>"}; it starts that flow on the triggering record,
// the automation's actor being the initiator. A run retried with the same
// key finds the instance it started.
func (s *Approvals) StartAction() engine.ActionType {
	return engine.ActionType{
		Kind:  ActionStartFlow,
		Label: map[string]string{"zh-CN": "发起审批流程", "en": "Start an approval flow"},
		Check: func(ctx context.Context, a engine.Actor, config map[string]any) error {
			_, err := s.actionFlow(ctx, a, config)
			return err
		},
		Run: func(ctx context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
			f, err := s.actionFlow(ctx, r.Actor, r.Config)
			if err != nil {
				return engine.ActionOutcome{}, err
			}
			if r.Record == "" || r.Form != f.Form {
				return engine.ActionOutcome{}, invalidFlow(flowErr("flow", "flow_action_record", nil))
			}
			in, err := s.start(ctx, r.Actor.Workspace, f, r.Actor.UserID, r.Actor.Departments, StartInput{Record: r.Record}, actionInstanceID(r.Key), true)
			if err != nil {
				return engine.ActionOutcome{}, err
			}
			return engine.ActionOutcome{
				Summary: map[string]string{"zh-CN": "已发起流程“" + f.Name + "”", "en": "Started the flow “" + f.Name + "”"},
				Detail:  map[string]any{"instance": in.ID, "flow": f.ID, "status": in.Status},
			}, nil
		},
		Preview: func(ctx context.Context, r engine.ActionRun) (engine.ActionOutcome, error) {
			f, err := s.actionFlow(ctx, r.Actor, r.Config)
			if err != nil {
				return engine.ActionOutcome{}, err
			}
			return engine.ActionOutcome{
				Summary: map[string]string{"zh-CN": "将发起流程“" + f.Name + "”", "en": "Would start the flow “" + f.Name + "”"},
				Detail:  map[string]any{"flow": f.ID, "record": r.Record},
			}, nil
		},
	}
}

// actionFlow reads the flow an action's config names, in a's workspace.
func (s *Approvals) actionFlow(ctx context.Context, a engine.Actor, config map[string]any) (Flow, error) {
	id, _ := config["flow"].(string)
	if id == "" {
		return Flow{}, invalidFlow(flowErr("flow", engine.CodeRequired, nil))
	}
	d, err := s.scoped(ctx, collFlows, a.Workspace, id)
	if err != nil {
		return Flow{}, invalidFlow(flowErr("flow", engine.CodeNotFound, map[string]any{"value": id}))
	}
	f := flowFrom(d)
	if f.Published == 0 {
		return Flow{}, invalidFlow(flowErr("flow", "flow_unpublished", nil))
	}
	return f, nil
}

// actionInstanceID derives an instance id from an action run's key.
func actionInstanceID(key string) string {
	if key == "" {
		key = store.NewID() // no key: never dedupe
	}
	h := sha256.Sum256([]byte(key))
	return "a" + hex.EncodeToString(h[:16])
}
