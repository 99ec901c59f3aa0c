// Package access decides who may do what in a workspace: it is the one
// place of authorization decisions. The engine core asks it through the
// engine.Authorizer interface (wired by cmd), and every engine operation,
// the builder and the auth service ask before they act.
//
// Today the decision is by workspace role: an admin may do everything, a
// member may do every record action and nothing that designs or manages
// the workspace. engine.Decision already carries the slots the permissions
// capability fills per (form version, member): a row filter and a field
// allowlist. Unknown actions are refused, so a new action is closed until
// a rule here opens it.
package access
