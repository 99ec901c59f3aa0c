// Package jobs runs the work that happens after a commit: consumers of the
// outbox with durable checkpoints, at least once, in order per document,
// with retries, backoff and dead letters. It imports engine/store only.
//
// A consumer is a named handler of some event types, registered in code at
// start-up. Its position in the outbox (the checkpoint) and the lease that
// lets one process at a time run it live in the store, so a restarted or
// other process takes over where the last one stopped. Within one batch of
// events, the events of one document are handled one after another, in
// outbox order, and different documents run in parallel up to the
// consumer's concurrency. A handler that fails is retried with exponential
// backoff and jitter; after MaxAttempts the event becomes a dead letter
// (kept, listed, retriable, discardable) and the document's later events go
// on. A panic in a handler counts as a failure. Handlers are told the event
// id and the attempt, and must be idempotent: after a crash, the events
// after the last checkpoint are delivered again.
package jobs
