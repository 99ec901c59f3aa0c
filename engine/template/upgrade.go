package template

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Preview computes what upgrading appID to p would do: a three-way merge
// per form field and property, per role and per part item, between base
// (the package stored when the app was installed or last upgraded), ours
// (the app now, as Export sees it) and theirs (p). What only the template
// changed is applied, what only the user changed is kept, and what both
// changed differently is a conflict with a stable id.
func (s *Service) Preview(ctx context.Context, a engine.Actor, appID string, p *Package) (*UpgradePlan, error) {
	m, err := s.merge(ctx, a, appID, p, nil)
	if err != nil {
		return nil, err
	}
	return m.plan, nil
}

// Upgrade applies the merge of Preview: every conflict needs a resolution
// ("ours" keeps the app's, "theirs" takes the template's). Forms change
// through the builder's publish path as new versions (a removed field is
// archived with its data, never dropped; a removed form goes to the
// recycle bin); roles are created or renamed, never deleted; part items
// through their part's Install, Update and Remove. The stored base then
// becomes p, so the user's own changes stay theirs at the next upgrade.
func (s *Service) Upgrade(ctx context.Context, a engine.Actor, appID string, p *Package, resolutions map[string]string) (*UpgradeResult, error) {
	for id, r := range resolutions {
		if r != "ours" && r != "theirs" {
			return nil, invalid(problem("resolutions."+id, engine.CodeOption, map[string]any{"value": r}))
		}
	}
	m, err := s.merge(ctx, a, appID, p, resolutions)
	if err != nil {
		return nil, err
	}
	var errs []field.Error
	for _, c := range m.plan.Conflicts {
		if _, ok := resolutions[c.ID]; !ok {
			errs = append(errs, problem("resolutions."+c.ID, CodeConflict, map[string]any{"id": c.ID}))
		}
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	for _, f := range m.forms {
		if err := s.b.Check(f.Definition); err != nil {
			return nil, prefixErr("forms."+f.Key+".definition", err)
		}
	}
	applied, err := s.apply(ctx, a, m)
	if err != nil {
		return nil, err
	}
	return &UpgradeResult{Version: m.theirs.Template.Version, Applied: applied}, nil
}

// merge is the outcome of a three-way merge.
type merge struct {
	plan   *UpgradePlan
	in     *Installation
	theirs *Package
	refs   *engine.TemplateRefs
	res    map[string]string
	// forms are the merged forms to publish (changed or added); added and
	// removed name the forms created and deleted.
	forms          []FormSpec
	added, removed []string
	perms          map[string]*FormPerms
	roles          []roleOp
	parts          map[string][]itemOp
	applied        int
	registry       *engine.TemplatePartRegistry
	// ours is the app as exported before the upgrade (the values an undo
	// puts back); drafts the unpublished drafts rebased on what the
	// upgrade publishes; roleDels the roles the template dropped that go.
	ours     *Package
	drafts   []draftOp
	roleDels []roleDel
	// order is the app's form order after the upgrade (form keys).
	order []string
}

// draftOp is a form's unpublished draft rebased on the design the upgrade
// publishes (keys, not ids), saved back as the form's draft at the end.
type draftOp struct {
	key string
	def form.Definition
}

// roleDel is a role the new template version dropped: deleted, taken off
// its holders first when the admin chose so.
type roleDel struct {
	key, id string
	role    engine.WorkspaceRole
	holders []engine.Member
}

type roleOp struct {
	op   string
	role RoleSpec
}

type itemOp struct {
	op   string
	item engine.TemplateItem
}

func (s *Service) merge(ctx context.Context, a engine.Actor, appID string, p *Package, res map[string]string) (*merge, error) {
	in, err := s.Installed(ctx, a, appID)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, invalid(problem("app", CodeNotInstalled, nil))
	}
	if err != nil {
		return nil, err
	}
	if in.Base == nil {
		return nil, fmt.Errorf("template: app %s has no stored base", appID)
	}
	// An upgrade installs no sample data: it is not checked either.
	p = p.clone()
	p.Sample = nil
	if err := s.Check(ctx, a, p); err != nil {
		return nil, err
	}
	theirs, _, err := s.localized(ctx, a, p, in.Locale)
	if err != nil {
		return nil, err
	}
	theirs = theirs.clone()
	theirs.Sample = nil
	ours, oursRefs, err := s.export(ctx, a, appID, ExportOptions{})
	if err != nil {
		return nil, err
	}
	// A base stored before a part owned its extension (the stage pipeline
	// in a form design) is read as the part's item, like a template.
	base := s.owning(in.Base)
	m := &merge{plan: &UpgradePlan{From: in.Version, To: theirs.Template.Version, Changes: []Change{}, Conflicts: []Conflict{}},
		in: in, theirs: theirs, ours: ours, refs: refsOf(a.Workspace, appID, in.Refs), res: res, perms: map[string]*FormPerms{}, parts: map[string][]itemOp{}, registry: s.e.TemplateParts()}
	m.mergeForms(base, ours, theirs)
	m.mergeOrder(base, ours, theirs)
	m.mergeParts(base, ours, theirs)
	if err := s.mergeRoles(ctx, a, m, base, theirs); err != nil {
		return nil, err
	}
	if err := s.mergeDrafts(ctx, a, m, oursRefs); err != nil {
		return nil, err
	}
	return m, nil
}

