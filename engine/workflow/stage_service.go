package workflow

import (
	"context"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// collTransitions holds every stage transition of every form: one document
// per move, indexed for funnels (per form and stage over time) and for a
// record's timeline.
const collTransitions = "workflow_stage_transitions"

// EventStageChanged is the outbox event of a stage transition; its payload
// is StageChangedPayload (docs/events.md).
const EventStageChanged = "workflow.stage_changed"

// StageChangedPayloadVersion is the version of StageChangedPayload.
const StageChangedPayloadVersion = 1

// Stages runs stage pipelines: it checks their designs when a form version
// is published, enforces their gates inside every record write and keeps
// the transition history. Create it with NewStages and Bind it to the
// engine once, when the program is wired.
type Stages struct {
	e     *engine.Engine
	st    store.Store
	cache *lru.Cache[versionKey, *compiled]
	// gated caches, per current form version, the numbers of the form's
	// versions with a pipeline (RecordHistory's entry of a record's create).
	gated *lru.Cache[versionKey, map[int]bool]
}

type versionKey struct {
	form string
	n    int
}

// noPipeline marks a cached version without a pipeline.
var noPipeline = &compiled{}

// NewStages returns the stage service of e and declares its indexes.
func NewStages(ctx context.Context, e *engine.Engine) (*Stages, error) {
	c, err := lru.New[versionKey, *compiled](1024)
	if err != nil {
		return nil, err
	}
	gated, err := lru.New[versionKey, map[int]bool](1024)
	if err != nil {
		return nil, err
	}
	s := &Stages{e: e, st: e.Store(), cache: c, gated: gated}
	idx := []store.Index{
		{Name: "record_at", Fields: []store.SortKey{{Field: "record"}, {Field: "at"}}},
		{Name: "form_at", Fields: []store.SortKey{{Field: "form"}, {Field: "at"}}},
		{Name: "form_to_at", Fields: []store.SortKey{{Field: "form"}, {Field: "to"}, {Field: "at"}}},
		{Name: "form_from_at", Fields: []store.SortKey{{Field: "form"}, {Field: "from"}, {Field: "at"}}},
		// The funnels' exact history figures (engine/report): per source
		// stage, the moves into a lost stage and the average duration of
		// a form's transitions, grouped from this index in its order
		// without reading the transitions (it holds every key those
		// aggregates read; its two leading equalities make SQLite prefer
		// it to form_from_at, which made it fetch every transition:
		// docs/performance.md, "Shared aggregates").
		{Name: "form_ws_from", Fields: []store.SortKey{{Field: "form"}, {Field: "workspace"}, {Field: "from"}, {Field: "to_flag"}, {Field: "duration_ms"}}},
	}
	if err := s.st.EnsureIndexes(ctx, collTransitions, idx); err != nil {
		return nil, fmt.Errorf("workflow: declare indexes of %s: %w", collTransitions, err)
	}
	return s, nil
}

// Bind registers the pipeline as a form design extension (checked at
// publish), the gate on the engine's RecordWriting hook and the event
// variable automations see for workflow.stage_changed (event_vars.go).
func (s *Stages) Bind() error {
	if err := s.e.RegisterDefinitionExtension(engine.DefinitionExtension{Name: ExtensionName, Check: checkExtension}); err != nil {
		return err
	}
	if _, ok := s.e.EventVariables().Lookup(EventStageChanged); !ok {
		if err := registerStageVariable(s.e); err != nil {
			return err
		}
	}
	s.e.OnRecordWriting().BindFunc(s.onWriting)
	return nil
}

// pipeline returns the compiled pipeline of v (nil when it has none),
// compiled once per form version: the hot path of a write reads no store.
func (s *Stages) pipeline(v *engine.Version) *compiled {
	k := versionKey{v.Form, v.Number}
	if c, ok := s.cache.Get(k); ok {
		if c == noPipeline {
			return nil
		}
		return c
	}
	c := noPipeline
	if p, err := PipelineOf(v.Def); err == nil && p != nil {
		// The design was checked at publish; a version that no longer
		// compiles (it cannot: versions are immutable) has no gates.
		if cc, errs := compile(v, *p); len(errs) == 0 {
			c = cc
		}
	}
	s.cache.Add(k, c)
	if c == noPipeline {
		return nil
	}
	return c
}
