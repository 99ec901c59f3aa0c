package store

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// TimeLayout is how times are stored and compared: UTC with fixed-width
// microseconds, so that the text order is the time order on every backend.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// FormatTime renders t in TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a time written by FormatTime (or any RFC 3339 time).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q is not an RFC 3339 time", ErrInvalidInput, truncate(s))
	}
	return t.UTC(), nil
}

// Document is one stored item. Data holds JSON values only: nil, bool,
// float64, string, []any and map[string]any (numbers always read back as
// float64; time.Time values are written as TimeLayout strings). Top-level
// keys of Data are valid keys; nested keys are 1 to 128 characters without
// '.', NUL or a leading '$' (field paths in filters reach only nested keys
// that are valid keys).
type Document struct {
	ID        string
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	CreatedBy string
	UpdatedBy string
	// DeletedAt is set while the document is in the recycle bin.
	DeletedAt *time.Time
	Data      map[string]any
}

// Limits a backend enforces on a document.
const (
	MaxDocumentBytes = 4 << 20
	MaxIDLength      = 128
	maxValueDepth    = 32
)

// ValidateID checks a document id: 1..128 printable ASCII characters other than space.
func ValidateID(id string) error {
	if id == "" || len(id) > MaxIDLength {
		return fmt.Errorf("%w: id must be 1 to %d characters", ErrInvalidInput, MaxIDLength)
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return fmt.Errorf("%w: id %q contains a character other than printable ASCII", ErrInvalidInput, truncate(id))
		}
	}
	return nil
}

// NormalizeData returns a copy of data in the canonical JSON value model
// (ints become float64, time.Time becomes a TimeLayout string, json.Number is
// parsed) or an ErrInvalidInput error naming the offending key.
func NormalizeData(data map[string]any) (map[string]any, error) {
	if data == nil {
		return map[string]any{}, nil
	}
	v, err := normalizeValue(data, "", 0, true)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// NormalizeValue converts one value to the canonical JSON value model.
func NormalizeValue(v any) (any, error) { return normalizeValue(v, "", 0, false) }

func normalizeValue(v any, at string, depth int, checkKeys bool) (any, error) {
	if depth > maxValueDepth {
		return nil, fmt.Errorf("%w: value at %q is nested deeper than %d", ErrInvalidInput, at, maxValueDepth)
	}
	switch x := v.(type) {
	case nil, bool, string:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%w: value at %q is not a finite number", ErrInvalidInput, at)
		}
		return x, nil
	case float32:
		return normalizeValue(float64(x), at, depth, checkKeys)
	case int:
		return float64(x), nil
	case int8:
		return float64(x), nil
	case int16:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint:
		return float64(x), nil
	case uint8:
		return float64(x), nil
	case uint16:
		return float64(x), nil
	case uint32:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("%w: value at %q is not a number", ErrInvalidInput, at)
		}
		return normalizeValue(f, at, depth, checkKeys)
	case time.Time:
		return FormatTime(x), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalizeValue(e, fmt.Sprintf("%s[%d]", at, i), depth+1, checkKeys)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, nil
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalizeValue(e, fmt.Sprintf("%s[%d]", at, i), depth+1, checkKeys)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p := k
			if at != "" {
				p = at + "." + k
			}
			if checkKeys && depth == 0 && !ValidKey(k) {
				return nil, fmt.Errorf("%w: key %q must match ^[a-z][a-z0-9_]{0,62}$", ErrInvalidInput, truncate(p))
			}
			if checkKeys && depth > 0 && !validNestedKey(k) {
				return nil, fmt.Errorf("%w: key %q must be 1 to 128 characters without '.', NUL or a leading '$'", ErrInvalidInput, truncate(p))
			}
			n, err := normalizeValue(e, p, depth+1, checkKeys)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w: value at %q has unsupported type %T", ErrInvalidInput, at, v)
	}
}

func validNestedKey(k string) bool {
	if k == "" || len(k) > 128 || k[0] == '$' || !utf8.ValidString(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] == '.' || k[i] == 0 {
			return false
		}
	}
	return true
}
