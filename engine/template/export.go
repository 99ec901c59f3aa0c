package template

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// ExportOptions adjust an export.
type ExportOptions struct {
	// Sample exports up to this many records per form as sample data
	// (relations between exported records as $ref; values that cannot
	// travel, such as users and files, left out).
	Sample int
	// Linked bounds the records the sample brings along because sampled
	// records link to them (0: MaxSampleLinked; negative: none).
	Linked int
}

// MaxExportSample bounds ExportOptions.Sample.
const MaxExportSample = 1000

// MaxSampleLinked bounds, by default, the records an export's sample
// brings along beyond Sample per form: the records sampled ones link to
// (within the app), and the ones those link to.
const MaxSampleLinked = 2000

// maxSampleNotes bounds the notes of an exported sample.
const maxSampleNotes = 500

// Export returns appID as a template package: its forms' published
// designs (form ids replaced by keys), the roles its permission sets are
// granted to, every registered part's items, and optionally a sample of
// records. An app installed from a template keeps its keys; any other app
// gets keys derived from its names (or ids), stable from one export to
// the next.
func (s *Service) Export(ctx context.Context, a engine.Actor, appID string, opts ExportOptions) (*Package, error) {
	p, _, err := s.export(ctx, a, appID, opts)
	return p, err
}

// export is Export that also returns the refs of the keys it gave.
func (s *Service) export(ctx context.Context, a engine.Actor, appID string, opts ExportOptions) (*Package, *engine.TemplateRefs, error) {
	p, refs, err := s.exportApp(ctx, a, appID, opts)
	return p, refs, err
}

