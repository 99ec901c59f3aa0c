package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// designAllowed checks a may design the flows of form, returning its app.
func (s *Approvals) designAllowed(ctx context.Context, a engine.Actor, formID string) (string, error) {
	app, err := s.e.FormApp(ctx, a.Workspace, formID)
	if err != nil {
		return "", err
	}
	if a.Workspace == "" || a.UserID == "" {
		return "", engine.ErrForbidden
	}
	if _, err := s.e.Authorize(ctx, a, engine.ActFormDesign, engine.Resource{App: app, Form: formID}); err != nil {
		return "", err
	}
	return app, nil
}

func checkFlowInput(in FlowInput) error {
	var errs []field.Error
	name := strings.TrimSpace(in.Name)
	if name == "" {
		errs = append(errs, flowErr("name", engine.CodeRequired, nil))
	} else if len([]rune(name)) > 100 {
		errs = append(errs, flowErr("name", "max_length", map[string]any{"max": 100}))
	}
	if in.Fallback != "" && in.Fallback != FallbackAdmins && in.Fallback != FallbackAutoApprove {
		errs = append(errs, flowErr("fallback", CodeFallback, map[string]any{"value": in.Fallback}))
	}
	if len(in.Draft.Nodes) > maxNodes || len(in.Draft.Edges) > 2*maxNodes {
		errs = append(errs, flowErr("draft", "max_items", map[string]any{"max": maxNodes}))
	}
	if len(errs) > 0 {
		return invalidFlow(errs...)
	}
	return nil
}

func flowData(ws, form, app string, in FlowInput, published int) map[string]any {
	enabled := in.Enabled == nil || *in.Enabled
	if in.Fallback == "" {
		in.Fallback = FallbackAdmins
	}
	if in.Draft.Nodes == nil {
		in.Draft.Nodes = []Node{}
	}
	if in.Draft.Edges == nil {
		in.Draft.Edges = []Edge{}
	}
	return map[string]any{"workspace": ws, "form": form, "app": app, "name": strings.TrimSpace(in.Name),
		"description": in.Description, "start_on_create": in.StartOnCreate, "fallback": in.Fallback,
		"enabled": enabled, "draft": encodeDoc(in.Draft), "published": published}
}

func flowFrom(d store.Document) Flow {
	f := Flow{ID: d.ID, Form: docStr(d.Data, "form"), App: docStr(d.Data, "app"), Name: docStr(d.Data, "name"),
		Description: docStr(d.Data, "description"), Fallback: docStr(d.Data, "fallback"), Version: d.Version,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	f.StartOnCreate, _ = d.Data["start_on_create"].(bool)
	f.Enabled, _ = d.Data["enabled"].(bool)
	n, _ := d.Data["published"].(float64)
	f.Published = int(n)
	_ = decodeDoc(d.Data["draft"], &f.Draft)
	return f
}

// CreateFlow adds a flow to a form with its first draft (form designers).
func (s *Approvals) CreateFlow(ctx context.Context, a engine.Actor, formID string, in FlowInput) (Flow, error) {
	app, err := s.designAllowed(ctx, a, formID)
	if err != nil {
		return Flow{}, err
	}
	if err := checkFlowInput(in); err != nil {
		return Flow{}, err
	}
	id := store.NewID()
	res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpInsert, Collection: collFlows, Doc: store.Document{ID: id, Data: flowData(a.Workspace, formID, app, in, 0)}}},
		Events: []store.Event{flowEvent(EventFlowSaved, a.Workspace, id, formID, app, 0)}})
	if err != nil {
		return Flow{}, storeErr(err)
	}
	return flowFrom(res.Docs[0]), nil
}

// Flows lists the flows of a form, by name (members who may see the form).
func (s *Approvals) Flows(ctx context.Context, a engine.Actor, formID string) ([]Flow, error) {
	if _, err := s.e.Form(ctx, a, formID); err != nil {
		return nil, err
	}
	docs, err := s.findAll(ctx, collFlows, store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("form", store.OpEq, formID)), []store.SortKey{{Field: "name"}})
	if err != nil {
		return nil, err
	}
	out := make([]Flow, len(docs))
	for i, d := range docs {
		out[i] = flowFrom(d)
	}
	return out, nil
}

// Flow returns one flow with its draft.
func (s *Approvals) Flow(ctx context.Context, a engine.Actor, id string) (Flow, error) {
	d, err := s.scoped(ctx, collFlows, a.Workspace, id)
	if err != nil {
		return Flow{}, err
	}
	f := flowFrom(d)
	if _, err := s.e.Form(ctx, a, f.Form); err != nil {
		return Flow{}, err
	}
	return f, nil
}

