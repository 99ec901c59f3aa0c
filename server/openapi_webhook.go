package server

// webhookSchemas are the OpenAPI schemas of the webhook routes.
func webhookSchemas() map[string]any {
	strMap := map[string]any{"type": "object", "additionalProperties": tStr}
	endpoint := map[string]any{"id": tStr, "workspace": tStr, "url": tStr, "description": tStr, "events": arr(tStr), "form": tStr,
		"filter": tStr, "headers": strMap, "enabled": tBool, "disabledReason": tStr, "actor": tStr, "secretHint": tStr,
		"rotatingUntil": tTime, "failingSince": tTime, "version": tInt, "createdAt": tTime, "updatedAt": tTime}
	withSecret := map[string]any{"secret": tStr}
	for k, v := range endpoint {
		withSecret[k] = v
	}
	hook := map[string]any{"id": tStr, "workspace": tStr, "form": tStr, "name": tStr, "verify": map[string]any{"enum": []any{"none", "hmac", "standard"}},
		"signatureHeader": tStr, "mapping": strMap, "idempotencyKey": tStr, "upsertField": tStr, "enabled": tBool, "actor": tStr,
		"version": tInt, "createdAt": tTime}
	attempt := obj(map[string]any{"n": tInt, "at": tTime, "status": tInt, "error": tStr, "durationMs": tInt,
		"requestHeaders": strMap, "responseHeaders": strMap, "responseBody": tStr})
	return map[string]any{
		"WebhookEvent":     obj(map[string]any{"type": tStr, "record": tBool}, "type"),
		"WebhookEventList": list("WebhookEvent"),
		"WebhookEndpointInput": obj(map[string]any{"url": tStr, "description": tStr, "events": arr(tStr), "form": tStr, "filter": tStr,
			"headers": strMap, "enabled": tBool, "actor": tStr, "version": tInt}, "url", "events"),
		"WebhookEndpoint":        obj(endpoint, "id", "url", "events", "enabled"),
		"WebhookEndpointCreated": obj(withSecret, "id", "secret"),
		"WebhookEndpointList":    list("WebhookEndpoint"),
		"WebhookRotateInput":     obj(map[string]any{"graceHours": tInt}),
		"WebhookDelivery": obj(map[string]any{"id": tStr, "endpoint": tStr, "messageId": tStr, "event": tStr, "type": tStr, "form": tStr,
			"record": tStr, "status": map[string]any{"enum": []any{"pending", "succeeded", "failed"}}, "attempts": tInt, "nextAt": tTime,
			"lastStatus": tInt, "lastError": tStr, "redeliveryOf": tStr, "createdAt": tTime, "finishedAt": tTime, "body": tObj,
			"attemptLog": arr(attempt)}, "id", "status"),
		"WebhookDeliveryPage":    obj(map[string]any{"deliveries": arr(ref("WebhookDelivery")), "next": tStr}, "deliveries"),
		"WebhookRedeliverRange":  obj(map[string]any{"from": tTime, "to": tTime}),
		"WebhookRedeliverResult": obj(map[string]any{"queued": tInt}, "queued"),
		"WebhookCheckInput":      obj(map[string]any{"form": tStr, "expression": tStr}, "expression"),
		"InboundHookInput": obj(map[string]any{"form": tStr, "name": tStr, "verify": tStr, "signatureHeader": tStr, "mapping": strMap,
			"idempotencyKey": tStr, "upsertField": tStr, "enabled": tBool, "actor": tStr, "version": tInt}, "form", "name", "mapping"),
		"InboundHook":        obj(hook, "id", "form", "name"),
		"InboundHookList":    list("InboundHook"),
		"InboundHookCreated": obj(map[string]any{"hook": ref("InboundHook"), "token": tStr, "secret": tStr, "url": tStr}, "hook", "token", "url"),
		"InboundResult":      obj(map[string]any{"record": tStr, "action": map[string]any{"enum": []any{"created", "updated", "duplicate"}}}, "record", "action"),
		"InboundCall": obj(map[string]any{"id": tStr, "at": tTime, "payload": tStr, "ok": tBool, "result": ref("InboundResult"), "error": tStr,
			"errors": arr(obj(map[string]any{"path": tStr, "code": tStr, "params": tObj}))}, "id", "at", "ok"),
		"InboundCallList": list("InboundCall"),
	}
}
