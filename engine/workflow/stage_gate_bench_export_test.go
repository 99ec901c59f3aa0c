package workflow

import (
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
)

// GateCheckForBench returns the gate's check of a move from → to over
// data on version v, as the write pipeline runs it (cached pipeline, the
// expression input built only when the target stage has a condition), for
// BenchmarkStageGateCheck: the gate's own cost without the store.
func GateCheckForBench(s *Stages, v *engine.Version, a engine.Actor) func(from, to string, data map[string]any, created bool) []field.Error {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return func(from, to string, data map[string]any, created bool) []field.Error {
		c := s.pipeline(v)
		return c.gate(from, to, data, func() expr.Input { return v.ExprInput(a, data, nil, now, time.UTC) }, created)
	}
}
