package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Collections of approval flows.
const (
	collFlows        = "wf_flows"
	collFlowVersions = "wf_flow_versions"
	collInstances    = "wf_instances"
	collTasks        = "wf_tasks"
)

// DueTimers plans and cancels the due times of nodes. cmd implements it over
// engine/jobs (a capability may not import another); the job it plans
// runs Service.HandleDue with the payload.
type DueTimers interface {
	Plan(ctx context.Context, id string, due time.Time, workspace string, payload map[string]any) error
	Cancel(ctx context.Context, id string) error
}

// ApprovalOptions configures Approvals.
type ApprovalOptions struct {
	// Timers runs due times; nil disables them (nodes with a due time
	// still run, nothing happens when it passes).
	Timers DueTimers
	// Logger receives the service's logs; nil means slog.Default().
	Logger *slog.Logger
}

// Approvals runs approval flows over an engine.
type Approvals struct {
	e      *engine.Engine
	st     store.Store
	timers DueTimers
	log    *slog.Logger
	// versions caches compiled flow versions by "<flow>.<n>"; they are
	// immutable, so the cache never needs invalidation.
	versions sync.Map
}

// NewApprovals returns the approval service over e and declares the indexes of its collections.
func NewApprovals(ctx context.Context, e *engine.Engine, opts ApprovalOptions) (*Approvals, error) {
	s := &Approvals{e: e, st: e.Store(), timers: opts.Timers, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	idx := map[string][]store.Index{
		collFlows:        {{Name: "ws_form", Fields: []store.SortKey{{Field: "workspace"}, {Field: "form"}}}},
		collFlowVersions: {{Name: "flow_version", Fields: []store.SortKey{{Field: "flow"}, {Field: "version"}}, Unique: true}},
		collInstances: {
			{Name: "ws_initiator", Fields: []store.SortKey{{Field: "workspace"}, {Field: "initiator"}, {Field: "started"}}},
			{Name: "record", Fields: []store.SortKey{{Field: "form"}, {Field: "record"}, {Field: "started"}}},
		},
		collTasks: {
			{Name: "inbox", Fields: []store.SortKey{{Field: "workspace"}, {Field: "assignee"}, {Field: "box"}, {Field: "at"}}},
			{Name: "instance", Fields: []store.SortKey{{Field: "instance"}}},
		},
	}
	for coll, list := range idx {
		if err := s.st.EnsureIndexes(ctx, coll, list); err != nil {
			return nil, fmt.Errorf("workflow: declare indexes of %s: %w", coll, err)
		}
	}
	return s, nil
}

// Engine returns the engine the service runs on.
func (s *Approvals) Engine() *engine.Engine { return s.e }

// toMap turns a value into the store's JSON value model.
func encodeDoc(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("workflow: encode %T: %v", v, err)) // our own types always encode
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// encodeJSON is v as JSON text: tasks are stored so, since an inbox page
// decodes many and one Unmarshal of a string is the cheapest decode.
func encodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("workflow: encode %T: %v", v, err)) // our own types always encode
	}
	return string(b)
}

// decodeDoc decodes a stored map into v.
func decodeDoc(m any, v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func docStr(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// invalid is a validation error of field errors.
func invalidFlow(errs ...field.Error) error { return &engine.ValidationError{Fields: errs} }

func flowErr(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

// mapErr turns store errors into engine errors.
func storeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: %v", engine.ErrNotFound, err)
	case errors.Is(err, store.ErrConflict):
		return fmt.Errorf("%w: %v", engine.ErrConflict, err)
	}
	return err
}

// scoped reads a live document of coll and checks it belongs to ws.
func (s *Approvals) scoped(ctx context.Context, coll, ws, id string) (store.Document, error) {
	if store.ValidateID(id) != nil {
		return store.Document{}, fmt.Errorf("%w: %s %q", engine.ErrNotFound, coll, id)
	}
	d, err := s.st.Get(ctx, coll, id)
	if err != nil {
		return store.Document{}, storeErr(err)
	}
	if docStr(d.Data, "workspace") != ws || d.DeletedAt != nil {
		return store.Document{}, fmt.Errorf("%w: %s %q", engine.ErrNotFound, coll, id)
	}
	return d, nil
}

// findAll pages through every live document of coll matching f.
func (s *Approvals) findAll(ctx context.Context, coll string, f store.Filter, sort []store.SortKey) ([]store.Document, error) {
	var out []store.Document
	q := store.Query{Filter: &f, Sort: sort, Limit: store.MaxPageSize}
	for {
		p, err := s.st.Find(ctx, coll, q)
		if err != nil {
			return nil, storeErr(err)
		}
		out = append(out, p.Docs...)
		if p.NextCursor == "" {
			return out, nil
		}
		q.After = p.NextCursor
	}
}

// system is the workflow acting for itself in ws (trusted reads, the
// system's own decisions).
func systemActor(ws string) engine.Actor {
	return engine.Actor{UserID: "system", Name: "system", Workspace: ws, Role: engine.RoleAdmin, Source: engine.SourceWorkflow}
}

// versionID names the document of version n of flow.
func versionID(flow string, n int) string { return flow + "." + strconv.Itoa(n) }

// notification is the engine's, named here for brevity.
type notification = engine.Notification
