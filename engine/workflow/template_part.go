package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Template part kinds of this package (docs/templates.md).
const (
	PartStages = "stages"
	PartFlows  = "flows"
)

// FormPublisher publishes a form's draft as its next version; the
// builder's Service is one (cmd passes it, so this package does not
// import the builder).
type FormPublisher interface {
	Publish(ctx context.Context, a engine.Actor, formID string, draftVersion int64) (*engine.Version, []engine.Change, error)
}

// RegisterTemplateParts registers the "stages" part (needs stages and
// forms) and the "flows" part (needs approvals) on e's template part
// registry; a nil service leaves its part out.
func RegisterTemplateParts(e *engine.Engine, stages *Stages, approvals *Approvals, forms FormPublisher) error {
	if stages != nil && forms != nil {
		p := stagePart{e: e, s: stages, pub: forms}
		if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartStages,
			Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeStages,
			Extension: ExtensionName}); err != nil {
			return err
		}
	}
	if approvals != nil {
		p := flowPart{e: e, s: approvals}
		if err := e.TemplateParts().Register(engine.TemplatePart{Kind: PartFlows,
			Check: p.check, Install: p.install, Update: p.update, Remove: p.remove, Export: p.export, Normalize: normalizeFlow}); err != nil {
			return err
		}
	}
	return nil
}

// ---- stages: one item per form with a pipeline, key = the form's key,
// spec = the Pipeline (it holds only the form's own field keys).

type stagePart struct {
	e   *engine.Engine
	s   *Stages
	pub FormPublisher
}

func (p stagePart) decode(refs *engine.TemplateRefs, it engine.TemplateItem) (Pipeline, []field.Error) {
	var pl Pipeline
	if fe := engine.DecodeTemplateSpec(it, &pl); fe != nil {
		return pl, []field.Error{*fe}
	}
	if _, ok := refs.ID("forms", it.Key); !ok && !refs.Known("forms", it.Key) {
		return pl, []field.Error{engine.TemplateRefError(it.Key, "forms", it.Key)}
	}
	return pl, nil
}

