package expr

import (
	"slices"
	"sync"
	"time"
)

// Limits applied to every expression. They are constants so a design that
// compiles on one server compiles on every other.
const (
	// MaxSourceBytes is the longest source accepted by Compile.
	MaxSourceBytes = 4 << 10
	// MaxNodes is the largest syntax tree accepted by Compile.
	MaxNodes = 1000
	// MaxMemory is the memory budget of one run, in expr-lang units
	// (roughly one per element of a list or map the expression builds).
	MaxMemory = 20_000
	// MaxWork is the work budget of one run: each element a list function
	// or closure walks costs one, each 16 bytes of text a function reads
	// cost one, each library call costs one.
	MaxWork = 10_000
	// MaxTextBytes is the longest text an expression may build.
	MaxTextBytes = 64 << 10
	// MaxWriteWork is the work budget shared by all expression runs of one
	// record write (see Budget): every run costs the size of its syntax
	// tree plus the work it does, so a form cannot make one write cost
	// more than about 25 full-size expressions running at their MaxWork.
	MaxWriteWork = 250_000
)

// Env is the typed environment of an expression: the fields of the form by
// key. A subform is ListOf(ObjectOf(row fields)), a relation Text or
// ListOf(Text), a date Date, a datetime DateTime, money Number.
type Env struct {
	Fields map[string]Type
	// Options holds the choices of select and multiselect fields by key.
	// Comparing such a field with a text literal that is not one of its
	// option values is a compile error (see compile_options.go).
	Options map[string][]Option
}

// Option is one choice of a select field as expressions see it: the stored
// Value and the Label users read.
type Option struct {
	Value string
	Label string
}

// Input is what one run of a program sees. Field values are already
// expression values: string, float64, bool, time.Time, []any,
// map[string]any, and nil for empty.
type Input struct {
	// New is the record being written; its keys are also the bare names.
	New map[string]any
	// Old is the stored record before the write; nil on create.
	Old map[string]any
	// User is the acting user: id, name, email, departments, roles.
	User map[string]any
	// Now is the current instant; zero means time.Now().
	Now time.Time
	// Location is the workspace time zone; nil means UTC.
	Location *time.Location
	// Budget, when set, is shared by the runs of one write; nil leaves
	// only the per-run limits.
	Budget *Budget
}

// Names the environment adds next to the field keys.
const (
	nameNew     = "new"
	nameOld     = "old"
	nameUser    = "user"
	nameNow     = "now"
	nameChanged = "changed"
	// ctxName is the hidden variable carrying the run state; it contains a
	// space so no source text can name it.
	ctxName = "fl ctx"
)

// userType is the type of the user variable.
var userType = ObjectOf(map[string]Type{
	"id":          Text,
	"name":        Text,
	"email":       Text,
	"departments": ListOf(Text),
	"roles":       ListOf(Text),
})

// keywords are the words of expr-lang's grammar.
var keywords = []string{
	"true", "false", "nil", "not", "and", "or", "in", "matches", "contains",
	"startsWith", "endsWith", "let", "if", "else", "$env",
}

// ReservedNames returns the names form design must refuse as field keys:
// the environment names, the library functions, the enabled builtins and
// the keywords. The slice is a fresh copy, sorted.
func ReservedNames() []string {
	names := []string{nameNew, nameOld, nameUser, nameNow, nameChanged, "IF", "AND", "OR", "NOT"}
	names = append(names, keywords...)
	for name := range library {
		if !isHidden(name) {
			names = append(names, name)
		}
	}
	for name := range allowedBuiltins {
		names = append(names, name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// IsReserved reports whether name may not be used as a field key or a let
// variable. Every compile asks it, so the names are a set built once (the
// library is complete when the package's init functions have run).
func IsReserved(name string) bool {
	reservedOnce.Do(func() {
		reservedSet = map[string]bool{}
		for _, n := range ReservedNames() {
			reservedSet[n] = true
		}
	})
	return reservedSet[name]
}

var (
	reservedOnce sync.Once
	reservedSet  map[string]bool
)
