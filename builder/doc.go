// Package builder holds Formloom's design-time services over the engine:
// drafts, checking a design against the field registry and the expression
// language, live expression checks for the editor, publishing a draft into
// an immutable version, and diffs between versions.
package builder
