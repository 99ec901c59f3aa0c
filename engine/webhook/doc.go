// Package webhook is the integrations capability: outbound webhooks (a
// workspace's endpoints, signed per the Standard Webhooks specification,
// delivered from the outbox at least once and in order per record per
// endpoint, with retries, a delivery log and redelivery, behind an SSRF
// guard applied when dialing) and inbound webhooks (a public URL per hook
// whose payload is mapped to a form's fields by expressions and written
// through the engine's write pipeline with Source webhook).
//
// The flow of an outbound event:
//
//	outbox ─► fan-out consumer (jobs.Consumer "webhooks") ─► one delivery
//	document + one queue item per matching endpoint (same unit of work)
//	─► the delivery loop claims items (store queue keyed by endpoint and
//	record, so one record's deliveries to one endpoint go in order and a
//	retry keeps its place) ─► signed POST through the guarded client ─►
//	attempt logged; success acks, failure re-queues with backoff.
//
// The package may use net/http (the only engine package allowed to: the
// layering test); it never imports server, and builds the payload's record
// view from engine APIs with the endpoint's actor, so field masks apply.
package webhook
