// Package access decides who may do what in a workspace: it is the one
// place of authorization decisions. The engine core asks it through the
// engine.Authorizer interface (wired by cmd), and every engine operation,
// the builder and the auth service ask before they act.
//
// A workspace admin may do everything. The admins of an app design its
// forms, manage their permission sets and reach all their records. Anyone
// else takes record actions as a form's permission sets grant them: the
// sets that apply to a member (by everyone, role, department or name) are
// compiled into one engine.Decision per action, with a row filter (the OR
// of the sets' rows, placeholders resolved) and a field mask (hidden and
// read-only fields). Unknown actions are refused, so a new action is
// closed until a rule here opens it.
//
// Decisions, permission sets and the organisation are cached per
// workspace for at most DefaultTTL; the engine calls Invalidate after it
// commits a change that affects them (docs/permissions.md, "engine/access:
// compiling and caching").
package access
