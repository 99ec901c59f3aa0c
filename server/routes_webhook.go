package server

// webhookRoutes are the integrations endpoints: outbound endpoints and
// their delivery log (workspace admins), inbound hooks (admins), and the
// public receiver of inbound calls, authenticated by the hook's
// unguessable URL token (and optionally a signature), rate and size limited.
func (s *Server) webhookRoutes() []route {
	const ep = "/api/v1/webhooks/endpoints"
	const in = "/api/v1/webhooks/inbound"
	return []route{
		{method: "GET", path: "/api/v1/webhooks/events", access: authed, action: actRead, tag: "webhooks", op: "listWebhookEvents", summary: "Event types an endpoint can subscribe to (record events, form.published; any other outbox type by name, or a prefix such as alert.*).", resp: "WebhookEventList", h: s.listWebhookEvents},
		{method: "GET", path: ep, access: authed, action: actRead, tag: "webhooks", op: "listWebhookEndpoints", summary: "The workspace's outbound webhook endpoints (admins); secrets are never listed.", resp: "WebhookEndpointList", h: s.listWebhookEndpoints},
		{method: "POST", path: ep, access: authed, action: actAdmin, tag: "webhooks", op: "createWebhookEndpoint", summary: "Create an endpoint; the answer carries its whsec_ signing secret, shown this once.", req: "WebhookEndpointInput", resp: "WebhookEndpointCreated", status: 201, h: s.createWebhookEndpoint},
		{method: "GET", path: ep + "/:id", access: authed, action: actRead, tag: "webhooks", op: "getWebhookEndpoint", summary: "One endpoint.", resp: "WebhookEndpoint", h: s.getWebhookEndpoint},
		{method: "PUT", path: ep + "/:id", access: authed, action: actAdmin, tag: "webhooks", op: "updateWebhookEndpoint", summary: "Replace an endpoint's settings (version makes it a compare-and-set); enabled true after a disable clears the reason.", req: "WebhookEndpointInput", resp: "WebhookEndpoint", h: s.updateWebhookEndpoint},
		{method: "DELETE", path: ep + "/:id", access: authed, action: actAdmin, tag: "webhooks", op: "deleteWebhookEndpoint", summary: "Delete an endpoint; its pending deliveries fail.", h: s.deleteWebhookEndpoint},
		{method: "POST", path: ep + "/:id/rotate", access: authed, action: actAdmin, tag: "webhooks", op: "rotateWebhookSecret", summary: "Rotate the signing secret: the new one (shown once) signs at once, the old one keeps signing for graceHours (default 24, at most 168).", req: "WebhookRotateInput", resp: "WebhookEndpointCreated", h: s.rotateWebhookSecret},
		{method: "POST", path: ep + "/:id/test", access: authed, action: actAdmin, tag: "webhooks", op: "testWebhookEndpoint", summary: "Queue a webhook.test event to the endpoint.", resp: "WebhookDelivery", status: 202, h: s.testWebhookEndpoint},
		{method: "GET", path: ep + "/:id/deliveries", access: authed, action: actRead, tag: "webhooks", op: "listWebhookDeliveries", summary: "The endpoint's delivery log, newest first (kept 30 days).", query: []string{"status", "cursor", "limit"}, resp: "WebhookDeliveryPage", h: s.listWebhookDeliveries},
		{method: "POST", path: ep + "/:id/redeliver-failed", access: authed, action: actAdmin, tag: "webhooks", op: "redeliverFailedWebhooks", summary: "Queue again every failed delivery created in [from, to) (open bounds when absent), at most 1000.", req: "WebhookRedeliverRange", resp: "WebhookRedeliverResult", status: 202, h: s.redeliverFailedWebhooks},
		{method: "GET", path: "/api/v1/webhooks/deliveries/:id", access: authed, action: actRead, tag: "webhooks", op: "getWebhookDelivery", summary: "One delivery with its body and every attempt (request headers, response status, headers and body excerpt, duration, error).", resp: "WebhookDelivery", h: s.getWebhookDelivery},
		{method: "POST", path: "/api/v1/webhooks/deliveries/:id/redeliver", access: authed, action: actAdmin, tag: "webhooks", op: "redeliverWebhook", summary: "Queue a delivery again (same body and webhook-id).", resp: "WebhookDelivery", status: 202, h: s.redeliverWebhook},
		{method: "POST", path: "/api/v1/webhooks/check-filter", access: authed, action: actRead, tag: "webhooks", op: "checkWebhookFilter", summary: "Live check of a filter expression against a form.", req: "WebhookCheckInput", resp: "ExpressionResult", h: s.checkWebhookFilter},
		{method: "POST", path: "/api/v1/webhooks/check-mapping", access: authed, action: actRead, tag: "webhooks", op: "checkWebhookMapping", summary: "Live check of an inbound mapping expression (over payload and headers).", req: "WebhookCheckInput", resp: "ExpressionResult", h: s.checkWebhookMapping},

		{method: "GET", path: in, access: authed, action: actRead, tag: "webhooks", op: "listInboundHooks", summary: "The workspace's inbound hooks (admins); tokens and secrets are never listed.", resp: "InboundHookList", h: s.listInboundHooks},
		{method: "POST", path: in, access: authed, action: actAdmin, tag: "webhooks", op: "createInboundHook", summary: "Create an inbound hook for a form; the answer carries its URL token (and shared secret), shown this once.", req: "InboundHookInput", resp: "InboundHookCreated", status: 201, h: s.createInboundHook},
		{method: "PUT", path: in + "/:id", access: authed, action: actAdmin, tag: "webhooks", op: "updateInboundHook", summary: "Replace an inbound hook's mapping and settings (token and secret kept).", req: "InboundHookInput", resp: "InboundHook", h: s.updateInboundHook},
		{method: "DELETE", path: in + "/:id", access: authed, action: actAdmin, tag: "webhooks", op: "deleteInboundHook", summary: "Delete an inbound hook; its URL stops answering.", h: s.deleteInboundHook},
		{method: "POST", path: in + "/:id/rotate", access: authed, action: actAdmin, tag: "webhooks", op: "rotateInboundHook", summary: "Give an inbound hook a new URL token (and a new shared secret when it verifies signatures), shown this once, and switch it on; the old URL answers 404 at once. A hook installed from a template starts switched off with a token nobody has seen: this is how an admin gets one.", resp: "InboundHookCreated", h: s.rotateInboundHook},
		{method: "GET", path: in + "/:id/calls", access: authed, action: actRead, tag: "webhooks", op: "listInboundCalls", summary: "The hook's recent calls with payload, result, errors and record id (the mapping editor maps from them).", query: []string{"limit"}, resp: "InboundCallList", h: s.listInboundCalls},
		{method: "POST", path: "/api/v1/hooks/:id/:token", access: public, action: actWrite, tag: "webhooks", op: "receiveInboundHook", summary: "Inbound webhook receiver: public, authenticated by the hook's URL token (and its signature when configured); at most 256 KB, rate limited per hook. 200 with the record written, 422 with per-field errors (nothing written), 401 bad signature, 404 unknown hook or token, 413, 429.", req: "object", resp: "InboundResult", h: s.receiveInboundHook},
	}
}
