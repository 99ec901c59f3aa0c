package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// ExtensionName is the key of the stage pipeline in a form design's
// Extensions: the pipeline is published with the form version, so a record
// written with version N is checked against N's pipeline.
const ExtensionName = "stages"

// Transition rules of a pipeline.
const (
	// TransitionsForward allows moves to a later stage, and from an open
	// stage to any closed one; a closed stage is left only by a pipeline
	// with TransitionsAny or an explicit list.
	TransitionsForward = "forward"
	// TransitionsAny allows every move.
	TransitionsAny = "any"
	// TransitionsList allows the moves each stage lists in Next.
	TransitionsList = "list"
)

// Stage flags.
const (
	FlagOpen = "open"
	FlagWon  = "won"
	FlagLost = "lost"
)

// Pipeline is a form's stage pipeline: ordered stages over one select
// field. It is pure data, kept in form.Definition.Extensions["stages"].
type Pipeline struct {
	// Field is the key of the select field whose value is the stage.
	Field string `json:"field"`
	// Transitions is "forward" (default), "any" or "list".
	Transitions string `json:"transitions,omitempty"`
	// EnteredAtField, when set, is a datetime field the pipeline stamps
	// with the time the record entered its current stage, so expressions
	// (DATEDIF(stage_entered_at, NOW(), "D") > 14) and store filters read
	// the days in the stage.
	EnteredAtField string `json:"enteredAtField,omitempty"`
	// Stages in order; each names an option of Field.
	Stages []Stage `json:"stages"`
}

// Stage is one stage of a pipeline.
type Stage struct {
	// Value is the option value of the select field.
	Value string `json:"value"`
	// Probability of winning in this stage, 0 to 100.
	Probability *float64 `json:"probability,omitempty"`
	// Forecast is the forecast category: pipeline, best_case, commit,
	// closed or omitted.
	Forecast string `json:"forecast,omitempty"`
	// Flag is open (default), won or lost; won and lost stages are closed.
	Flag string `json:"flag,omitempty"`
	// Required lists the fields that must have a value to enter the stage.
	Required []string `json:"required,omitempty"`
	// Condition must be true to enter the stage (an expression over the
	// record as it would be stored); Message says why, in zh-CN and en.
	Condition string            `json:"condition,omitempty"`
	Message   map[string]string `json:"message,omitempty"`
	// Guidance and Checklist help the user in the stage.
	Guidance  string   `json:"guidance,omitempty"`
	Checklist []string `json:"checklist,omitempty"`
	// Next lists the stages this one may move to (TransitionsList only).
	Next []string `json:"next,omitempty"`
}

// Forecast categories.
var forecasts = map[string]bool{"": true, "pipeline": true, "best_case": true, "commit": true, "closed": true, "omitted": true}

// Limits of a pipeline design.
const (
	MaxStages        = 30
	MaxChecklist     = 30
	MaxGuidanceBytes = 4 << 10
)

// Closed reports whether the stage ends the pipeline (won or lost).
func (s Stage) Closed() bool { return s.Flag == FlagWon || s.Flag == FlagLost }

// compiled is a pipeline checked against one form version.
type compiled struct {
	p       Pipeline
	label   map[string]string // option value -> label
	index   map[string]int
	conds   []*expr.Program
	next    []map[string]bool
	fieldLb map[string]string // field key -> label
}

// PipelineOf returns the pipeline of a form design, or nil when it has none.
func PipelineOf(def form.Definition) (*Pipeline, error) {
	raw, ok := def.Extensions[ExtensionName]
	if !ok || len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var p Pipeline
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("workflow: stage pipeline: %w", err)
	}
	return &p, nil
}

// Check validates a pipeline against a compiled form version; the paths
// of the problems are relative to the pipeline ("stages[2].condition").
func Check(v *engine.Version, p Pipeline) []field.Error {
	_, errs := compile(v, p)
	return errs
}

// checkExtension is the engine.DefinitionExtension check of "stages".
func checkExtension(v *engine.Version, raw json.RawMessage) []field.Error {
	var p Pipeline
	if err := json.Unmarshal(raw, &p); err != nil {
		return []field.Error{{Path: "", Code: CodeStageDesign, Params: map[string]any{"reason": err.Error()}}}
	}
	return Check(v, p)
}

