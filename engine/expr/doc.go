// Package expr is the one expression language of Formloom: default values,
// formula fields, show/hide and required-if rules, submit rules, and later
// workflow branches, automation triggers, alert and webhook filters.
//
// It is built on github.com/expr-lang/expr. Expressions are compiled once
// against a typed environment (the form's fields, old, new, user, now,
// changed and a spreadsheet-style function library), so a misuse is a
// compile error with line and column. Compiled programs are immutable, safe
// for concurrent use and run with limits on size, nodes, memory and work.
// See docs/expressions.md for the language reference.
package expr