// The outcomes of a three-way merge of one unit.
const (
	keepOurs = iota
	takeTheirs
	conflicted
)

func three(b, o, t json.RawMessage) int {
	switch {
	case bytes.Equal(o, t), bytes.Equal(b, t):
		return keepOurs
	case bytes.Equal(b, o):
		return takeTheirs
	}
	return conflicted
}

// conflict records a conflict (its id stable for the same three sides)
// and reports whether the admin chose the template's side.
func (m *merge) conflict(kind, key, path string, b, o, t json.RawMessage) bool {
	sum := sha256.Sum256([]byte(strings.Join([]string{kind, key, path, string(b), string(o), string(t)}, "\x00")))
	id := kind + ":" + key + ":" + hex.EncodeToString(sum[:6])
	m.plan.Conflicts = append(m.plan.Conflicts, Conflict{ID: id, Kind: kind, Key: key, Path: path, Base: b, Ours: o, Theirs: t})
	return m.res[id] == "theirs"
}

// canon is v as canonical JSON (object keys sorted), "null" for absent.
func canon(v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	var x any
	if json.Unmarshal(b, &x) != nil {
		return b
	}
	out, _ := json.Marshal(x)
	return out
}

func isNull(r json.RawMessage) bool { return len(r) == 0 || bytes.Equal(r, []byte("null")) }

// unit merges one unit three ways. It returns the result and whether it
// differs from ours (so it must be written).
func (m *merge) unit(kind, key, path string, b, o, t json.RawMessage, detail map[string]any) (json.RawMessage, bool) {
	switch three(b, o, t) {
	case keepOurs:
		return o, false
	case takeTheirs:
		op := "change"
		switch {
		case isNull(o):
			op = "add"
		case isNull(t):
			op = "remove"
		}
		m.plan.Changes = append(m.plan.Changes, Change{Kind: kind, Key: key, Op: op, Path: path, Detail: detail})
		m.applied++
		return t, true
	}
	if m.conflict(kind, key, path, b, o, t) {
		m.applied++
		return t, true
	}
	return o, false
}

func formsByKey(p *Package) map[string]*FormSpec {
	out := map[string]*FormSpec{}
	for i := range p.Forms {
		out[p.Forms[i].Key] = &p.Forms[i]
	}
	return out
}