func (s *Service) exportApp(ctx context.Context, a engine.Actor, appID string, opts ExportOptions) (*Package, *engine.TemplateRefs, error) {
	if _, err := s.e.Authorize(ctx, a, engine.ActAppManage, engine.Resource{App: appID}); err != nil {
		return nil, nil, err
	}
	app, err := s.e.App(ctx, a, appID)
	if err != nil {
		return nil, nil, err
	}
	in, err := s.Installed(ctx, a, appID)
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return nil, nil, err
	}
	known := map[string]map[string]string{}
	if in != nil {
		known = in.Refs
	}
	p := &Package{Format: FormatVersion}
	if in != nil && in.Base != nil {
		p.Template = in.Base.Template
		p.Template.Format = 0
	} else {
		p.Template = Meta{Key: keyFrom(app.Name, app.ID), Version: "1.0.0", Name: map[string]string{engine.DefaultLanguage: app.Name}}
	}
	p.Template.App = AppSpec{Name: app.Name, Description: app.Description, Icon: app.Icon}
	refs := engine.NewTemplateRefs(a.Workspace, appID)
	forms, err := s.e.Forms(ctx, a, appID)
	if err != nil {
		return nil, nil, err
	}
	keys := newKeyer(known["forms"])
	owned := s.owned()
	var published []engine.Form
	for _, f := range forms {
		if f.Published == 0 {
			continue // a form never published has no structure to install
		}
		refs.Set("forms", keys.key(f.ID, f.Name), f.ID)
		published = append(published, f)
	}
	idToKey := map[string]string{}
	for k, id := range refs.Keys("forms") {
		idToKey[id] = k
	}
	roles, err := s.e.Roles(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	roleByID := map[string]engine.WorkspaceRole{}
	for _, r := range roles {
		roleByID[r.ID] = r
	}
	deps, err := s.e.Departments(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	depName := map[string]string{}
	for _, d := range deps {
		depName[d.ID] = d.Name
	}
	roleKeys := newKeyer(known["roles"])
	usedRoles := map[string]bool{}
	defs := map[string]form.Definition{}
	for _, f := range published {
		v, err := s.e.CurrentVersion(ctx, a, f.ID)
		if err != nil {
			return nil, nil, err
		}
		key, _ := refs.Key("forms", f.ID)
		def := translate(v.Def, idToKey)
		var errs []field.Error
		eachRef(def.Fields, "forms."+key+".definition.", func(path string, fd *form.Field) {
			if _, ok := refs.ID("forms", fd.Form); !ok {
				errs = append(errs, problem(path+".form", CodeUnknownRef, map[string]any{"kind": "forms", "key": fd.Form}))
			}
		})
		if len(errs) > 0 {
			return nil, nil, invalid(errs...)
		}
		defs[key] = def
		// An extension a part owns (the stage pipeline) is that part's
		// item, not part of the form design: one source of truth.
		spec := FormSpec{Key: key, Name: f.Name, Description: f.Description, Definition: withoutOwned(def, owned)}
		fp, err := s.e.FormPermissions(ctx, a, f.ID)
		if err != nil {
			return nil, nil, err
		}
		if fp.Configured {
			spec.Permissions = &FormPerms{Sets: []engine.PermissionSet{}}
			for _, set := range fp.Sets {
				set.ID = ""
				var grants []engine.Grant
				for _, g := range set.Grants {
					switch g.Kind {
					case engine.GrantRole:
						r, ok := roleByID[g.ID]
						if !ok {
							continue
						}
						usedRoles[r.ID] = true
						g.ID = roleKeys.key(r.ID, r.Name)
					case engine.GrantDepartment:
						name, ok := depName[g.ID]
						if !ok {
							continue
						}
						g.ID = name
					case engine.GrantMember:
						continue // people do not travel with a template
					}
					grants = append(grants, g)
				}
				if grants == nil {
					grants = []engine.Grant{}
				}
				set.Grants = grants
				spec.Permissions.Sets = append(spec.Permissions.Sets, set)
			}
		}
		p.Forms = append(p.Forms, spec)
		p.Template.App.Forms = append(p.Template.App.Forms, key)
	}
	for _, r := range roles {
		if usedRoles[r.ID] {
			k := roleKeys.key(r.ID, r.Name)
			refs.Set("roles", k, r.ID)
			p.Roles = append(p.Roles, RoleSpec{Key: k, Name: r.Name, Description: r.Description})
		}
	}
	sort.Slice(p.Roles, func(i, j int) bool { return p.Roles[i].Key < p.Roles[j].Key })
	for kind, ids := range known {
		if kind == "forms" || kind == "roles" || kind == "members" {
			continue
		}
		for k, id := range ids {
			refs.Set(kind, k, id)
		}
	}
	for _, part := range s.e.TemplateParts().All() {
		items, err := part.Export(ctx, a, refs)
		if err != nil {
			return nil, nil, fmt.Errorf("template: export %s: %w", part.Kind, err)
		}
		if len(items) > 0 {
			if p.Parts == nil {
				p.Parts = map[string][]engine.TemplateItem{}
			}
			sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
			p.Parts[part.Kind] = items
		}
	}
	if opts.Sample > 0 {
		linked := opts.Linked
		switch {
		case linked == 0:
			linked = MaxSampleLinked
		case linked < 0:
			linked = 0
		}
		if err := s.exportSample(ctx, a, p, refs, known["members"], defs, min(opts.Sample, MaxExportSample), linked); err != nil {
			return nil, nil, err
		}
	}
	return p, refs, nil
}

// keyer gives items keys: the key they were installed with, else one
// derived from their name (or, for a name with no letters of a-z, their
// id), unique within the kind.
type keyer struct {
	byID  map[string]string
	taken map[string]bool
}

func newKeyer(known map[string]string) *keyer {
	k := &keyer{byID: map[string]string{}, taken: map[string]bool{}}
	for key, id := range known {
		k.byID[id], k.taken[key] = key, true
	}
	return k
}

func (k *keyer) key(id, name string) string {
	if key, ok := k.byID[id]; ok {
		return key
	}
	base := keyFrom(name, id)
	key := base
	for n := 2; k.taken[key]; n++ {
		key = fmt.Sprintf("%s-%d", base, n)
	}
	k.byID[id], k.taken[key] = key, true
	return key
}

// keyFrom derives a key from a name: lower-case ASCII letters and digits,
// other runs as "-"; a name without any gives the id.
func keyFrom(name, id string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	key := strings.TrimRight(b.String(), "-")
	if len(key) > 40 {
		key = key[:40]
	}
	if !keyPattern.MatchString(key) {
		key = strings.ToLower(id)
	}
	if !keyPattern.MatchString(key) {
		key = "item"
	}
	return key
}

// exportSample adds up to n records of every form, oldest first, and the
// records they link to within the app (at most linked of them). Users in
// user fields and owners that are the installation's sample members become
// $member (and those members are exported); any other user becomes
// {"$member": ""}, the installing admin. So that the sample installs
// elsewhere, a record whose required value cannot travel (a link to a
// record outside the app, deleted or beyond the bound; a file; a
// department) is left out, and links to it cleared, as notes say;
// optional links that cannot travel are cleared with a note.
func (s *Service) exportSample(ctx context.Context, a engine.Actor, p *Package, refs *engine.TemplateRefs, members map[string]string, defs map[string]form.Definition, n, linked int) error {
	now := s.e.Now()
	x := &sampler{recKey: map[string]string{}, member: map[string]string{}, used: map[string]bool{}}
	for k, uid := range members {
		x.member[uid] = k
	}
	type rec struct {
		form string
		r    engine.Record
	}
	var all []rec
	count := map[string]int{}
	add := func(fk string, r engine.Record) {
		count[fk]++
		x.recKey[r.ID] = fmt.Sprintf("%s/r%04d", fk, count[fk])
		all = append(all, rec{form: fk, r: r})
	}
	for _, f := range p.Forms {
		id, _ := refs.ID("forms", f.Key)
		page, err := s.e.QueryRecords(ctx, a, id, engine.RecordQuery{Limit: n, Sort: []store.SortKey{{Field: "createdAt"}}})
		if err != nil {
			return err
		}
		for _, r := range page.Items {
			add(f.Key, r)
		}
	}
	// The records the sample links to come along (also beyond n, up to
	// linked), so a relation a rule requires is not lost.
	brought := 0
	for i := 0; i < len(all) && brought < linked; i++ {
		for _, l := range links(defs[all[i].form].Fields, all[i].r.Data) {
			if _, have := x.recKey[l.id]; have || brought >= linked {
				continue
			}
			formID, ok := refs.ID("forms", l.form)
			if !ok {
				continue
			}
			r, err := s.e.Record(ctx, a, formID, l.id)
			if err != nil || r.DeletedAt != nil {
				continue // deleted or gone: the value is left out
			}
			add(l.form, r)
			brought++
		}
	}
	// Leave out the records a required value of which cannot travel, and
	// again those that required a link to them, until none is left.
	var notes []SampleNote
	note := func(n SampleNote) {
		if len(notes) < maxSampleNotes {
			notes = append(notes, n)
		}
	}
	dropped := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, it := range all {
			if dropped[it.r.ID] {
				continue
			}
			fields := defs[it.form].Fields
			if f := missingRequired(fields, it.r.Data, x.values(fields, it.r.Data)); f != "" {
				dropped[it.r.ID], changed = true, true
				note(SampleNote{Record: x.recKey[it.r.ID], Field: f, Reason: "dropped"})
				delete(x.recKey, it.r.ID)
			}
		}
	}
	x.used = map[string]bool{}
	p.Sample = &Sample{Records: map[string][]SampleRecord{}}
	for _, it := range all {
		if dropped[it.r.ID] {
			continue
		}
		fields := defs[it.form].Fields
		_, key, _ := strings.Cut(x.recKey[it.r.ID], "/")
		days := int(math.Floor(now.Sub(it.r.CreatedAt).Hours() / 24))
		vals := x.values(fields, it.r.Data)
		for _, f := range fields {
			if f.Type == "relation" && !expr.IsEmpty(it.r.Data[f.Key]) && vals[f.Key] == nil {
				note(SampleNote{Record: x.recKey[it.r.ID], Field: f.Key, Reason: "cleared"})
			}
		}
		sr := SampleRecord{Key: key, DaysAgo: max(days, 0), Values: vals}
		if k, ok := x.member[it.r.Owner]; ok {
			sr.Owner = k
			x.used[k] = true
		}
		p.Sample.Records[it.form] = append(p.Sample.Records[it.form], sr)
	}
	p.Sample.Notes = notes
	return s.exportMembers(ctx, a, p, refs, members, x.used)
}