func (p stagePart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	for _, it := range items {
		pl, fe := p.decode(refs, it)
		if len(fe) > 0 {
			errs = append(errs, fe...)
			continue
		}
		v, err := p.e.TemplateFormVersion(ctx, refs, it.Key)
		if err != nil {
			return err
		}
		if v != nil {
			errs = append(errs, engine.PrefixTemplateErrors(it.Key, Check(v, pl))...)
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func (p stagePart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		id, ok := refs.ID("forms", it.Key)
		if !ok {
			return &engine.ValidationError{Fields: []field.Error{engine.TemplateRefError(it.Key, "forms", it.Key)}}
		}
		if err := p.update(ctx, a, refs, it, id); err != nil {
			return err
		}
		refs.Set(PartStages, it.Key, id)
	}
	return nil
}

// update puts the pipeline into the form's draft and publishes the form's
// next version; a form already publishing this pipeline is left alone (a
// template whose form design carries it, or an upgrade without change).
func (p stagePart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	pl, fe := p.decode(refs, it)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	return p.publish(ctx, a, it.Key, id, &pl)
}

func (p stagePart) publish(ctx context.Context, a engine.Actor, key, formID string, pl *Pipeline) error {
	d, err := p.s.Design(ctx, a, formID)
	if err != nil {
		return err
	}
	if samePipeline(d.Published, pl) && (d.Draft == nil && pl == nil || samePipeline(d.Draft, pl)) {
		return nil
	}
	d, err = p.s.SaveDesign(ctx, a, formID, pl, d.DraftVersion)
	if err != nil {
		fe, err := engine.TemplateItemErrors(key, err)
		if err != nil {
			return err
		}
		return &engine.ValidationError{Fields: fe}
	}
	if samePipeline(d.Published, pl) {
		return nil
	}
	if _, _, err := p.pub.Publish(ctx, a, formID, d.DraftVersion); err != nil {
		fe, err := engine.TemplateItemErrors(key, err)
		if err != nil {
			return err
		}
		return &engine.ValidationError{Fields: fe}
	}
	return nil
}

func samePipeline(x, y *Pipeline) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return string(a) == string(b)
}

func (p stagePart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	key, _ := refs.Key("forms", id)
	err := p.publish(ctx, a, key, id, nil)
	if errors.Is(err, engine.ErrNotFound) {
		return nil // the form went first
	}
	return err
}

func (p stagePart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	var out []engine.TemplateItem
	for _, f := range forms {
		if f.Published == 0 {
			continue
		}
		v, err := p.e.VersionOf(ctx, a.Workspace, f.ID)
		if err != nil {
			return nil, err
		}
		pl, err := PipelineOf(v.Def)
		if err != nil || pl == nil {
			continue
		}
		key := formKeys[f.ID]
		raw, err := json.Marshal(pl)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.TemplateItem{Key: key, Spec: raw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// ---- flows: approval flows; the spec names its form and roles by key.

// FlowSpec is a flow in a template: the flow's settings and its published
// design, with the form and every role as the template's key and given
// users as sample member keys ("members").
type FlowSpec struct {
	Form          string         `json:"form"`
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	StartOnCreate bool           `json:"startOnCreate,omitempty"`
	Fallback      string         `json:"fallback,omitempty"`
	Enabled       *bool          `json:"enabled,omitempty"`
	Design        FlowDesignSpec `json:"design"`
}

// FlowDesignSpec is a FlowDesign whose assignees use keys.
type FlowDesignSpec struct {
	Nodes []NodeSpec `json:"nodes"`
	Edges []Edge     `json:"edges"`
}

// NodeSpec is a Node whose assignees use keys (and whose name may be
// left out).
type NodeSpec struct {
	Node
	Name      string         `json:"name,omitempty"`
	Assignees []AssigneeSpec `json:"assignees,omitempty"`
	Due       *DueSpec       `json:"due,omitempty"`
}

// DueSpec is a Due whose escalation assignees use keys.
type DueSpec struct {
	Due
	EscalateTo []AssigneeSpec `json:"escalateTo,omitempty"`
}

// AssigneeSpec is an Assignee with a role key instead of a role id and
// member keys instead of user ids; a users assignee without members is
// the installing admin.
type AssigneeSpec struct {
	Kind    string   `json:"kind"`
	Members []string `json:"members,omitempty"`
	Role    string   `json:"role,omitempty"`
	Level   int      `json:"level,omitempty"`
	Field   string   `json:"field,omitempty"`
}

type flowPart struct {
	e *engine.Engine
	s *Approvals
}

// toDesign turns a spec's design into ids; problems are field errors under
// at. installer is the user a users assignee without members resolves to.
func toDesign(refs *engine.TemplateRefs, at string, d FlowDesignSpec, installer string, resolve bool) (FlowDesign, []field.Error) {
	var errs []field.Error
	conv := func(path string, as []AssigneeSpec) []Assignee {
		var out []Assignee
		for i, x := range as {
			y := Assignee{Kind: x.Kind, Level: x.Level, Field: x.Field}
			p := fmt.Sprintf("%s.%d", path, i)
			if x.Role != "" {
				y.Role = x.Role
				if id, ok := refs.ID("roles", x.Role); ok {
					y.Role = id
				} else if !refs.Known("roles", x.Role) {
					errs = append(errs, engine.TemplateRefError(p+".role", "roles", x.Role))
				} else if resolve {
					errs = append(errs, engine.TemplateRefError(p+".role", "roles", x.Role))
				}
			}
			for _, m := range x.Members {
				if id, ok := refs.ID("members", m); ok {
					y.Users = append(y.Users, id)
				}
			}
			if x.Kind == AssignUsers && len(y.Users) == 0 {
				y.Users = []string{installer}
			}
			out = append(out, y)
		}
		return out
	}
	out := FlowDesign{Nodes: []Node{}, Edges: d.Edges}
	if out.Edges == nil {
		out.Edges = []Edge{}
	}
	for _, n := range d.Nodes {
		node := n.Node
		node.Name = n.Name
		node.Assignees = conv(at+".nodes."+n.ID+".assignees", n.Assignees)
		if n.Due != nil {
			due := n.Due.Due
			due.EscalateTo = conv(at+".nodes."+n.ID+".due.escalateTo", n.Due.EscalateTo)
			node.Due = &due
		}
		out.Nodes = append(out.Nodes, node)
	}
	return out, errs
}

// fromDesign turns a design's ids into keys: roles by their key, users by
// their sample member key where refs know one (others are dropped: a user
// of one workspace means nothing in another).
func fromDesign(refs *engine.TemplateRefs, d FlowDesign) FlowDesignSpec {
	conv := func(as []Assignee) []AssigneeSpec {
		var out []AssigneeSpec
		for _, x := range as {
			y := AssigneeSpec{Kind: x.Kind, Level: x.Level, Field: x.Field}
			if x.Role != "" {
				y.Role = x.Role
				if k, ok := refs.Key("roles", x.Role); ok {
					y.Role = k
				}
			}
			for _, u := range x.Users {
				if k, ok := refs.Key("members", u); ok {
					y.Members = append(y.Members, k)
				}
			}
			out = append(out, y)
		}
		return out
	}
	out := FlowDesignSpec{Nodes: []NodeSpec{}, Edges: d.Edges}
	for _, n := range d.Nodes {
		ns := NodeSpec{Node: n, Name: n.Name, Assignees: conv(n.Assignees)}
		ns.Node.Assignees, ns.Node.Name = nil, ""
		if n.Due != nil {
			ns.Due = &DueSpec{Due: *n.Due, EscalateTo: conv(n.Due.EscalateTo)}
			ns.Due.Due.EscalateTo = nil
		}
		ns.Node.Due = nil
		out.Nodes = append(out.Nodes, ns)
	}
	return out
}

func (p flowPart) decode(refs *engine.TemplateRefs, it engine.TemplateItem, installer string, resolve bool) (string, FlowInput, []field.Error) {
	var sp FlowSpec
	if fe := engine.DecodeTemplateSpec(it, &sp); fe != nil {
		return "", FlowInput{}, []field.Error{*fe}
	}
	var errs []field.Error
	formID, ok := refs.ID("forms", sp.Form)
	if !ok && (resolve || !refs.Known("forms", sp.Form)) {
		errs = append(errs, engine.TemplateRefError(it.Key+".form", "forms", sp.Form))
	}
	d, derrs := toDesign(refs, it.Key+".design", sp.Design, installer, resolve)
	errs = append(errs, derrs...)
	in := FlowInput{Name: sp.Name, Description: sp.Description, StartOnCreate: sp.StartOnCreate, Fallback: sp.Fallback,
		Enabled: sp.Enabled, Draft: d}
	if err := checkFlowInput(in); err != nil {
		fe, _ := engine.TemplateItemErrors(it.Key, err)
		errs = append(errs, fe...)
	}
	return formID, in, errs
}

func (p flowPart) check(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	errs := engine.TemplateItemsValid(items)
	starts := map[string]string{}
	for _, it := range items {
		_, in, fe := p.decode(refs, it, a.UserID, false)
		errs = append(errs, fe...)
		var sp FlowSpec
		if len(fe) > 0 && fe[0].Code == engine.CodeTemplateSpec {
			continue
		}
		_ = json.Unmarshal(it.Spec, &sp)
		if !refs.Known("forms", sp.Form) {
			continue
		}
		if in.StartOnCreate && (in.Enabled == nil || *in.Enabled) {
			if other, dup := starts[sp.Form]; dup {
				errs = append(errs, field.Error{Path: it.Key + ".startOnCreate", Code: "flow_start_on_create_taken", Params: map[string]any{"name": other}})
			}
			starts[sp.Form] = in.Name
		}
		v, err := p.e.TemplateFormVersion(ctx, refs, sp.Form)
		if err != nil {
			return err
		}
		if v != nil {
			_, verrs := validateFlow(in.Draft, in.Fallback, v)
			errs = append(errs, engine.PrefixTemplateErrors(it.Key+".design", verrs)...)
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func (p flowPart) install(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, items []engine.TemplateItem) error {
	for _, it := range items {
		formID, in, fe := p.decode(refs, it, a.UserID, true)
		if len(fe) > 0 {
			return &engine.ValidationError{Fields: fe}
		}
		f, err := p.s.CreateFlow(ctx, a, formID, in)
		if err != nil {
			return engine.TemplateItemError(it.Key, err)
		}
		refs.Set(PartFlows, it.Key, f.ID)
		if _, err := p.s.Publish(ctx, a, f.ID); err != nil {
			return engine.TemplateItemError(it.Key+".design", err)
		}
	}
	return nil
}

func (p flowPart) update(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, it engine.TemplateItem, id string) error {
	formID, in, fe := p.decode(refs, it, a.UserID, true)
	if len(fe) > 0 {
		return &engine.ValidationError{Fields: fe}
	}
	cur, err := p.s.Flow(ctx, a, id)
	if err != nil {
		return err
	}
	if cur.Form != formID {
		return &engine.ValidationError{Fields: []field.Error{{Path: it.Key + ".form", Code: engine.CodeReadOnly}}}
	}
	in.Version = cur.Version
	f, err := p.s.SaveFlow(ctx, a, id, in)
	if err != nil {
		return engine.TemplateItemError(it.Key, err)
	}
	if f.Published > 0 {
		if fv, err := p.s.Version(ctx, a, id, f.Published); err == nil && reflect.DeepEqual(normDesign(fv.FlowDesign), normDesign(in.Draft)) &&
			fv.Name == f.Name && fv.Fallback == f.Fallback && fv.StartOnCreate == f.StartOnCreate {
			return nil // nothing to publish
		}
	}
	if _, err := p.s.Publish(ctx, a, id); err != nil {
		return engine.TemplateItemError(it.Key+".design", err)
	}
	return nil
}

func normDesign(d FlowDesign) string {
	b, _ := json.Marshal(d)
	return string(b)
}

func (p flowPart) remove(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, id string) error {
	err := p.s.DeleteFlow(ctx, a, id)
	if errors.Is(err, engine.ErrNotFound) {
		return nil
	}
	return err
}

func (p flowPart) export(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs) ([]engine.TemplateItem, error) {
	forms, err := p.e.Forms(ctx, a, refs.App)
	if err != nil {
		return nil, err
	}
	formKeys := engine.TemplateFormKeys(refs, forms)
	taken := map[string]bool{}
	for k := range refs.Keys(PartFlows) {
		taken[k] = true
	}
	var out []engine.TemplateItem
	for _, fm := range forms {
		formKey := formKeys[fm.ID]
		flows, err := p.s.Flows(ctx, a, fm.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range flows {
			if f.Published == 0 {
				continue // a flow never published runs nothing
			}
			fv, err := p.s.Version(ctx, a, f.ID, f.Published)
			if err != nil {
				return nil, err
			}
			key, ok := refs.Key(PartFlows, f.ID)
			if !ok {
				key = engine.TemplateKey("flow", f.Name, taken)
			}
			enabled := f.Enabled
			sp := FlowSpec{Form: formKey, Name: fv.Name, Description: f.Description, StartOnCreate: fv.StartOnCreate,
				Fallback: fv.Fallback, Enabled: &enabled, Design: fromDesign(refs, fv.FlowDesign)}
			raw, err := json.Marshal(canonicalFlow(sp))
			if err != nil {
				return nil, err
			}
			out = append(out, engine.TemplateItem{Key: key, Spec: raw})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// normalizeStages writes a pipeline item as the stages part exports it.
func normalizeStages(it engine.TemplateItem) engine.TemplateItem {
	var pl Pipeline
	if engine.DecodeTemplateSpec(it, &pl) != nil {
		return it
	}
	raw, err := json.Marshal(pl)
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}

// canonicalFlow leaves the defaults out: enabled, the "admins" fallback,
// a blank name's spaces, empty lists.
func canonicalFlow(sp FlowSpec) FlowSpec {
	if sp.Enabled != nil && *sp.Enabled {
		sp.Enabled = nil
	}
	if sp.Fallback == FallbackAdmins {
		sp.Fallback = ""
	}
	sp.Name = strings.TrimSpace(sp.Name)
	if sp.Design.Nodes == nil {
		sp.Design.Nodes = []NodeSpec{}
	}
	if sp.Design.Edges == nil {
		sp.Design.Edges = []Edge{}
	}
	return sp
}

// normalizeFlow writes a flow item as the flows part exports it.
func normalizeFlow(it engine.TemplateItem) engine.TemplateItem {
	var sp FlowSpec
	if engine.DecodeTemplateSpec(it, &sp) != nil {
		return it
	}
	raw, err := json.Marshal(canonicalFlow(sp))
	if err != nil {
		return it
	}
	return engine.TemplateItem{Key: it.Key, Spec: raw}
}
