package workflow

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// StageDesign is a form's stage pipeline as people see it: the pipeline of
// the current published version (what writes obey) and, for designers, the
// one in the draft with its problems (published with the next version).
type StageDesign struct {
	// Published is the current version's pipeline (nil: none).
	Published *Pipeline `json:"published"`
	// FormVersion is the current published version (0 before the first).
	FormVersion int `json:"formVersion"`
	// Draft is the draft's pipeline; DraftVersion the form's version to
	// send back when saving; Problems what publishing would refuse. They
	// are set only for an actor who may design the form.
	Draft        *Pipeline     `json:"draft,omitempty"`
	DraftVersion int64         `json:"draftVersion,omitempty"`
	Problems     []field.Error `json:"problems,omitempty"`
	// Labels name the stage field's options and the form's fields, for
	// a stage bar that has not read the form.
	Stages []StageView `json:"stages,omitempty"`
}

// StageView is one stage of the published pipeline with its option label.
type StageView struct {
	Stage
	Label string `json:"label"`
}

// Design returns the form's stage pipeline (see StageDesign). Anyone who
// may view the form's records reads the published pipeline.
func (s *Stages) Design(ctx context.Context, a engine.Actor, formID string) (StageDesign, error) {
	var out StageDesign
	v, err := s.e.CurrentVersion(ctx, a, formID)
	switch {
	case err == nil:
		if _, err := s.e.Authorize(ctx, a, engine.ActRecordView, engine.Resource{Form: formID}); err != nil {
			if !s.mayDesign(ctx, a, formID) {
				return StageDesign{}, err
			}
		}
		out.FormVersion = v.Number
		if c := s.pipeline(v); c != nil {
			p := c.p
			out.Published = &p
			for _, st := range p.Stages {
				out.Stages = append(out.Stages, StageView{Stage: st, Label: c.stageLabel(st.Value)})
			}
		}
	case errors.Is(err, engine.ErrNotFound) || !s.mayDesign(ctx, a, formID):
		return StageDesign{}, err
	}
	// Not published yet (err != nil): a designer sees the draft below.
	if !s.mayDesign(ctx, a, formID) {
		return out, nil
	}
	f, err := s.e.Form(ctx, a, formID)
	if err != nil {
		return StageDesign{}, err
	}
	out.DraftVersion = f.Version
	p, err := PipelineOf(f.Draft)
	if err != nil {
		out.Problems = []field.Error{{Code: CodeStageDesign, Params: map[string]any{"reason": err.Error()}}}
		return out, nil
	}
	out.Draft = p
	if p != nil {
		out.Problems = checkDraft(f, *p)
	}
	return out, nil
}

func (s *Stages) mayDesign(ctx context.Context, a engine.Actor, formID string) bool {
	_, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{Form: formID})
	return err == nil
}

// checkDraft checks p against the draft's fields (when the draft itself
// compiles; its own problems are the form designer's to show).
func checkDraft(f engine.Form, p Pipeline) []field.Error {
	def := f.Draft
	def.Extensions = nil
	v, err := engine.Compile(def, nil)
	if err != nil {
		return nil
	}
	return Check(v, p)
}

// SaveDesign puts p (nil removes the pipeline) into the form's draft
// (designers only); it is published with the form's next version, like
// every other part of the design. draftVersion is the form version the
// caller read (StageDesign.DraftVersion): a draft changed since is
// ErrConflict. Problems of p against the draft's fields are refused as a
// *ValidationError whose paths point into the pipeline.
func (s *Stages) SaveDesign(ctx context.Context, a engine.Actor, formID string, p *Pipeline, draftVersion int64) (StageDesign, error) {
	if _, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{Form: formID}); err != nil {
		return StageDesign{}, err
	}
	f, err := s.e.Form(ctx, a, formID)
	if err != nil {
		return StageDesign{}, err
	}
	def := f.Draft
	ext := map[string]json.RawMessage{}
	for k, v := range def.Extensions {
		ext[k] = v
	}
	if p == nil {
		delete(ext, ExtensionName)
	} else {
		if errs := checkDraft(f, *p); len(errs) > 0 {
			return StageDesign{}, &engine.ValidationError{Fields: errs}
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return StageDesign{}, err
		}
		ext[ExtensionName] = raw
	}
	if len(ext) == 0 {
		ext = nil
	}
	def.Extensions = ext
	if _, err := s.e.SaveDraft(ctx, a, formID, engine.FormInput{Name: f.Name, Description: f.Description, Definition: def}, draftVersion); err != nil {
		return StageDesign{}, err
	}
	return s.Design(ctx, a, formID)
}
