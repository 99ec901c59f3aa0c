package expr

import (
	"errors"
	"strings"

	"github.com/formloom/formloom/engine/i18n"
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
// Column are 1-based and count characters (runes), not bytes. Code is the
// coarse category above; Key is the message code (an i18n code, see
// error_map.go) and Params its parameters, line and column included, so the
// message can be rendered in the reader's language. Message is the English
// rendering; Localize renders another language.
type Diagnostic struct {
	Line    int            `json:"line"`
	Column  int            `json:"column"`
	Message string         `json:"message"`
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Params  map[string]any `json:"params,omitempty"`
}

// String returns the English message, which starts with the position.
func (d Diagnostic) String() string { return d.Message }

// Localize returns d with its Message rendered in lang ("zh-CN", "en" or
// any tag i18n understands).
func (d Diagnostic) Localize(lang string) Diagnostic {
	d.Message = i18n.T(lang, d.Key, d.Params)
	return d
}

// newDiagnostic builds a diagnostic at line:column with the message key and
// its parameters; the position joins the parameters.
func newDiagnostic(line, column int, code, key string, params map[string]any) Diagnostic {
	p := make(map[string]any, len(params)+2)
	for k, v := range params {
		p[k] = v
	}
	p["line"], p["column"] = line, column
	d := Diagnostic{Line: line, Column: column, Code: code, Key: key, Params: p}
	d.Message = i18n.T(i18n.En, key, p)
	return d
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
