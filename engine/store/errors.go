package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors every backend returns (wrapped) and callers compare with errors.Is.
var (
	// ErrNotFound means the document, item or collection does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict means a compare-and-set on the version number failed.
	ErrConflict = errors.New("store: version conflict")
	// ErrDuplicate means a unique constraint was violated.
	ErrDuplicate = errors.New("store: duplicate key")
	// ErrInvalidFilter means a filter, sort, path, cursor or aggregate is malformed.
	ErrInvalidFilter = errors.New("store: invalid filter")
	// ErrUnsupported means the backend cannot do this correctly; see Capabilities.
	ErrUnsupported = errors.New("store: unsupported")
	// ErrInvalidInput means a document, name or argument is malformed.
	ErrInvalidInput = errors.New("store: invalid input")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store: closed")
)

// DuplicateError tells which unique index a write violated. It matches ErrDuplicate.
type DuplicateError struct {
	Collection string
	Index      string
	Fields     []string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("store: duplicate key in %s on (%s)", e.Collection, strings.Join(e.Fields, ", "))
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// FilterError describes why a filter was refused. It matches ErrInvalidFilter.
type FilterError struct {
	// Path locates the offending node, for example "and[1].or[0]".
	Path   string
	Reason string
}

func (e *FilterError) Error() string {
	if e.Path == "" {
		return "store: invalid filter: " + e.Reason
	}
	return "store: invalid filter at " + e.Path + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidFilter) true.
func (e *FilterError) Is(target error) bool { return target == ErrInvalidFilter }

func filterErr(path, format string, args ...any) error {
	return &FilterError{Path: path, Reason: fmt.Sprintf(format, args...)}
}