// missingRequired names the first required input field (a subform's as
// "sub.field") that has a value in data but none in the sample values
// (it cannot travel), or "".
func missingRequired(fields []form.Field, data, values map[string]any) string {
	for _, f := range fields {
		t, known := field.Get(f.Type)
		if !known || !t.Input() {
			continue
		}
		if f.Type == "subform" {
			rows, _ := data[f.Key].([]any)
			out, _ := values[f.Key].([]any)
			for i, row := range rows {
				m, ok := row.(map[string]any)
				if !ok {
					continue
				}
				var v map[string]any
				if i < len(out) {
					v, _ = out[i].(map[string]any)
				}
				if sub := missingRequired(f.Fields, m, v); sub != "" {
					return f.Key + "." + sub
				}
			}
			continue
		}
		if f.Required && !expr.IsEmpty(data[f.Key]) && expr.IsEmpty(values[f.Key]) {
			return f.Key
		}
	}
	return ""
}

// exportMembers adds the sample members the exported records use, with
// the exported roles they hold and their first department's name.
func (s *Service) exportMembers(ctx context.Context, a engine.Actor, p *Package, refs *engine.TemplateRefs, members map[string]string, used map[string]bool) error {
	deps, err := s.e.Departments(ctx, a)
	if err != nil {
		return err
	}
	depName := map[string]string{}
	for _, d := range deps {
		depName[d.ID] = d.Name
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		uid := members[k]
		u, err := s.e.User(ctx, uid)
		if err != nil {
			continue
		}
		m := SampleMember{Key: k, Name: u.Name, Email: u.Email}
		if ms, err := s.e.Membership(ctx, a.Workspace, uid); err == nil {
			for _, r := range ms.Roles {
				if rk, ok := refs.Key("roles", r); ok {
					m.Roles = append(m.Roles, rk)
				}
			}
			if len(ms.Departments) > 0 {
				m.Department = depName[ms.Departments[0]]
			}
		}
		p.Sample.Members = append(p.Sample.Members, m)
	}
	return nil
}

