// Package automation runs automations and alert rules: designs per form of
// a trigger, a condition and ordered actions, published as immutable
// versions and run after commit by an outbox consumer of the background
// runtime (engine/jobs), by its timers (date-relative triggers, alert
// escalation) and by cron timers (scheduled triggers and silence scans).
//
// Every write an action makes goes through the engine's one write pipeline
// as the automation's configured actor, with Actor.Source = automation and
// a WriteOptions.Chain that stops loops. Each run is logged (kept 30 days);
// dry runs show what a run would do without writing; replays re-run the
// past events of a time range, idempotent by (version, event).
//
// See docs/automations.md for the design model, the JSON shapes and the
// HTTP API.
package automation
