package server

// approvalsSchemas are the OpenAPI schemas of approval flows
// (docs/workflows.md has their meaning).
func approvalsSchemas() map[string]any {
	tNum := map[string]any{"type": "number"}
	assignee := obj(map[string]any{"kind": map[string]any{"enum": []any{"users", "role", "head", "field", "initiator_choice", "initiator"}},
		"users": arr(tStr), "role": tStr, "level": tInt, "field": tStr}, "kind")
	due := obj(map[string]any{"after": tStr, "field": tStr, "action": map[string]any{"enum": []any{"remind", "auto_approve", "auto_return", "escalate"}},
		"escalateTo": arr(assignee), "every": tStr}, "action")
	node := obj(map[string]any{"id": tStr, "kind": map[string]any{"enum": []any{"start", "end", "approver", "handler", "cc", "condition", "parallel", "join"}},
		"name": tStr, "position": obj(map[string]any{"x": tNum, "y": tNum}), "assignees": arr(assignee),
		"mode": map[string]any{"enum": []any{"any", "all", "vote", "sequence"}}, "threshold": tNum,
		"fields":   map[string]any{"type": "object", "additionalProperties": map[string]any{"enum": []any{"view", "edit", "hidden"}}},
		"required": arr(tStr),
		"actions":  arr(map[string]any{"enum": []any{"approve", "reject", "return", "transfer", "add", "cc"}}), "due": due, "join": tStr}, "id", "kind")
	edge := obj(map[string]any{"id": tStr, "from": tStr, "to": tStr, "condition": tStr, "default": tBool, "priority": tNum, "label": tStr}, "id", "from", "to")
	signature := obj(map[string]any{"id": tStr, "name": tStr, "size": tInt, "contentType": tStr}, "id", "contentType")
	timeline := obj(map[string]any{"at": tTime, "kind": tStr, "node": tStr, "nodeName": tStr, "user": tStr, "action": tStr, "comment": tStr,
		"signature": signature, "task": tStr, "to": arr(tStr), "target": tStr}, "at", "kind")
	return map[string]any{
		"FlowDesign": obj(map[string]any{"nodes": arr(node), "edges": arr(edge)}, "nodes", "edges"),
		"Flow": obj(map[string]any{"id": tStr, "form": tStr, "app": tStr, "name": tStr, "description": tStr, "startOnCreate": tBool,
			"fallback": map[string]any{"enum": []any{"admins", "auto_approve"}}, "enabled": tBool, "draft": ref("FlowDesign"),
			"published": tInt, "version": tInt, "createdAt": tTime, "updatedAt": tTime}, "id", "form", "name", "draft", "published", "version"),
		"FlowList": list("Flow"),
		"FlowInput": obj(map[string]any{"name": tStr, "description": tStr, "startOnCreate": tBool, "fallback": tStr, "enabled": tBool,
			"draft": ref("FlowDesign"), "version": tInt}, "name"),
		"FlowValidateInput": obj(map[string]any{"draft": ref("FlowDesign")}),
		"FlowValidation":    obj(map[string]any{"valid": tBool, "errors": arr(obj(map[string]any{"path": tStr, "code": tStr, "message": tStr}, "path", "code", "message"))}, "valid", "errors"),
		"FlowVersion": obj(map[string]any{"flow": tStr, "version": tInt, "formVersion": tInt, "name": tStr, "fallback": tStr, "startOnCreate": tBool,
			"design": ref("FlowDesign"), "publishedAt": tTime, "publishedBy": tStr}, "flow", "version"),
		"FlowVersionList": list("FlowVersion"),
		"StartInput":      obj(map[string]any{"record": tStr, "choices": map[string]any{"type": "object", "additionalProperties": arr(tStr)}}, "record"),
		"Task": obj(map[string]any{"id": tStr, "instance": tStr, "flow": tStr, "flowName": tStr, "form": tStr, "record": tStr, "node": tStr,
			"nodeName": tStr, "kind": map[string]any{"enum": []any{"approve", "handle", "resubmit", "cc"}}, "assignee": tStr, "initiator": tStr,
			"status":    map[string]any{"enum": []any{"pending", "waiting", "approved", "rejected", "returned", "transferred", "escalated", "cancelled", "cc"}},
			"createdAt": tTime, "decidedAt": nullable(tTime), "dueAt": nullable(tTime), "comment": tStr, "signature": nullable(signature),
			"read": tBool, "version": tInt, "entry": tStr, "added": tStr, "blocks": tStr, "decidedBy": tStr}, "id", "instance", "node", "kind", "assignee", "status"),
		"Instance": obj(map[string]any{"id": tStr, "flow": tStr, "flowVersion": tInt, "flowName": tStr, "form": tStr, "app": tStr, "record": tStr,
			"status": map[string]any{"enum": []any{"running", "approved", "rejected", "withdrawn", "ended"}}, "initiator": tStr,
			"initiatorDepartments": arr(tStr), "active": arr(tStr), "startedAt": tTime, "endedAt": nullable(tTime), "version": tInt,
			"timeline": arr(timeline), "tasks": arr(ref("Task")), "choices": tObj, "joins": tObj, "entries": tObj, "entered": arr(tStr), "paused": arr(tStr), "queued": tObj},
			"id", "flow", "flowVersion", "record", "status", "initiator"),
		"InstanceList":      list("Instance"),
		"CommentInput":      obj(map[string]any{"comment": tStr}),
		"InboxPage":         obj(map[string]any{"items": arr(map[string]any{"oneOf": []any{ref("Task"), ref("Instance")}}), "nextCursor": tStr}, "items"),
		"TaskCounts":        obj(map[string]any{"todo": tInt, "done": tInt, "cc": tInt, "ccUnread": tInt, "started": tInt}, "todo", "done", "cc", "ccUnread", "started"),
		"BatchApproveInput": obj(map[string]any{"tasks": arr(tStr), "comment": tStr}, "tasks"),
		"BatchApproveResult": obj(map[string]any{"results": arr(obj(map[string]any{"task": tStr, "ok": tBool,
			"error": obj(map[string]any{"code": tStr, "message": tStr, "fields": arr(tObj)})}, "task", "ok"))}, "results"),
		"TaskDetail": obj(map[string]any{"task": ref("Task"), "record": ref("Record"),
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"enum": []any{"view", "edit", "hidden"}}},
			"actions": arr(tStr), "returnTargets": arr(obj(map[string]any{"node": tStr, "name": tStr}, "node", "name")), "instance": ref("Instance")},
			"task", "record", "fields", "actions", "returnTargets", "instance"),
		"TaskActInput": obj(map[string]any{"comment": tStr, "signature": signature, "fields": tObj, "node": tStr, "to": tStr, "users": arr(tStr),
			"position": map[string]any{"enum": []any{"before", "after"}}}),
	}
}
