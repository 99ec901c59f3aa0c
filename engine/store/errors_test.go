package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

func TestErrorsMatchSentinels(t *testing.T) {
	var err error = &store.DuplicateError{Collection: "c", Index: "i", Fields: []string{"a", "b"}}
	if !errors.Is(err, store.ErrDuplicate) || errors.Is(err, store.ErrConflict) {
		t.Errorf("DuplicateError matching is wrong")
	}
	if !strings.Contains(err.Error(), "c") || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("DuplicateError message %q does not name collection and fields", err)
	}
	wrapped := errors.Join(errors.New("context"), err)
	var de *store.DuplicateError
	if !errors.As(wrapped, &de) || de.Index != "i" {
		t.Errorf("wrapped DuplicateError not found")
	}
	fe := &store.FilterError{Path: "and[0]", Reason: "bad"}
	if !errors.Is(fe, store.ErrInvalidFilter) || fe.Error() != "store: invalid filter at and[0]: bad" {
		t.Errorf("FilterError = %q", fe)
	}
	if (&store.FilterError{Reason: "bad"}).Error() != "store: invalid filter: bad" {
		t.Errorf("FilterError without path renders wrong")
	}
}