// SaveFlow replaces a flow's draft and settings (form designers); in.Version
// is the version read, and a flow saved since is ErrConflict. Drafts may be
// incomplete: publish checks them.
func (s *Approvals) SaveFlow(ctx context.Context, a engine.Actor, id string, in FlowInput) (Flow, error) {
	d, err := s.scoped(ctx, collFlows, a.Workspace, id)
	if err != nil {
		return Flow{}, err
	}
	f := flowFrom(d)
	if _, err := s.designAllowed(ctx, a, f.Form); err != nil {
		return Flow{}, err
	}
	if in.Version < 1 {
		return Flow{}, invalidFlow(flowErr("version", engine.CodeRequired, nil))
	}
	if err := checkFlowInput(in); err != nil {
		return Flow{}, err
	}
	if in.StartOnCreate && (in.Enabled == nil || *in.Enabled) {
		if err := s.oneStartOnCreate(ctx, a.Workspace, f.Form, id); err != nil {
			return Flow{}, err
		}
	}
	res, err := s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpUpdate, Collection: collFlows, ExpectVersion: in.Version,
			Doc: store.Document{ID: id, Data: flowData(a.Workspace, f.Form, f.App, in, f.Published)}}},
		Events: []store.Event{flowEvent(EventFlowSaved, a.Workspace, id, f.Form, f.App, f.Published)}})
	if err != nil {
		return Flow{}, storeErr(err)
	}
	return flowFrom(res.Docs[0]), nil
}

// oneStartOnCreate refuses a second enabled start-on-create flow of a form.
func (s *Approvals) oneStartOnCreate(ctx context.Context, ws, form, except string) error {
	flows, err := s.findAll(ctx, collFlows, store.And(store.Where("workspace", store.OpEq, ws), store.Where("form", store.OpEq, form)), nil)
	if err != nil {
		return err
	}
	for _, d := range flows {
		if f := flowFrom(d); f.ID != except && f.StartOnCreate && f.Enabled {
			return invalidFlow(flowErr("startOnCreate", "flow_start_on_create_taken", map[string]any{"name": f.Name}))
		}
	}
	return nil
}

// DeleteFlow moves a flow to the recycle bin (form designers); running
// instances go on with their version.
func (s *Approvals) DeleteFlow(ctx context.Context, a engine.Actor, id string) error {
	d, err := s.scoped(ctx, collFlows, a.Workspace, id)
	if err != nil {
		return err
	}
	f := flowFrom(d)
	if _, err := s.designAllowed(ctx, a, f.Form); err != nil {
		return err
	}
	_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID,
		Writes: []store.Write{{Op: store.OpSoftDelete, Collection: collFlows, Doc: store.Document{ID: id}, ExpectVersion: d.Version}},
		Events: []store.Event{flowEvent(EventFlowDeleted, a.Workspace, id, f.Form, f.App, f.Published)}})
	return storeErr(err)
}

