package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/formloom/formloom/engine/form"
)

// TemplatePart is one kind of an app template's parts that a capability
// installs, updates and exports: the workflow capability its stage
// pipelines and approval flows, automation its automations and alerts,
// report its views and dashboards, webhook its endpoints. The template
// installer (engine/template) meets the capabilities only through this
// registry, as automations meet actions through ActionRegistry, so neither
// imports the other. Forms, roles and sample data are the installer's own.
//
// Items are the capability's own design documents as JSON, with every id
// (form, role, other item) replaced by the referenced part's key; the part
// translates keys to ids through TemplateRefs when it installs and ids to
// keys when it exports.
type TemplatePart struct {
	// Kind names the part in a template ("stages", "flows", "automations",
	// "alerts", "views", "dashboards", "webhooks"); it matches
	// ^[a-z][a-z0-9_.]{0,62}$.
	Kind string
	// After lists the kinds installed before this one, because its items
	// refer to theirs; forms and roles always come first.
	After []string
	// Check validates items against the workspace with the same rules a
	// user's own design meets, writing nothing. refs holds the ids of the
	// parts installed so far and, for the parts not yet installed, only
	// their keys (TemplateRefs.Known). A problem is a *ValidationError
	// whose field paths start with the item's key.
	Check func(ctx context.Context, a Actor, refs *TemplateRefs, items []TemplateItem) error
	// Install creates each item in refs.App (published, through the
	// capability's publish path) and records its id with refs.Set.
	Install func(ctx context.Context, a Actor, refs *TemplateRefs, items []TemplateItem) error
	// Update publishes item as the next version of the installed item id.
	Update func(ctx context.Context, a Actor, refs *TemplateRefs, item TemplateItem, id string) error
	// Remove deletes (or archives) the installed item id: an upgrade that
	// drops it, or the undoing of a failed install.
	Remove func(ctx context.Context, a Actor, refs *TemplateRefs, id string) error
	// Export returns refs.App's items of this kind, ids replaced by keys;
	// an item installed from a template keeps its key (refs.Key), others
	// get a new stable one.
	Export func(ctx context.Context, a Actor, refs *TemplateRefs) ([]TemplateItem, error)
	// Normalize, when set, returns an item as Export would write it once
	// installed (defaults filled in or left out, lists in their stored
	// order), so the installer's three-way merge compares a template's
	// items and an app's exported ones like with like. Nil: items compare
	// as written. A spec it cannot read is returned unchanged.
	Normalize func(item TemplateItem) TemplateItem
	// Extension, when set, names the form design extension
	// (form.Definition.Extensions[Extension]) this part's items are: one
	// item per form, keyed by the form's key, whose spec is the
	// extension's value. The part is then its only home in a template:
	// the installer leaves that extension out of exported form designs,
	// moves one found in a template's form design into the part, and
	// keeps a form's published value when it publishes the form's other
	// changes (the part publishes its own).
	Extension string
}

// TemplateItem is one item of a template part: its key, unique within the
// part, and its design document.
type TemplateItem struct {
	Key  string          `json:"key"`
	Spec json.RawMessage `json:"spec"`
}

// TemplateRefs maps the keys of a template's items to the ids they have in
// one app, per kind ("forms", "roles", "automations"...). The installer
// fills it while it installs, and from the app's installation record when
// it upgrades or exports.
type TemplateRefs struct {
	// Workspace and App are where the template is installed.
	Workspace, App string

	mu    sync.RWMutex
	ids   map[string]map[string]string // kind -> key -> id
	keys  map[string]map[string]string // kind -> id -> key
	known map[string]map[string]bool   // kind -> key declared by the template
	defs  map[string]form.Definition   // form key -> design, for checks before install
}

// NewTemplateRefs returns empty refs for an app of a workspace.
func NewTemplateRefs(workspace, app string) *TemplateRefs {
	return &TemplateRefs{Workspace: workspace, App: app,
		ids: map[string]map[string]string{}, keys: map[string]map[string]string{}, known: map[string]map[string]bool{}}
}

// Set records that the item key of kind has the id.
func (r *TemplateRefs) Set(kind, key, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids[kind] == nil {
		r.ids[kind], r.keys[kind] = map[string]string{}, map[string]string{}
	}
	r.ids[kind][key], r.keys[kind][id] = id, key
	r.declare(kind, key)
}

// Declare records that the template has an item key of kind, installed or
// not yet: Check resolves references against declared keys.
func (r *TemplateRefs) Declare(kind, key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.declare(kind, key)
}

func (r *TemplateRefs) declare(kind, key string) {
	if r.known[kind] == nil {
		r.known[kind] = map[string]bool{}
	}
	r.known[kind][key] = true
}

// ID returns the id of the item key of kind, once installed.
func (r *TemplateRefs) ID(kind, key string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.ids[kind][key]
	return id, ok
}

// Key returns the key of the installed item id of kind.
func (r *TemplateRefs) Key(kind, id string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.keys[kind][id]
	return k, ok
}

// Known reports whether the template declares an item key of kind.
func (r *TemplateRefs) Known(kind, key string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.known[kind][key]
}

// Keys returns the kind's key -> id map, a copy.
func (r *TemplateRefs) Keys(kind string) map[string]string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[string]string, len(r.ids[kind]))
	for k, id := range r.ids[kind] {
		out[k] = id
	}
	return out
}

// TemplatePartRegistry holds the template parts capabilities registered.
// It is filled while the program is wired and read afterwards; it is safe
// for concurrent use.
type TemplatePartRegistry struct {
	mu    sync.RWMutex
	parts map[string]TemplatePart
}

// Register adds a part; a second part of the same kind is refused.
func (r *TemplatePartRegistry) Register(p TemplatePart) error {
	if !validActionKind(p.Kind) {
		return fmt.Errorf("engine: template part kind %q must match ^[a-z][a-z0-9_.]{0,62}$", p.Kind)
	}
	if p.Check == nil || p.Install == nil || p.Update == nil || p.Remove == nil || p.Export == nil {
		return fmt.Errorf("engine: template part %q needs Check, Install, Update, Remove and Export", p.Kind)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.parts == nil {
		r.parts = map[string]TemplatePart{}
	}
	if _, dup := r.parts[p.Kind]; dup {
		return fmt.Errorf("engine: template part %q registered twice", p.Kind)
	}
	r.parts[p.Kind] = p
	return nil
}

// Get returns the part of kind.
func (r *TemplatePartRegistry) Get(kind string) (TemplatePart, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.parts[kind]
	return p, ok
}

// All returns the registered parts, sorted by kind.
func (r *TemplatePartRegistry) All() []TemplatePart {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]TemplatePart, 0, len(r.parts))
	for _, p := range r.parts {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// TemplateParts returns the engine's registry of template parts.
func (e *Engine) TemplateParts() *TemplatePartRegistry { return &e.templateParts }
