// Package workflow holds Formloom's two kinds of user-defined workflow over
// the records of a form. It is a capability: it imports the engine core,
// engine/store, engine/jobs and engine/expr, never another capability, and
// the core never imports it; cmd/formloom wires it.
//
// Stage pipelines (stage*.go) move a record through ordered stages of one
// select field, with gates enforced inside the write pipeline through the
// RecordWriting hook, and keep the history of every transition.
//
// Approval flows (flow*.go, node*.go, instance*.go, task*.go) are
// versioned graphs attached to a form: start, end, approver (any, all or a
// vote), handler, CC, condition branches and parallel branches with a
// join. A draft is validated and published as an immutable version; an
// instance runs on the version it started with. Nodes create tasks for
// resolved assignees; deciding a task is a versioned write of the
// instance, so two deciders never both win; due times run on engine/jobs
// timers; every step commits an approval.* outbox event. Per-node field
// permissions are enforced on the edits assignees make through the write
// pipeline and on the record the task API returns. docs/workflows.md
// describes both parts and the HTTP API.
package workflow
