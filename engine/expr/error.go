package expr

import (
	"errors"
	"fmt"
	"strings"
)

// Diagnostic codes carried by Diagnostic.Code, stable for the editor.
const (
	CodeSyntax       = "syntax"        // the source does not parse
	CodeUnknownName  = "unknown_name"  // a name, field, function or member that does not exist
	CodeTypeMismatch = "type_mismatch" // wrong argument, operand or result type
	CodeTooLong      = "too_long"      // the source exceeds MaxSourceBytes
	CodeTooComplex   = "too_complex"   // the source exceeds MaxNodes
	CodeReservedName = "reserved_name" // a let variable or field key uses a reserved name
	CodeUnsupported  = "unsupported"   // a construct the language refuses, such as a dynamic regexp
)

// ErrLimit reports that a run exceeded its memory or work budget. Run errors
// wrap it, so callers test with errors.Is.
var ErrLimit = errors.New("expression exceeded its run-time budget")

// Diagnostic is one compile problem, positioned for the editor. Line and
// Column are 1-based and count characters (runes), not bytes.
type Diagnostic struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// String formats the diagnostic as "line:column: message".
func (d Diagnostic) String() string {
	return fmt.Sprintf("%d:%d: %s", d.Line, d.Column, d.Message)
}

// Error is the compile error returned by Compile.
type Error struct {
	Diagnostics []Diagnostic
}

// Error joins the diagnostics into one message.
func (e *Error) Error() string {
	parts := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		parts[i] = d.String()
	}
	return "expr: " + strings.Join(parts, "; ")
}