// unionKeys lists the keys of the lists given, each once, in first-seen order.
func unionKeys(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, k := range l {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

func formKeys(p *Package) []string {
	out := make([]string, len(p.Forms))
	for i, f := range p.Forms {
		out[i] = f.Key
	}
	return out
}

func (m *merge) mergeForms(base, ours, theirs *Package) {
	bf, of, tf := formsByKey(base), formsByKey(ours), formsByKey(theirs)
	for _, k := range unionKeys(formKeys(ours), formKeys(theirs), formKeys(base)) {
		b, o, t := bf[k], of[k], tf[k]
		switch {
		case o == nil && t == nil:
			continue
		case o == nil || t == nil:
			// Added, removed or deleted on one side: the whole form is the unit.
			var bv, ov, tv any
			if b != nil {
				bv = normForm(*b)
			}
			if o != nil {
				ov = normForm(*o)
			}
			if t != nil {
				tv = normForm(*t)
			}
			r, write := m.unit("forms", k, "", canon(bv), canon(ov), canon(tv), formDetail(t))
			if !write {
				continue
			}
			if isNull(r) {
				m.removed = append(m.removed, k)
				continue
			}
			m.added = append(m.added, k)
			m.forms = append(m.forms, *t)
			if t.Permissions != nil {
				m.perms[k] = t.Permissions
			}
			continue
		}
		if b == nil {
			b = &FormSpec{Key: k}
		}
		if f, changed := m.mergeForm(*b, *o, *t); changed {
			m.forms = append(m.forms, f)
		}
	}
}

func formDetail(f *FormSpec) map[string]any {
	if f == nil {
		return nil
	}
	return map[string]any{"name": f.Name, "fields": len(f.Definition.Fields)}
}

// normForm is a form as compared: permission sets normalized as the
// engine stores them.
func normForm(f FormSpec) FormSpec {
	if f.Permissions != nil {
		f.Permissions = &FormPerms{Sets: normSets(f.Permissions.Sets)}
	}
	return f
}

// normSets normalizes permission sets as the engine does when it saves
// them, so a set installed unchanged compares equal to its template.
func normSets(sets []engine.PermissionSet) []engine.PermissionSet {
	out := make([]engine.PermissionSet, len(sets))
	for i, st := range sets {
		st.ID, st.Name = "", strings.TrimSpace(st.Name)
		if st.Preset == "" {
			st.Preset = engine.PresetCustom
		}
		if st.FieldDefault == "" {
			st.FieldDefault = engine.FieldEdit
		}
		if st.Fields == nil {
			st.Fields = map[string]engine.FieldAccess{}
		}
		var acts []engine.Action
		for _, act := range st.Actions {
			if !slices.Contains(acts, act) {
				acts = append(acts, act)
			}
		}
		st.Actions = acts
		var grants []engine.Grant
		for _, g := range st.Grants {
			if g.Kind == engine.GrantEveryone {
				g.ID = ""
			}
			if !slices.Contains(grants, g) {
				grants = append(grants, g)
			}
		}
		if grants == nil {
			grants = []engine.Grant{}
		}
		st.Grants = grants
		out[i] = st
	}
	return out
}

func fieldKeys(fields []form.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Key
	}
	return out
}

func fieldMap(fields []form.Field) map[string]*form.Field {
	out := map[string]*form.Field{}
	for i := range fields {
		out[fields[i].Key] = &fields[i]
	}
	return out
}

// mergeForm merges one form present on both sides: each field, the name,
// description, layout, submit rules, extensions and permissions.
func (m *merge) mergeForm(b, o, t FormSpec) (FormSpec, bool) {
	k := o.Key
	out := o
	changed := false
	str := func(path, bv, ov, tv string) string {
		r, w := m.unit("forms", k, path, canon(bv), canon(ov), canon(tv), map[string]any{"to": tv})
		if !w {
			return ov
		}
		changed = true
		var s string
		_ = json.Unmarshal(r, &s)
		return s
	}
	out.Name = str("name", b.Name, o.Name, t.Name)
	out.Description = str("description", b.Description, o.Description, t.Description)
	bm, om, tm := fieldMap(b.Definition.Fields), fieldMap(o.Definition.Fields), fieldMap(t.Definition.Fields)
	result := map[string]*form.Field{}
	for _, fk := range unionKeys(fieldKeys(o.Definition.Fields), fieldKeys(t.Definition.Fields), fieldKeys(b.Definition.Fields)) {
		var bv, ov, tv any
		if f := bm[fk]; f != nil {
			bv = f
		}
		if f := om[fk]; f != nil {
			ov = f
		}
		var detail map[string]any
		if f := tm[fk]; f != nil {
			tv = f
			detail = map[string]any{"type": f.Type, "label": f.Label}
		} else if f := om[fk]; f != nil {
			detail = map[string]any{"type": f.Type, "label": f.Label}
		}
		r, w := m.unit("forms", k, "fields."+fk, canon(bv), canon(ov), canon(tv), detail)
		changed = changed || w
		if isNull(r) {
			continue
		}
		var f form.Field
		if err := json.Unmarshal(r, &f); err == nil {
			result[fk] = &f
		}
	}
	out.Definition.Fields = orderFields(o.Definition.Fields, t.Definition.Fields, result)
	if r, w := m.unit("forms", k, "columns", canon(b.Definition.Columns), canon(o.Definition.Columns), canon(t.Definition.Columns), nil); w {
		changed = true
		_ = json.Unmarshal(r, &out.Definition.Columns)
	}
	if r, w := m.unit("forms", k, "submitRules", canon(b.Definition.SubmitRules), canon(o.Definition.SubmitRules), canon(t.Definition.SubmitRules), nil); w {
		changed = true
		out.Definition.SubmitRules = nil
		_ = json.Unmarshal(r, &out.Definition.SubmitRules)
	}
	if r, w := m.unit("forms", k, "extensions", canon(b.Definition.Extensions), canon(o.Definition.Extensions), canon(t.Definition.Extensions), nil); w {
		changed = true
		out.Definition.Extensions = nil
		_ = json.Unmarshal(r, &out.Definition.Extensions)
	}
	var bp, op, tp any
	if b.Permissions != nil {
		bp = normSets(b.Permissions.Sets)
	}
	if o.Permissions != nil {
		op = normSets(o.Permissions.Sets)
	}
	if t.Permissions != nil {
		tp = normSets(t.Permissions.Sets)
	}
	if r, w := m.unit("forms", k, "permissions", canon(bp), canon(op), canon(tp), nil); w && !isNull(r) {
		var sets []engine.PermissionSet
		_ = json.Unmarshal(r, &sets)
		out.Permissions = &FormPerms{Sets: sets}
		m.perms[k] = out.Permissions
	}
	return out, changed
}

// orderFields puts the merged fields in the app's order, a field the
// template adds after the field that precedes it in the template.
func orderFields(ours, theirs []form.Field, result map[string]*form.Field) []form.Field {
	var order []string
	for _, f := range ours {
		if result[f.Key] != nil {
			order = append(order, f.Key)
		}
	}
	for i, f := range theirs {
		if result[f.Key] == nil || slices.Contains(order, f.Key) {
			continue
		}
		at := 0
		for j := i - 1; j >= 0; j-- {
			if p := slices.Index(order, theirs[j].Key); p >= 0 {
				at = p + 1
				break
			}
		}
		order = slices.Insert(order, at, f.Key)
	}
	out := make([]form.Field, 0, len(order))
	for _, k := range order {
		out = append(out, *result[k])
	}
	return out
}

// mergeRoles merges the roles: ours are the workspace roles the
// installation refers to. A role is added or renamed; one the template
// dropped is deleted (mergeDroppedRoles).
func (s *Service) mergeRoles(ctx context.Context, a engine.Actor, m *merge, base, theirs *Package) error {
	roles, err := s.e.Roles(ctx, a)
	if err != nil {
		return err
	}
	byID := map[string]engine.WorkspaceRole{}
	for _, r := range roles {
		byID[r.ID] = r
	}
	br := map[string]RoleSpec{}
	for _, r := range base.Roles {
		br[r.Key] = RoleSpec{Name: r.Name, Description: r.Description}
	}
	for _, t := range theirs.Roles {
		tv := RoleSpec{Name: t.Name, Description: t.Description}
		var bv, ov any
		if b, ok := br[t.Key]; ok {
			bv = b
		}
		if id, ok := m.refs.ID("roles", t.Key); ok {
			if r, live := byID[id]; live {
				ov = RoleSpec{Name: r.Name, Description: r.Description}
			}
		}
		if _, w := m.unit("roles", t.Key, "", canon(bv), canon(ov), canon(tv), map[string]any{"name": t.Name}); w {
			op := "change"
			if ov == nil {
				op = "add"
			}
			m.roles = append(m.roles, roleOp{op: op, role: t})
		}
	}
	return s.mergeDroppedRoles(ctx, a, m, base, theirs, byID)
}

func (m *merge) mergeParts(base, ours, theirs *Package) {
	kinds := map[string]bool{}
	for _, p := range []*Package{base, ours, theirs} {
		for k := range p.Parts {
			kinds[k] = true
		}
	}
	sorted := make([]string, 0, len(kinds))
	for k := range kinds {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	items := func(p *Package, kind string) (map[string]engine.TemplateItem, []string) {
		// Items as the part's Export writes them (TemplatePart.Normalize),
		// so a template's items and the app's exported ones compare like
		// with like.
		part, _ := m.registry.Get(kind)
		out := map[string]engine.TemplateItem{}
		var keys []string
		for _, it := range p.Parts[kind] {
			if part.Normalize != nil {
				it = part.Normalize(it)
			}
			out[it.Key] = it
			keys = append(keys, it.Key)
		}
		return out, keys
	}
	for _, kind := range sorted {
		bi, bk := items(base, kind)
		oi, ok := items(ours, kind)
		ti, tk := items(theirs, kind)
		for _, key := range unionKeys(ok, tk, bk) {
			spec := func(m map[string]engine.TemplateItem) json.RawMessage {
				it, has := m[key]
				if !has {
					return canon(nil)
				}
				var v any
				if json.Unmarshal(it.Spec, &v) != nil {
					return it.Spec
				}
				return canon(v)
			}
			b, o, t := spec(bi), spec(oi), spec(ti)
			r, w := m.unit(kind, key, "", b, o, t, map[string]any{"name": itemName(ti[key].Spec, key)})
			if !w {
				continue
			}
			switch {
			case isNull(r):
				m.parts[kind] = append(m.parts[kind], itemOp{op: "remove", item: engine.TemplateItem{Key: key}})
			case isNull(o):
				m.parts[kind] = append(m.parts[kind], itemOp{op: "add", item: engine.TemplateItem{Key: key, Spec: r}})
			default:
				m.parts[kind] = append(m.parts[kind], itemOp{op: "change", item: engine.TemplateItem{Key: key, Spec: r}})
			}
		}
	}
}

func partsOf(ops map[string][]itemOp) map[string][]engine.TemplateItem {
	out := map[string][]engine.TemplateItem{}
	for k, list := range ops {
		for _, op := range list {
			out[k] = append(out[k], op.item)
		}
	}
	return out
}

func (s *Service) roleByID(ctx context.Context, a engine.Actor, id string) (engine.WorkspaceRole, error) {
	roles, err := s.e.Roles(ctx, a)
	if err != nil {
		return engine.WorkspaceRole{}, err
	}
	for _, r := range roles {
		if r.ID == id {
			return r, nil
		}
	}
	return engine.WorkspaceRole{}, fmt.Errorf("%w: role %s", engine.ErrNotFound, id)
}

// mergeOrder decides the app's form order: the template's new order when
// it rearranged its forms and the user did not (the user's own forms stay
// after the form they followed), else the app's order with the forms the
// template adds after the form that precedes them in the template.
func (m *merge) mergeOrder(base, ours, theirs *Package) {
	removed := map[string]bool{}
	for _, k := range m.removed {
		removed[k] = true
	}
	in := func(list []string, of ...[]string) []string {
		var out []string
		for _, k := range list {
			ok := !removed[k]
			for _, o := range of {
				ok = ok && slices.Contains(o, k)
			}
			if ok {
				out = append(out, k)
			}
		}
		return out
	}
	b, o, t := formKeys(base), formKeys(ours), formKeys(theirs)
	common := in(b, o, t)
	userKept := slices.Equal(in(o, common), common)
	templateMoved := !slices.Equal(in(t, common), common)
	keep := map[string]bool{}
	for _, k := range o {
		keep[k] = !removed[k]
	}
	for _, k := range m.added {
		keep[k] = true
	}
	if userKept && templateMoved {
		m.order = orderKeys(in(t), o, keep)
		m.plan.Changes = append(m.plan.Changes, Change{Kind: "app", Key: theirs.Template.Key, Op: "change", Path: "formOrder", Detail: map[string]any{"order": m.order}})
		m.applied++
		return
	}
	m.order = orderKeys(in(o), t, keep)
}

// orderKeys lists the keys of primary that keep holds, then those of
// secondary it holds that primary lacks, each after the key that precedes
// it in secondary.
func orderKeys(primary, secondary []string, keep map[string]bool) []string {
	var order []string
	for _, k := range primary {
		if keep[k] && !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	for i, k := range secondary {
		if !keep[k] || slices.Contains(order, k) {
			continue
		}
		at := 0
		for j := i - 1; j >= 0; j-- {
			if p := slices.Index(order, secondary[j]); p >= 0 {
				at = p + 1
				break
			}
		}
		order = slices.Insert(order, at, k)
	}
	return order
}
