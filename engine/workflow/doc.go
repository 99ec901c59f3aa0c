// Package workflow runs the engine's workflows: stage pipelines (ordered
// stages over a select field, with gates enforced inside every record
// write, a transition history and workflow.stage_changed events; see
// stage.go and docs/workflows.md) and approval flows. It is a capability:
// it imports the engine core, which never imports it.
package workflow