type link struct{ form, id string }

// links lists the records data's relation fields (subform rows included)
// link to, with their form keys.
func links(fields []form.Field, data map[string]any) []link {
	var out []link
	for _, f := range fields {
		v := data[f.Key]
		switch {
		case f.Type == "relation" && f.Form != "":
			switch x := v.(type) {
			case string:
				out = append(out, link{f.Form, x})
			case []any:
				for _, e := range x {
					if s, ok := e.(string); ok {
						out = append(out, link{f.Form, s})
					}
				}
			}
		case f.Type == "subform":
			rows, _ := v.([]any)
			for _, row := range rows {
				if m, ok := row.(map[string]any); ok {
					out = append(out, links(f.Fields, m)...)
				}
			}
		}
	}
	return out
}

// sampler turns stored values into sample values.
type sampler struct {
	recKey map[string]string // record id -> "form/key"
	member map[string]string // user id -> sample member key
	used   map[string]bool   // member keys referred to
}

// values keeps the values of input fields that travel: relations to
// exported records become $ref, users $member; departments and files are
// left out.
func (x *sampler) values(fields []form.Field, data map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		v, ok := data[f.Key]
		if !ok || v == nil {
			continue
		}
		t, known := field.Get(f.Type)
		if !known || !t.Input() {
			continue
		}
		switch f.Type {
		case "department", "departments", "attachment", "image", "signature":
			continue
		case "user", "users":
			if u := x.users(v); u != nil {
				out[f.Key] = u
			}
			continue
		case "relation":
			if ref := refValue(v, x.recKey); ref != nil {
				out[f.Key] = ref
			}
			continue
		case "subform":
			rows, _ := v.([]any)
			var kept []any
			for _, row := range rows {
				if m, isMap := row.(map[string]any); isMap {
					kept = append(kept, x.values(f.Fields, m))
				}
			}
			if len(kept) > 0 {
				out[f.Key] = kept
			}
			continue
		}
		out[f.Key] = v
	}
	return out
}

// users maps user ids to $member values.
func (x *sampler) users(v any) any {
	one := func(id string) any {
		k, ok := x.member[id]
		if ok {
			x.used[k] = true
		}
		return map[string]any{"$member": k}
	}
	switch u := v.(type) {
	case string:
		return one(u)
	case []any:
		var out []any
		for _, e := range u {
			if s, ok := e.(string); ok {
				out = append(out, one(s))
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func refValue(v any, recKey map[string]string) any {
	switch x := v.(type) {
	case string:
		if k, ok := recKey[x]; ok {
			return map[string]any{"$ref": k}
		}
	case []any:
		var out []any
		for _, e := range x {
			if r := refValue(e, recKey); r != nil {
				out = append(out, r)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
