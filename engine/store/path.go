package store

import (
	"fmt"
	"strings"
)

// System fields every document has. They are addressed by these names in
// filters, sorts, indexes and aggregates; user data keys never start with "_".
const (
	FieldID        = "_id"
	FieldVersion   = "_version"
	FieldCreatedAt = "_created_at"
	FieldUpdatedAt = "_updated_at"
	FieldCreatedBy = "_created_by"
	FieldUpdatedBy = "_updated_by"
	FieldDeletedAt = "_deleted_at"
)

// SystemFields lists the system field names.
var SystemFields = []string{FieldID, FieldVersion, FieldCreatedAt, FieldUpdatedAt, FieldCreatedBy, FieldUpdatedBy, FieldDeletedAt}

// MaxPathSegments bounds the nesting of a field path.
const MaxPathSegments = 8

// IsSystemField reports whether name is one of SystemFields.
func IsSystemField(name string) bool {
	for _, f := range SystemFields {
		if f == name {
			return true
		}
	}
	return false
}

// ValidKey reports whether s is a valid data key or collection name:
// ^[a-z][a-z0-9_]{0,62}$.
func ValidKey(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// SplitPath validates a field path and returns its segments. A path is either
// a system field or one or more data keys joined by "." ("customer.name",
// "items.price"); a segment that crosses an array matches when any element
// matches. Segments must be valid keys, so "$", NUL, empty segments and
// other punctuation are refused.
func SplitPath(path string) ([]string, error) {
	if IsSystemField(path) {
		return []string{path}, nil
	}
	if path == "" {
		return nil, fmt.Errorf("%w: empty field path", ErrInvalidFilter)
	}
	segs := strings.Split(path, ".")
	if len(segs) > MaxPathSegments {
		return nil, fmt.Errorf("%w: field path %q is nested deeper than %d", ErrInvalidFilter, truncate(path), MaxPathSegments)
	}
	for _, s := range segs {
		if !ValidKey(s) {
			return nil, fmt.Errorf("%w: field path %q: segment %q must match ^[a-z][a-z0-9_]{0,62}$", ErrInvalidFilter, truncate(path), truncate(s))
		}
	}
	return segs, nil
}

// ValidateCollection checks a collection name.
func ValidateCollection(name string) error {
	if !ValidKey(name) {
		return fmt.Errorf("%w: collection name %q must match ^[a-z][a-z0-9_]{0,62}$", ErrInvalidInput, truncate(name))
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
