package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Transition is one stage change of a record.
type Transition struct {
	ID       string `json:"id"`
	Form     string `json:"form"`
	Record   string `json:"record"`
	Field    string `json:"field"`
	From     string `json:"from"`
	To       string `json:"to"`
	FromFlag string `json:"fromFlag,omitempty"`
	ToFlag   string `json:"toFlag,omitempty"`
	At       string `json:"at"`
	By       string `json:"by"`
	ByName   string `json:"byName,omitempty"`
	Source   string `json:"source"`
	// DurationMS is the time spent in From, in milliseconds (absent for
	// the first stage of a record).
	DurationMS  *int64   `json:"durationMs,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
	FormVersion int      `json:"formVersion"`
	// Created marks the record's entry into the stage it was created in,
	// derived from the record (a create stores no transition): it has no
	// ID, ByName, Source or FormVersion.
	Created bool `json:"created,omitempty"`
}

func transitionFrom(d store.Document) Transition {
	t := Transition{ID: d.ID, Form: str(d.Data, "form"), Record: str(d.Data, "record"), Field: str(d.Data, "field"),
		From: str(d.Data, "from"), To: str(d.Data, "to"), FromFlag: str(d.Data, "from_flag"), ToFlag: str(d.Data, "to_flag"),
		At: str(d.Data, "at"), By: str(d.Data, "by"), ByName: str(d.Data, "by_name"), Source: str(d.Data, "source")}
	if n, ok := d.Data["duration_ms"].(float64); ok {
		ms := int64(n)
		t.DurationMS = &ms
	}
	if n, ok := d.Data["probability"].(float64); ok {
		t.Probability = &n
	}
	if n, ok := d.Data["form_version"].(float64); ok {
		t.FormVersion = int(n)
	}
	return t
}

// MaxHistory bounds the transitions RecordHistory returns.
const MaxHistory = 500

// RecordHistory lists a record's stage transitions, oldest first, starting
// with its entry into the stage it was created in (see createdEntry). A
// record the actor cannot see is ErrNotFound.
func (s *Stages) RecordHistory(ctx context.Context, a engine.Actor, formID, recordID string) ([]Transition, error) {
	r, err := s.e.Record(ctx, a, formID, recordID)
	if err != nil {
		return nil, err
	}
	page, err := s.st.Find(ctx, collTransitions, store.Query{
		Filter: &store.Filter{Field: "record", Op: store.OpEq, Value: recordID},
		Sort:   []store.SortKey{{Field: "at"}}, Limit: MaxHistory})
	if err != nil {
		return nil, err
	}
	out := make([]Transition, 0, len(page.Docs)+1)
	for _, d := range page.Docs {
		if str(d.Data, "form") == formID && str(d.Data, "workspace") == a.Workspace {
			out = append(out, transitionFrom(d))
		}
	}
	v, err := s.e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	t, ok := createdEntry(formID, s.pipeline(v), r, out)
	if !ok {
		return out, nil
	}
	if gated, err := s.createdGated(ctx, a, v, r.ID); err != nil || !gated {
		return out, err
	}
	return append([]Transition{t}, out...), nil
}

// createdGated reports whether record id was created with a version of its
// form that had a pipeline, so its create went through the gate and is its
// entry into its first stage. A record created before the form had one has
// no such entry, as when creates stored their transition. v is the form's
// current version.
func (s *Stages) createdGated(ctx context.Context, a engine.Actor, v *engine.Version, id string) (bool, error) {
	n, err := s.e.CreatedWith(ctx, a, v.Form, id)
	if err != nil || n == 0 {
		return false, err
	}
	if n == v.Number {
		return s.pipeline(v) != nil, nil
	}
	gated, err := s.pipelineVersions(ctx, a, v)
	if err != nil {
		return false, err
	}
	return gated[n], nil
}

// pipelineVersions lists the numbers of the form's published versions that
// have a pipeline. It reads the versions once per current version
// (versions are immutable; a new one changes the key).
func (s *Stages) pipelineVersions(ctx context.Context, a engine.Actor, v *engine.Version) (map[int]bool, error) {
	k := versionKey{v.Form, v.Number}
	if g, ok := s.gated.Get(k); ok {
		return g, nil
	}
	vs, err := s.e.Versions(ctx, a, v.Form)
	if err != nil {
		return nil, err
	}
	g := map[int]bool{}
	for _, vi := range vs {
		if p, err := PipelineOf(vi.Definition); err == nil && p != nil {
			g[vi.Number] = true
		}
	}
	s.gated.Add(k, g)
	return g, nil
}

// createdEntry derives a record's entry into the stage it was created in:
// a create stores no transition, so the entry is the record's created_at
// and creator, and the stage it held before its first stored move (its
// current stage when it never moved). A record whose first stored
// transition starts from "" has its entry already (it was written before
// creates stopped storing one, or it was created without a stage). c is
// the form's current pipeline (nil when it has none), which gives the
// stage's probability; ok is false when there is no entry.
func createdEntry(formID string, c *compiled, r engine.Record, stored []Transition) (t Transition, ok bool) {
	t = Transition{Form: formID, Record: r.ID, At: store.FormatTime(r.CreatedAt), By: r.CreatedBy, Created: true}
	switch {
	case len(stored) > 0:
		t.Field, t.To, t.ToFlag = stored[0].Field, stored[0].From, stored[0].FromFlag
	case c != nil:
		t.Field = c.p.Field
		t.To, _ = r.Data[c.p.Field].(string)
		if _, ok := c.index[t.To]; !ok {
			return Transition{}, false // no stage, or an option that is none
		}
		t.ToFlag = c.flag(t.To)
	}
	if t.To == "" {
		return Transition{}, false
	}
	if c != nil && t.Field == c.p.Field {
		if i, ok := c.index[t.To]; ok {
			t.Probability = c.p.Stages[i].Probability
		}
	}
	return t, true
}

// TransitionQuery selects transitions of a form: by target and source
// stage, and by time (Since inclusive, Until exclusive), newest first.
type TransitionQuery struct {
	From, To     string
	Since, Until time.Time
	Limit        int
	Cursor       string
}

// TransitionPage is a page of transitions.
type TransitionPage struct {
	Items      []Transition `json:"items"`
	NextCursor string       `json:"nextCursor,omitempty"`
}

// Filter returns the store filter of q over formID's transitions, for the
// dashboards' aggregates (funnels: group by "to"; time in stage: average
// "duration_ms" grouped by "from"; velocity: count by "at" bucket). The
// transitions are the stored moves of existing records: a create stores
// none, so an aggregate that needs the records' entries into their first
// stage counts the records (by created_at and stage) as well.
func (q TransitionQuery) Filter(ws, formID string) store.Filter {
	and := []store.Filter{store.Where("form", store.OpEq, formID), store.Where("workspace", store.OpEq, ws)}
	if q.From != "" {
		and = append(and, store.Where("from", store.OpEq, q.From))
	}
	if q.To != "" {
		and = append(and, store.Where("to", store.OpEq, q.To))
	}
	if !q.Since.IsZero() {
		and = append(and, store.Where("at", store.OpGte, store.FormatTime(q.Since)))
	}
	if !q.Until.IsZero() {
		and = append(and, store.Where("at", store.OpLt, store.FormatTime(q.Until)))
	}
	return store.And(and...)
}

// Collection is the store collection of transitions, for the dashboards'
// aggregates (see TransitionQuery.Filter for the document's keys).
func (s *Stages) Collection() string { return collTransitions }

// Transitions lists a form's stored transitions, the moves of existing
// records (a create stores none; see RecordHistory), for reports. It
// needs the history permission over every record of the form: a
// transition of a record the actor cannot see would tell about it.
func (s *Stages) Transitions(ctx context.Context, a engine.Actor, formID string, q TransitionQuery) (TransitionPage, error) {
	if err := s.mayReadAll(ctx, a, formID); err != nil {
		return TransitionPage{}, err
	}
	f := q.Filter(a.Workspace, formID)
	page, err := s.st.Find(ctx, collTransitions, store.Query{Filter: &f,
		Sort: []store.SortKey{{Field: "at", Desc: true}}, Limit: q.Limit, After: q.Cursor})
	if err != nil {
		if errors.Is(err, store.ErrInvalidFilter) {
			return TransitionPage{}, &engine.ValidationError{Fields: []field.Error{{Path: "cursor", Code: engine.CodeFilter, Params: map[string]any{"reason": err.Error()}}}}
		}
		return TransitionPage{}, err
	}
	out := TransitionPage{Items: make([]Transition, 0, len(page.Docs)), NextCursor: page.NextCursor}
	for _, d := range page.Docs {
		out.Items = append(out.Items, transitionFrom(d))
	}
	return out, nil
}

func (s *Stages) mayReadAll(ctx context.Context, a engine.Actor, formID string) error {
	d, err := s.e.Authorize(ctx, a, engine.ActRecordHistory, engine.Resource{Form: formID})
	if err != nil {
		return err
	}
	if d.Rows != nil {
		return fmt.Errorf("%w: the stage history of a form needs access to all of its records", engine.ErrForbidden)
	}
	return nil
}

// StageCount is the number of live records the actor sees in one stage.
type StageCount struct {
	Stage       string   `json:"stage"`
	Label       string   `json:"label"`
	Flag        string   `json:"flag"`
	Probability *float64 `json:"probability,omitempty"`
	Count       int64    `json:"count"`
}

// Summary counts the form's live records per stage, over the records the
// actor may see (their view rows are part of each count); records with no
// stage are counted under Stage "".
func (s *Stages) Summary(ctx context.Context, a engine.Actor, formID string) ([]StageCount, error) {
	v, err := s.e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	c := s.pipeline(v)
	if c == nil {
		return []StageCount{}, nil
	}
	count := func(f store.Filter) (int64, error) {
		page, err := s.e.QueryRecords(ctx, a, formID, engine.RecordQuery{Filter: &f, Limit: 1, Total: true})
		if err != nil || page.Total == nil {
			return 0, err
		}
		return *page.Total, nil
	}
	var out []StageCount
	for _, st := range c.p.Stages {
		n, err := count(store.Where(c.p.Field, store.OpEq, st.Value))
		if err != nil {
			return nil, err
		}
		out = append(out, StageCount{Stage: st.Value, Label: c.stageLabel(st.Value), Flag: c.flag(st.Value), Probability: st.Probability, Count: n})
	}
	n, err := count(store.Where(c.p.Field, store.OpEmpty, true))
	if err != nil {
		return nil, err
	}
	out = append(out, StageCount{Stage: "", Count: n})
	return out, nil
}

// CheckMove lists the gates a move of a record to stage `to` would fail,
// as the write would report them (per-field errors), without writing: the
// stage bar shows them before the user saves. An empty list means the move
// would pass the gates (other rules of the form still apply).
func (s *Stages) CheckMove(ctx context.Context, a engine.Actor, formID, recordID, to string) ([]field.Error, error) {
	v, err := s.e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	r, err := s.e.Record(ctx, a, formID, recordID)
	if err != nil {
		return nil, err
	}
	c := s.pipeline(v)
	if c == nil {
		return []field.Error{}, nil
	}
	from, _ := r.Data[c.p.Field].(string)
	if from == to {
		return []field.Error{}, nil
	}
	data := make(map[string]any, len(r.Data)+1)
	for k, val := range r.Data {
		data[k] = val
	}
	data[c.p.Field] = to
	loc, err := s.e.Location(ctx, a.Workspace)
	if err != nil {
		return nil, err
	}
	in := func() expr.Input { return v.ExprInput(a, data, r.Data, s.e.Now(), loc) }
	errs := c.gate(from, to, data, in, false)
	if errs == nil {
		errs = []field.Error{}
	}
	return errs, nil
}