func compile(v *engine.Version, p Pipeline) (*compiled, []field.Error) {
	var errs []field.Error
	bad := func(path, code string, params map[string]any) {
		errs = append(errs, field.Error{Path: path, Code: code, Params: params})
	}
	c := &compiled{p: p, label: map[string]string{}, index: map[string]int{}, fieldLb: map[string]string{}}
	for _, k := range v.Keys() {
		f, _ := v.Field(k)
		c.fieldLb[k] = f.Label
	}
	sf, ok := v.Field(p.Field)
	switch {
	case p.Field == "":
		bad("field", engine.CodeRequired, nil)
		return nil, errs
	case !ok:
		bad("field", engine.CodeUnknownField, map[string]any{"field": p.Field})
		return nil, errs
	case sf.Type != "select":
		bad("field", CodeStageFieldType, map[string]any{"field": p.Field})
		return nil, errs
	}
	for _, o := range sf.Options {
		c.label[o.Value] = o.Label
	}
	switch p.Transitions {
	case "", TransitionsForward, TransitionsAny, TransitionsList:
	default:
		bad("transitions", CodeStageTransitions, map[string]any{"value": p.Transitions})
	}
	if p.EnteredAtField != "" {
		f, ok := v.Field(p.EnteredAtField)
		switch {
		case !ok:
			bad("enteredAtField", engine.CodeUnknownField, map[string]any{"field": p.EnteredAtField})
		case f.Type != "datetime":
			bad("enteredAtField", CodeStageEnteredAtType, map[string]any{"field": p.EnteredAtField})
		}
	}
	if len(p.Stages) == 0 {
		bad("stages", engine.CodeRequired, nil)
	}
	if len(p.Stages) > MaxStages {
		bad("stages", CodeStageTooMany, map[string]any{"max": MaxStages})
		return nil, errs
	}
	for i, s := range p.Stages {
		at := fmt.Sprintf("stages[%d]", i)
		if _, ok := c.label[s.Value]; !ok {
			bad(at+".value", CodeStageUnknownOption, map[string]any{"value": s.Value, "field": p.Field})
		}
		if _, dup := c.index[s.Value]; dup {
			bad(at+".value", CodeStageDuplicate, map[string]any{"value": s.Value})
		}
		c.index[s.Value] = i
		if s.Probability != nil && (*s.Probability < 0 || *s.Probability > 100) {
			bad(at+".probability", engine.CodeRange, map[string]any{"min": 0, "max": 100})
		}
		if !forecasts[s.Forecast] {
			bad(at+".forecast", CodeStageForecast, map[string]any{"value": s.Forecast})
		}
		switch s.Flag {
		case "", FlagOpen, FlagWon, FlagLost:
		default:
			bad(at+".flag", CodeStageFlag, map[string]any{"value": s.Flag})
		}
		for j, k := range s.Required {
			if _, ok := v.Field(k); !ok {
				bad(fmt.Sprintf("%s.required[%d]", at, j), engine.CodeUnknownField, map[string]any{"field": k})
			}
		}
		if len(s.Guidance) > MaxGuidanceBytes {
			bad(at+".guidance", engine.CodeMaxLength, map[string]any{"max": MaxGuidanceBytes})
		}
		if len(s.Checklist) > MaxChecklist {
			bad(at+".checklist", CodeStageTooMany, map[string]any{"max": MaxChecklist})
		}
		var prog *expr.Program
		if strings.TrimSpace(s.Condition) != "" {
			pr, err := expr.Compile(s.Condition, v.Env(), expr.Bool)
			if err != nil {
				errs = append(errs, exprErrors(at+".condition", err)...)
			} else {
				prog = pr
			}
			if strings.TrimSpace(s.Message["zh-CN"]) == "" && strings.TrimSpace(s.Message["en"]) == "" {
				bad(at+".message", engine.CodeRequired, nil)
			}
		}
		c.conds = append(c.conds, prog)
	}
	for i, s := range p.Stages {
		next := map[string]bool{}
		for j, n := range s.Next {
			if _, ok := c.index[n]; !ok {
				bad(fmt.Sprintf("stages[%d].next[%d]", i, j), CodeStageUnknownOption, map[string]any{"value": n, "field": p.Field})
			}
			next[n] = true
		}
		c.next = append(c.next, next)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// exprErrors turns a compile error into per-path errors like the form's own
// expressions (the code is the diagnostic's key, with line and column).
func exprErrors(path string, err error) []field.Error {
	var ee *expr.Error
	if !errors.As(err, &ee) || len(ee.Diagnostics) == 0 {
		return []field.Error{{Path: path, Code: engine.CodeExpression, Params: map[string]any{"reason": err.Error()}}}
	}
	out := make([]field.Error, len(ee.Diagnostics))
	for i, d := range ee.Diagnostics {
		params := map[string]any{"kind": d.Code}
		for k, val := range d.Params {
			params[k] = val
		}
		out[i] = field.Error{Path: path, Code: d.Key, Params: params}
	}
	return out
}

// stageLabel is the option label of a stage value (the value when unknown).
func (c *compiled) stageLabel(v string) string {
	if l := c.label[v]; l != "" {
		return l
	}
	return v
}

// flag returns the flag of stage v ("" when v is no stage of the pipeline).
func (c *compiled) flag(v string) string {
	i, ok := c.index[v]
	if !ok {
		return ""
	}
	if f := c.p.Stages[i].Flag; f != "" {
		return f
	}
	return FlagOpen
}
