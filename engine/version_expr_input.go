package engine

import (
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// ExprInput converts a record's stored values (new, and old before the
// change; nil for none) into the input of an expression compiled against
// the version's Env, for capabilities that evaluate conditions after commit
// (a webhook filter, for example) the way the write pipeline does.
func (v *Version) ExprInput(data, old map[string]any, loc *time.Location, now time.Time) expr.Input {
	ctx := field.Context{Location: loc, Now: now}
	in := expr.Input{New: v.exprValues(ctx, data), Old: map[string]any{}, Now: now, Location: loc}
	if old != nil {
		in.Old = v.exprValues(ctx, old)
	}
	return in
}
