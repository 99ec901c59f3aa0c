package engine

import (
	"time"

	"github.com/formloom/formloom/engine/field"
)

// ExprValues converts a record's stored field values into the values
// expressions compiled against v.Env() see (dates as time.Time, empty
// fields as nil), in the workspace's time zone loc at the instant now.
// Capabilities that evaluate their own expressions over records
// (automations, workflows) use it, so they read a record exactly as
// the form's formulas do.
func (v *Version) ExprValues(loc *time.Location, now time.Time, data map[string]any) map[string]any {
	if loc == nil {
		loc = time.UTC
	}
	return v.exprValues(field.Context{Location: loc, Now: now}, data)
}
