package workflow

import (
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
)

// The "event" variable automations see for the workflow's events
// (docs/automations.md, "The event variable"): the payload fields of
// docs/events.md, typed, and for a decided task "decision" (the action:
// approve, reject, return, transfer, read).
var (
	stageEventFields = map[string]expr.Type{
		"transition": expr.Text, "form": expr.Text, "app": expr.Text, "record": expr.Text, "field": expr.Text,
		"from": expr.Text, "to": expr.Text, "from_flag": expr.Text, "to_flag": expr.Text,
		"at": expr.DateTime, "by": expr.Text, "by_name": expr.Text, "source": expr.Text,
		"duration_ms": expr.Number, "probability": expr.Number, "form_version": expr.Number,
	}
	instanceEventFields = map[string]expr.Type{
		"instance": expr.Text, "flow": expr.Text, "flow_version": expr.Number, "form": expr.Text, "record": expr.Text,
		"initiator": expr.Text, "status": expr.Text, "by": expr.Text, "reactivated": expr.Bool,
	}
	nodeEventFields = with(instanceEventFields, map[string]expr.Type{
		"node": expr.Text, "node_kind": expr.Text, "node_name": expr.Text,
		"reminded": expr.ListOf(expr.Text), "escalated_to": expr.ListOf(expr.Text),
	})
	taskEventFields = with(instanceEventFields, map[string]expr.Type{
		"task": expr.Text, "node": expr.Text, "action": expr.Text, "decision": expr.Text,
		"assignee": expr.Text, "comment": expr.Text,
	})
)

func with(base, more map[string]expr.Type) map[string]expr.Type {
	out := make(map[string]expr.Type, len(base)+len(more))
	for k, t := range base {
		out[k] = t
	}
	for k, t := range more {
		out[k] = t
	}
	return out
}

// taskDecided adds "decision", the name designers look for, to the payload.
func taskDecided(p map[string]any) map[string]any {
	out := make(map[string]any, len(taskEventFields))
	for k := range taskEventFields {
		if v, ok := p[k]; ok {
			out[k] = v
		}
	}
	out["decision"] = p["action"]
	return out
}

// stageOld is the stage field's value before a transition ("" on a
// create: empty).
func stageOld(p map[string]any) map[string]any {
	f, _ := p["field"].(string)
	if f == "" {
		return nil
	}
	from, _ := p["from"].(string)
	if from == "" {
		return map[string]any{f: nil}
	}
	return map[string]any{f: from}
}

// registerStageVariable declares the event variable of a stage transition.
func registerStageVariable(e *engine.Engine) error {
	return e.EventVariables().Register(engine.EventVariable{Type: EventStageChanged, Fields: stageEventFields,
		Label: map[string]string{"zh-CN": "阶段变更", "en": "Moved to a stage"}, Old: stageOld})
}

// registerApprovalVariables declares the event variables of the approval
// events; a second call (Bind twice) changes nothing.
func registerApprovalVariables(e *engine.Engine) {
	for _, v := range []engine.EventVariable{
		{Type: EventStarted, Fields: instanceEventFields, Label: map[string]string{"zh-CN": "审批发起", "en": "Approval started"}},
		{Type: EventNodeEntered, Fields: nodeEventFields, Label: map[string]string{"zh-CN": "审批进入节点", "en": "Approval entered a node"}},
		{Type: EventTaskDecided, Fields: taskEventFields, Value: taskDecided, Label: map[string]string{"zh-CN": "审批任务已处理", "en": "Approval decided"}},
		{Type: EventEnded, Fields: instanceEventFields, Label: map[string]string{"zh-CN": "审批结束", "en": "Approval ended"}},
	} {
		if _, ok := e.EventVariables().Lookup(v.Type); !ok {
			_ = e.EventVariables().Register(v)
		}
	}
}