// Validate checks a design (the flow's draft when d is nil) against the
// form's current version and returns its problems (none: valid).
func (s *Approvals) Validate(ctx context.Context, a engine.Actor, id string, d *FlowDesign) ([]field.Error, error) {
	f, err := s.Flow(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.designAllowed(ctx, a, f.Form); err != nil {
		return nil, err
	}
	if d == nil {
		d = &f.Draft
	}
	v, err := s.e.VersionOf(ctx, a.Workspace, f.Form)
	if err != nil {
		return nil, err
	}
	_, errs := validateFlow(*d, f.Fallback, v)
	return errs, nil
}

// Publish validates the draft and stores it as the flow's next immutable
// version (form designers). An invalid draft is a *ValidationError.
func (s *Approvals) Publish(ctx context.Context, a engine.Actor, id string) (FlowVersion, error) {
	for attempt := 0; ; attempt++ {
		fv, err := s.publish(ctx, a, id)
		if errors.Is(err, engine.ErrConflict) && attempt < 3 {
			continue
		}
		return fv, err
	}
}

func (s *Approvals) publish(ctx context.Context, a engine.Actor, id string) (FlowVersion, error) {
	d, err := s.scoped(ctx, collFlows, a.Workspace, id)
	if err != nil {
		return FlowVersion{}, err
	}
	f := flowFrom(d)
	if _, err := s.designAllowed(ctx, a, f.Form); err != nil {
		return FlowVersion{}, err
	}
	v, err := s.e.VersionOf(ctx, a.Workspace, f.Form)
	if err != nil {
		return FlowVersion{}, err
	}
	c, errs := validateFlow(f.Draft, f.Fallback, v)
	if len(errs) > 0 {
		return FlowVersion{}, invalidFlow(errs...)
	}
	n := f.Published + 1
	fv := FlowVersion{Flow: id, Version: n, FormVersion: v.Number, Name: f.Name, Fallback: f.Fallback,
		StartOnCreate: f.StartOnCreate, FlowDesign: f.Draft, PublishedAt: s.e.Now().UTC(), PublishedBy: a.UserID}
	data := d.Data
	next := make(map[string]any, len(data))
	for k, val := range data {
		next[k] = val
	}
	next["published"] = n
	_, err = s.st.Commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{
		{Op: store.OpUpdate, Collection: collFlows, ExpectVersion: d.Version, Doc: store.Document{ID: id, Data: next}},
		{Op: store.OpInsert, Collection: collFlowVersions, Doc: store.Document{ID: versionID(id, n),
			Data: map[string]any{"workspace": a.Workspace, "flow": id, "version": n, "doc": encodeDoc(fv)}}},
	}, Events: []store.Event{flowEvent(EventFlowPublished, a.Workspace, id, f.Form, f.App, n)}})
	if err != nil {
		return FlowVersion{}, storeErr(err)
	}
	s.versions.Store(versionID(id, n), &loadedVersion{FlowVersion: fv, c: c})
	return fv, nil
}

// Versions lists a flow's published versions, newest first (without designs).
func (s *Approvals) Versions(ctx context.Context, a engine.Actor, id string) ([]FlowVersion, error) {
	if _, err := s.Flow(ctx, a, id); err != nil {
		return nil, err
	}
	docs, err := s.findAll(ctx, collFlowVersions, store.Where("flow", store.OpEq, id), []store.SortKey{{Field: "version", Desc: true}})
	if err != nil {
		return nil, err
	}
	out := make([]FlowVersion, 0, len(docs))
	for _, d := range docs {
		var fv FlowVersion
		if err := decodeDoc(d.Data["doc"], &fv); err != nil {
			return nil, err
		}
		fv.FlowDesign = FlowDesign{}
		out = append(out, fv)
	}
	return out, nil
}

// Version returns version n of a flow with its design.
func (s *Approvals) Version(ctx context.Context, a engine.Actor, id string, n int) (FlowVersion, error) {
	if _, err := s.Flow(ctx, a, id); err != nil {
		return FlowVersion{}, err
	}
	lv, err := s.loadVersion(ctx, a.Workspace, id, n)
	if err != nil {
		return FlowVersion{}, err
	}
	return lv.FlowVersion, nil
}

// loadedVersion is a published flow version compiled for running.
type loadedVersion struct {
	FlowVersion
	c *compiledFlow
}

// loadVersion returns version n of flow compiled, from the cache.
func (s *Approvals) loadVersion(ctx context.Context, ws, flow string, n int) (*loadedVersion, error) {
	key := versionID(flow, n)
	if lv, ok := s.versions.Load(key); ok {
		return lv.(*loadedVersion), nil
	}
	d, err := s.scoped(ctx, collFlowVersions, ws, key)
	if err != nil {
		return nil, err
	}
	lv := &loadedVersion{}
	if err := decodeDoc(d.Data["doc"], &lv.FlowVersion); err != nil {
		return nil, fmt.Errorf("workflow: decode %s: %w", key, err)
	}
	// Conditions compile against the form's current version: a field
	// removed since publishing reads as empty.
	lv.c = &compiledFlow{design: lv.FlowDesign}
	if v, err := s.e.VersionOf(ctx, ws, formOfFlowVersion(ctx, s, ws, flow)); err == nil {
		if c, _ := validateFlow(lv.FlowDesign, lv.Fallback, v); c != nil {
			lv.c = c
		} else {
			s.log.Warn("approval flow version no longer compiles against its form; conditions read as false", "flow", flow, "version", n)
		}
	}
	s.versions.Store(key, lv)
	return lv, nil
}

func formOfFlowVersion(ctx context.Context, s *Approvals, ws, flow string) string {
	d, err := s.st.Get(ctx, collFlows, flow)
	if err != nil {
		return ""
	}
	return docStr(d.Data, "form")
}
