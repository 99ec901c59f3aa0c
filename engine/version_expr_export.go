package engine

import (
	"time"

	"github.com/formloom/formloom/engine/field"
)

// ExprValues converts a record's stored field values into the values the
// expressions of v see (dates as times in loc, money as numbers, …), for
// capabilities that run their own expressions over a record after commit
// (workflow branch conditions). Fields v does not know are left out; a
// field of v missing from data is nil.
func (v *Version) ExprValues(data map[string]any, loc *time.Location, now time.Time) map[string]any {
	return v.exprValues(field.Context{Location: loc, Now: now}, data)
}

// ExprErrors turns an expression compile error into field errors at path,
// with the same codes and parameters a form design's expressions get, so
// a capability's designer shows them the same way.
func ExprErrors(path string, err error) []field.Error { return exprErrors(path, err) }
