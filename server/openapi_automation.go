package server

import "github.com/formloom/formloom/engine/automation"

// automationSchemas are the OpenAPI schemas of automations and alerts
// (docs/automations.md has their meaning; engine/automation the types).
func automationSchemas() map[string]any {
	tNum := map[string]any{"type": "number"}
	triggers := []any{string(automation.TriggerCreated), string(automation.TriggerUpdated), string(automation.TriggerDeleted), string(automation.TriggerRestored),
		string(automation.TriggerChanged), string(automation.TriggerSchedule), string(automation.TriggerDate), string(automation.TriggerEvent)}
	severity := map[string]any{"enum": []any{"info", "warning", "critical"}}
	runStatus := map[string]any{"enum": []any{"succeeded", "no_match", "failed", "stopped", "running", "preview"}}
	trigger := obj(map[string]any{"type": map[string]any{"enum": triggers},
		"fields": arr(tStr), "cron": map[string]any{"type": "string", "description": "five-field cron, in the workspace time zone"},
		"scan":  obj(map[string]any{"field": tStr, "olderThanDays": tInt, "filter": tObj}, "field", "olderThanDays"),
		"date":  obj(map[string]any{"field": tStr, "offsetDays": map[string]any{"type": "integer", "description": "days after the date (negative: before)"}, "time": map[string]any{"type": "string", "description": "HH:MM for a date field"}}, "field", "offsetDays"),
		"event": map[string]any{"type": "string", "description": "an outbox event type, for trigger type event"}}, "type")
	action := obj(map[string]any{"kind": tStr, "name": tStr, "config": map[string]any{"type": "object", "description": "the kind's settings (docs/automations.md)"}}, "kind", "config")
	design := obj(map[string]any{"name": tStr, "description": tStr, "trigger": trigger, "condition": map[string]any{"type": "string", "description": "an expression over old, new, changed(), user, now and event; empty always matches"},
		"actions": arr(action), "actor": map[string]any{"type": "string", "description": "the member the automation writes as; empty means the creator"}, "retrigger": tBool}, "name", "trigger", "actions")
	runErr := obj(map[string]any{"code": tStr, "message": map[string]any{"type": "object", "additionalProperties": tStr}, "fields": arr(obj(map[string]any{"path": tStr, "code": tStr}, "path", "code"))}, "code", "message")
	actionResult := obj(map[string]any{"index": tInt, "kind": tStr, "name": tStr, "status": map[string]any{"enum": []any{"ok", "failed", "skipped", "would"}},
		"summary": map[string]any{"type": "object", "additionalProperties": tStr}, "detail": tObj, "error": runErr, "durationMs": tNum}, "index", "kind", "status")
	return map[string]any{
		"AutomationDesign": design,
		"Automation": obj(map[string]any{"id": tStr, "workspace": tStr, "form": tStr, "app": tStr, "draft": ref("AutomationDesign"), "published": tInt, "enabled": tBool,
			"version": tInt, "createdAt": tTime, "createdBy": tStr, "updatedAt": tTime, "publishedAt": tTime, "alert": tBool, "current": ref("AutomationDesign"),
			"summary": ref("AutomationRunSummary")},
			"id", "form", "draft", "published", "enabled", "version"),
		"AutomationList":       list("Automation"),
		"AutomationRunSummary": runSummary(),
		"AutomationEventList": obj(map[string]any{"items": arr(obj(map[string]any{"type": tStr, "label": map[string]any{"type": "object", "additionalProperties": tStr},
			"fields": map[string]any{"type": "object", "additionalProperties": tStr, "description": "field → type (text, number, datetime, list<text>…)"}}, "type", "fields"))}, "items"),
		"AutomationInput":           obj(map[string]any{"draft": ref("AutomationDesign")}, "draft"),
		"AutomationUpdate":          obj(map[string]any{"draft": ref("AutomationDesign"), "version": tInt}, "draft", "version"),
		"AutomationVersionInput":    obj(map[string]any{"version": tInt}, "version"),
		"AutomationEnabledInput":    obj(map[string]any{"enabled": tBool, "version": tInt}, "enabled", "version"),
		"AutomationExpressionInput": obj(map[string]any{"expression": tStr, "kind": map[string]any{"enum": []any{"condition", "value"}}, "trigger": trigger}, "expression"),
		"AutomationVersion": obj(map[string]any{"automation": tStr, "number": tInt, "design": ref("AutomationDesign"), "publishedAt": tTime, "publishedBy": tStr},
			"automation", "number", "design"),
		"AutomationVersionList": list("AutomationVersion"),
		"AutomationAction":      obj(map[string]any{"kind": tStr, "label": map[string]any{"type": "object", "additionalProperties": tStr}, "builtIn": tBool}, "kind", "label", "builtIn"),
		"AutomationActionList":  list("AutomationAction"),
		"Run": obj(map[string]any{"id": tStr, "workspace": tStr, "automation": tStr, "name": tStr, "version": tInt, "form": tStr, "record": tStr,
			"event": tStr, "eventType": tStr, "trigger": map[string]any{"enum": triggers}, "status": runStatus, "matched": tBool, "conditionError": tStr,
			"error": runErr, "actions": arr(actionResult), "chain": tObj, "replay": tBool, "dryRun": tBool, "startedAt": tTime, "durationMs": tNum},
			"id", "automation", "version", "status", "matched", "actions", "startedAt"),
		"RunPage":     obj(map[string]any{"items": arr(ref("Run")), "nextCursor": tStr}, "items"),
		"DryRunInput": obj(map[string]any{"record": tStr, "old": tObj, "new": tObj, "design": ref("AutomationDesign"), "event": tObj}),
		"ReplayInput": obj(map[string]any{"from": tTime, "to": tTime, "dryRun": tBool}, "from", "to"),
		"ReplayResult": obj(map[string]any{"dryRun": tBool, "events": tInt, "matched": tInt, "alreadyRun": tInt, "ran": tInt, "failed": tInt, "truncated": tBool, "runs": arr(ref("Run"))},
			"dryRun", "events", "matched", "alreadyRun", "ran", "failed", "truncated", "runs"),
		"Alert": obj(map[string]any{"id": tStr, "workspace": tStr, "rule": tStr, "ruleName": tStr, "form": tStr, "record": tStr, "key": tStr, "severity": severity,
			"state": map[string]any{"enum": []any{"open", "acknowledged", "resolved"}}, "title": tStr, "body": tStr, "owner": tStr, "level": tInt, "notified": arr(tStr),
			"raisedAt": tTime, "acknowledgedAt": tTime, "acknowledgedBy": tStr, "resolvedAt": tTime, "resolvedBy": tStr,
			"resolution": map[string]any{"enum": []any{"", "manual", "auto"}}, "version": tInt},
			"id", "rule", "form", "key", "severity", "state", "title", "raisedAt", "version"),
		"AlertPage":      obj(map[string]any{"items": arr(ref("Alert")), "nextCursor": tStr}, "items"),
		"AlertCount":     obj(map[string]any{"rule": tStr, "ruleName": tStr, "week": map[string]any{"type": "string", "description": "ISO week, 2026-W49"}, "start": tStr, "raised": tInt, "critical": tInt}, "rule", "week", "raised"),
		"AlertCountList": list("AlertCount"),
		"RunNowResult": obj(map[string]any{"id": tStr, "automation": tStr, "tick": tTime, "ran": tInt, "alreadyRun": tInt, "notMatched": tInt, "requestedBy": tStr, "requestedAt": tTime},
			"id", "automation", "tick", "ran", "alreadyRun", "notMatched", "requestedBy", "requestedAt"),
	}
}

// runSummary is the schema of automation.RunSummary.
func runSummary() map[string]any {
	counts := obj(map[string]any{"matched": tInt, "notMatched": tInt, "conditionErrors": tInt, "succeeded": tInt, "failed": tInt, "stopped": tInt, "skipped": tInt},
		"matched", "notMatched", "conditionErrors", "succeeded", "failed", "stopped", "skipped")
	last := obj(map[string]any{"at": tTime, "run": tStr, "event": tStr, "code": tStr, "message": map[string]any{"type": "object", "additionalProperties": tStr}}, "at", "code", "message")
	return obj(map[string]any{"automation": tStr, "last24h": counts, "last7d": counts, "lastError": last}, "automation", "last24h", "last7d")
}
