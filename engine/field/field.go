package field

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// Error is one per-field validation problem. Path locates the value
// ("amount", "items[2].price", "address.city") or, for design problems, the
// property ("options[1].value", "fields[3].key"); Code is a message code of
// engine/i18n and Params fills its template.
type Error struct {
	Path   string         `json:"path"`
	Code   string         `json:"code"`
	Params map[string]any `json:"params,omitempty"`
}

// Error renders the problem for logs: "path: code".
func (e Error) Error() string {
	if e.Path == "" {
		return e.Code
	}
	return e.Path + ": " + e.Code
}

// Message renders the problem for people in lang ("zh-CN" or "en").
func (e Error) Message(lang string) string { return i18n.T(lang, e.Code, e.Params) }

// Context carries what normalization needs besides the field design.
type Context struct {
	// Location is the workspace time zone: dates are days there and local
	// date-times are read there. Nil means UTC.
	Location *time.Location
	// Now is the time of the write.
	Now time.Time
	// NewID makes the id of a new subform row. Nil uses 16 random hex digits.
	NewID func() string
	// Patterns caches compiled Pattern expressions of text fields. The
	// pipeline keeps one per published form version; nil compiles on every
	// call, which is correct but slower.
	Patterns *PatternCache
}

// loc returns the workspace zone, UTC when unset.
func (c Context) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// newID returns a fresh subform row id.
func (c Context) newID() string {
	if c.NewID != nil {
		return c.NewID()
	}
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	return hex.EncodeToString(b[:])
}

// Type is the behaviour of one field type. Implementations are stateless
// and safe for concurrent use; each registers itself at init.
type Type interface {
	// Name is the type identifier used in form designs ("text", "money").
	Name() string
	// CheckDesign validates the type-specific properties of a field design
	// (options of selects, precision, serial pattern, relation target,
	// subform fields, formula expression, min <= max, pattern syntax...).
	// Problems carry Path = property name and a Code.
	CheckDesign(f *form.Field) []Error
	// Schema returns the JSON Schema 2020-12 fragment of the stored value.
	// Every value is nullable: a missing or empty value is null.
	Schema(f *form.Field) map[string]any
	// Normalize converts client input (decoded JSON: nil, bool, float64 or
	// json.Number, string, []any, map[string]any; Go integers are accepted
	// too) into the stored value, or returns per-field errors located under
	// path. Empty input ("", nil, [], {}) normalizes to nil. Required-ness is
	// not checked here: the pipeline does it.
	Normalize(ctx Context, f *form.Field, path string, raw any) (any, []Error)
	// Input reports whether clients may send a value; false for formula,
	// serial and lookup, which the engine computes.
	Input() bool
	// ExprType is the type of the field's value inside expressions.
	ExprType(f *form.Field) expr.Type
	// ExprValue converts a stored value into the expression value (dates to
	// time.Time in ctx.Location, money to its amount...). Nil stays nil.
	ExprValue(ctx Context, f *form.Field, stored any) any
	// Operators lists the filter operators that make sense on the field
	// (a field, not only a type: a Multiple relation is a list). The slice
	// is shared: callers must not modify it.
	Operators(f *form.Field) []store.Op
	// Format renders a stored value for display in lang ("zh-CN" or "en").
	Format(ctx Context, f *form.Field, stored any, lang string) string
	// ToCell renders a stored value for a CSV or Excel cell, in a form
	// FromCell reads back to the same value.
	ToCell(ctx Context, f *form.Field, stored any) string
	// FromCell reads an imported cell into the stored value; it is more
	// lenient than Normalize (option labels, "是"/"否", "15%", lists
	// separated by commas) because people type cells by hand.
	FromCell(ctx Context, f *form.Field, path string, cell string) (any, []Error)
}

// registry holds every field type; it is filled by Register at init and
// read-only afterwards.
var registry = map[string]Type{}

// Register adds a field type. It is called from init and panics on an empty
// or duplicate name.
func Register(t Type) {
	name := t.Name()
	if name == "" {
		panic("field: register: empty type name")
	}
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("field: register: type %q registered twice", name))
	}
	registry[name] = t
}

// Get returns the registered type called name.
func Get(name string) (Type, bool) {
	t, ok := registry[name]
	return t, ok
}

// Names returns the registered type identifiers, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// PatternCache holds compiled Pattern expressions of text fields, keyed by
// pattern. It is safe for concurrent use. Patterns come from published
// designs, so the set is bounded by the designs a process serves.
type PatternCache struct {
	mu sync.RWMutex
	m  map[string]*regexp.Regexp
}

// NewPatternCache returns an empty cache.
func NewPatternCache() *PatternCache { return &PatternCache{m: map[string]*regexp.Regexp{}} }

// compilePattern compiles a design pattern anchored to the whole value.
func compilePattern(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(`^(?:` + p + `)$`)
	if err != nil {
		return nil, fmt.Errorf("field: pattern %q: %w", p, err)
	}
	return re, nil
}

// pattern returns the compiled pattern p, from the cache when there is one.
func (c Context) pattern(p string) (*regexp.Regexp, error) {
	pc := c.Patterns
	if pc == nil {
		return compilePattern(p)
	}
	pc.mu.RLock()
	re, ok := pc.m[p]
	pc.mu.RUnlock()
	if ok {
		return re, nil
	}
	re, err := compilePattern(p)
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	pc.m[p] = re
	pc.mu.Unlock()
	return re, nil
}

// ValuePather is implemented by field types whose comparable value sits
// below the stored value: the store indexes, sorts and filters on that path
// (money: "amount" of {"amount", "currency"}).
type ValuePather interface {
	ValuePath() string
}
