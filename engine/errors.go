package engine

import (
	"errors"
	"fmt"

	"github.com/formloom/formloom/engine/field"
)

// Errors the engine returns; callers compare with errors.Is.
var (
	// ErrNotFound: the item does not exist in the actor's workspace.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the item changed since the caller read it (stale version).
	ErrConflict = errors.New("version conflict")
	// ErrForbidden: the actor may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid: the input is invalid; see *ValidationError for the fields.
	ErrInvalid = errors.New("invalid input")
	// ErrNotPublished: the form has no published version yet.
	ErrNotPublished = errors.New("form is not published")
)

// ValidationError lists every problem of one write or design, per field.
// It matches ErrInvalid.
type ValidationError struct {
	Fields []field.Error
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return "invalid input"
	}
	f := e.Fields[0]
	if len(e.Fields) == 1 {
		return fmt.Sprintf("invalid input: %s: %s", f.Path, f.Code)
	}
	return fmt.Sprintf("invalid input: %s: %s (and %d more)", f.Path, f.Code, len(e.Fields)-1)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

func invalid(errs ...field.Error) error { return &ValidationError{Fields: errs} }

func fieldErr(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

func wrapNotFound(kind, id string) error {
	return fmt.Errorf("%w: %s %q", ErrNotFound, kind, id)
}

// validationFields returns the field errors of a *ValidationError (nil for others).
func validationFields(err error) []field.Error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}
