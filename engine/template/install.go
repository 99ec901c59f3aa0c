package template

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// InstallOptions adjust an install.
type InstallOptions struct {
	// SampleData installs the sample members and records.
	SampleData bool
	// Locale picks the labels: "en" applies the template's English
	// overlay; "" means the workspace's language.
	Locale string
	// AppName replaces the template's app name (an app of that name
	// already existing is refused).
	AppName string
}

// localePattern is what a locale looks like: "en", "zh-CN", "en_US".
var localePattern = regexp.MustCompile(`^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,3}$`)

// InstallResult says what an install created.
type InstallResult struct {
	AppID  string         `json:"appId"`
	Counts map[string]int `json:"counts"`
}

// undo is the stack of steps that take back what an install created.
type undo []func(ctx context.Context) error

func (u *undo) push(f func(ctx context.Context) error) { *u = append(*u, f) }

// run takes every step back, newest first, and returns the first failure
// (the others are still tried).
func (u undo) run(ctx context.Context) error {
	var first error
	for i := len(u) - 1; i >= 0; i-- {
		if err := u[i](ctx); err != nil && !isNotFound(err) && first == nil {
			first = err
		}
	}
	return first
}

// Install creates an app from p in the workspace of a (a workspace admin):
// the app, its roles (an existing role of the same name is reused), its
// forms (created, then published through the builder, so forms may refer
// to each other), their permission sets, every registered part in install
// order, and, when asked, the sample members and records. It is all or
// nothing: on any failure what was created is removed again and the error
// returned.
func (s *Service) Install(ctx context.Context, a engine.Actor, p *Package, opts InstallOptions) (InstallResult, error) {
	if opts.Locale != "" && !localePattern.MatchString(opts.Locale) {
		return InstallResult{}, invalid(problem("locale", engine.CodeLanguage, map[string]any{"value": opts.Locale}))
	}
	if err := s.Check(ctx, a, p); err != nil {
		return InstallResult{}, err
	}
	p = s.owning(p)
	p, locale, err := s.localized(ctx, a, p, opts.Locale)
	if err != nil {
		return InstallResult{}, err
	}
	opts.Locale = locale
	// The base of later upgrades is the package as installed, in the
	// language installed (an upgrade applies the same overlay).
	base := p.clone()
	base.Sample = nil
	var u undo
	res, err := s.install(ctx, a, p, base, opts, &u)
	if err != nil {
		if uerr := u.run(context.WithoutCancel(ctx)); uerr != nil {
			s.log.Error("template: undoing a failed install left something behind", "template", p.Template.Key, "err", uerr)
		}
		return InstallResult{}, err
	}
	return res, nil
}

func (s *Service) install(ctx context.Context, a engine.Actor, p, base *Package, opts InstallOptions, u *undo) (InstallResult, error) {
	name := strings.TrimSpace(opts.AppName)
	if name == "" {
		name = p.Template.App.Name
	}
	icon := p.Template.App.Icon
	if icon == "" {
		icon = p.Template.Icon
	}
	app, err := s.e.CreateApp(ctx, a, engine.AppInput{Name: name, Description: p.Template.App.Description, Icon: icon})
	if err != nil {
		return InstallResult{}, prefixErr("app", err)
	}
	u.push(func(ctx context.Context) error { return s.e.DeleteApp(ctx, a, app.ID) })
	refs := s.declared(p, a.Workspace, app.ID)
	counts := map[string]int{}
	if err := s.installRoles(ctx, a, p, refs, u); err != nil {
		return InstallResult{}, err
	}
	counts["roles"] = len(p.Roles)
	if err := s.installForms(ctx, a, app.ID, p, refs, u); err != nil {
		return InstallResult{}, err
	}
	counts["forms"] = len(p.Forms)
	parts, err := s.parts(p)
	if err != nil {
		return InstallResult{}, err
	}
	kinds := []string{"forms", "roles"}
	// Sample members come before the parts, so the parts' items that name
	// them (an assignment's round robin, a flow's approver) find their
	// accounts; the sample records come after, once the pipelines exist.
	var sample *sampleState
	if opts.SampleData && p.Sample != nil {
		if sample, err = s.installSampleMembers(ctx, a, p, refs, u); err != nil {
			return InstallResult{}, err
		}
		kinds = append(kinds, "members")
	}
	for _, part := range parts {
		part := part
		items := p.Parts[part.Kind]
		u.push(func(ctx context.Context) error {
			var first error
			for _, id := range refs.Keys(part.Kind) {
				if err := part.Remove(ctx, a, refs, id); err != nil && !isNotFound(err) && first == nil {
					first = err
				}
			}
			return first
		})
		if err := part.Install(ctx, a, refs, items); err != nil {
			return InstallResult{}, prefixErr("parts."+part.Kind, err)
		}
		counts[part.Kind] = len(items)
		kinds = append(kinds, part.Kind)
	}
	if sample != nil {
		n, err := s.installSampleRecords(ctx, a, p, refs, sample)
		if err != nil {
			return InstallResult{}, err
		}
		counts["sampleMembers"], counts["sampleRecords"] = len(p.Sample.Members), n
	}
	if err := s.saveInstallation(ctx, a, app.ID, opts.Locale, base, refsMap(refs, kinds), 0); err != nil {
		return InstallResult{}, err
	}
	return InstallResult{AppID: app.ID, Counts: counts}, nil
}

// prefixErr puts at before the paths of a validation error.
func prefixErr(at string, err error) error {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		return invalid(prefixed(at, ve.Fields)...)
	}
	return err
}

func (s *Service) installRoles(ctx context.Context, a engine.Actor, p *Package, refs *engine.TemplateRefs, u *undo) error {
	if len(p.Roles) == 0 {
		return nil
	}
	existing, err := s.e.Roles(ctx, a)
	if err != nil {
		return err
	}
	for _, r := range p.Roles {
		i := slices.IndexFunc(existing, func(w engine.WorkspaceRole) bool { return strings.EqualFold(w.Name, strings.TrimSpace(r.Name)) })
		if i >= 0 {
			refs.Set("roles", r.Key, existing[i].ID)
			continue
		}
		role, err := s.e.CreateRole(ctx, a, r.Name, r.Description)
		if err != nil {
			return prefixErr("roles."+r.Key, err)
		}
		u.push(func(ctx context.Context) error { return s.e.DeleteRole(ctx, a, role.ID) })
		refs.Set("roles", r.Key, role.ID)
	}
	return nil
}

// installForms creates every form, then publishes each with its
// references translated to ids, then saves its permission sets.
func (s *Service) installForms(ctx context.Context, a engine.Actor, app string, p *Package, refs *engine.TemplateRefs, u *undo) error {
	for _, f := range p.Forms {
		fm, err := s.e.CreateForm(ctx, a, app, engine.FormInput{Name: f.Name, Description: f.Description, Definition: form.Definition{Fields: []form.Field{}}})
		if err != nil {
			return prefixErr("forms."+f.Key, err)
		}
		refs.Set("forms", f.Key, fm.ID)
	}
	ids := refs.Keys("forms")
	order := make([]string, len(p.Forms))
	for i, f := range p.Forms {
		order[i] = ids[f.Key]
	}
	if err := s.setFormOrder(ctx, a, app, order); err != nil {
		return prefixErr("forms", err)
	}
	for _, f := range p.Forms {
		if err := s.publish(ctx, a, ids[f.Key], f, ids); err != nil {
			return prefixErr("forms."+f.Key, err)
		}
	}
	for _, f := range p.Forms {
		if f.Permissions == nil {
			continue
		}
		formID := ids[f.Key]
		u.push(func(ctx context.Context) error { return s.clearSets(ctx, a, formID) })
		if err := s.saveSets(ctx, a, formID, f.Permissions.Sets, refs, u); err != nil {
			return prefixErr("forms."+f.Key+".permissions", err)
		}
	}
	return nil
}

// publish saves f's design (references translated) as the draft of
// formID and publishes it through the builder.
func (s *Service) publish(ctx context.Context, a engine.Actor, formID string, f FormSpec, ids map[string]string) error {
	cur, err := s.e.Form(ctx, a, formID)
	if err != nil {
		return err
	}
	def := translate(f.Definition, ids)
	saved, err := s.e.SaveDraft(ctx, a, formID, engine.FormInput{Name: f.Name, Description: f.Description, Definition: def}, cur.Version)
	if err != nil {
		return err
	}
	if _, _, err := s.b.Publish(ctx, a, formID, saved.Version); err != nil {
		var ve *engine.ValidationError
		if errors.As(err, &ve) && len(ve.Fields) == 1 && ve.Fields[0].Code == engine.CodeNoChanges {
			return nil
		}
		return prefixErr("definition", err)
	}
	return nil
}

// saveSets replaces the permission sets of formID with sets (role keys
// and department names translated to ids).
func (s *Service) saveSets(ctx context.Context, a engine.Actor, formID string, sets []engine.PermissionSet, refs *engine.TemplateRefs, u *undo) error {
	fp, err := s.e.FormPermissions(ctx, a, formID)
	if err != nil {
		return err
	}
	old := map[string]bool{}
	for _, st := range fp.Sets {
		old[st.ID] = true
	}
	version := fp.Version
	for i, set := range sets {
		set.ID = ""
		grants, err := s.grants(ctx, a, set.Grants, refs, u)
		if err != nil {
			return prefixErr(fmt.Sprintf("sets[%d]", i), err)
		}
		set.Grants = grants
		out, _, err := s.e.SavePermissionSet(ctx, a, formID, set, version)
		if err != nil {
			return prefixErr(fmt.Sprintf("sets[%d]", i), err)
		}
		version = out.Version
		if i == 0 && !fp.Configured {
			// The default set became a real one: it is among the old.
			old = map[string]bool{out.Sets[0].ID: true}
		}
	}
	fp, err = s.e.FormPermissions(ctx, a, formID)
	if err != nil {
		return err
	}
	for _, st := range fp.Sets {
		if old[st.ID] {
			if fp, err = s.e.DeletePermissionSet(ctx, a, formID, st.ID, fp.Version); err != nil {
				return err
			}
		}
	}
	return nil
}

// clearSets deletes every permission set of formID (undoing an install,
// so the roles it created can be deleted).
func (s *Service) clearSets(ctx context.Context, a engine.Actor, formID string) error {
	fp, err := s.e.FormPermissions(ctx, a, formID)
	if err != nil || !fp.Configured {
		return err
	}
	ids := make([]string, len(fp.Sets))
	for i, st := range fp.Sets {
		ids[i] = st.ID
	}
	for _, id := range ids {
		if fp, err = s.e.DeletePermissionSet(ctx, a, formID, id, fp.Version); err != nil {
			return err
		}
	}
	return nil
}

// grants translates a template's grants: role keys to ids, department
// names to ids (a missing department is created).
func (s *Service) grants(ctx context.Context, a engine.Actor, in []engine.Grant, refs *engine.TemplateRefs, u *undo) ([]engine.Grant, error) {
	out := make([]engine.Grant, 0, len(in))
	for i, g := range in {
		switch g.Kind {
		case engine.GrantRole:
			id, ok := refs.ID("roles", g.ID)
			if !ok {
				return nil, invalid(problem(fmt.Sprintf("grants[%d].id", i), CodeUnknownRef, map[string]any{"kind": "roles", "key": g.ID}))
			}
			g.ID = id
		case engine.GrantDepartment:
			id, err := s.department(ctx, a, g.ID, u)
			if err != nil {
				return nil, prefixErr(fmt.Sprintf("grants[%d]", i), err)
			}
			g.ID = id
		}
		out = append(out, g)
	}
	return out, nil
}

// department returns the id of the department named name, creating it
// (top level) when the workspace has none of that name.
func (s *Service) department(ctx context.Context, a engine.Actor, name string, u *undo) (string, error) {
	deps, err := s.e.Departments(ctx, a)
	if err != nil {
		return "", err
	}
	for _, d := range deps {
		if strings.EqualFold(d.Name, strings.TrimSpace(name)) {
			return d.ID, nil
		}
	}
	d, err := s.e.CreateDepartment(ctx, a, name, "")
	if err != nil {
		return "", err
	}
	u.push(func(ctx context.Context) error { return s.e.DeleteDepartment(ctx, a, d.ID) })
	return d.ID, nil
}

// sampleState carries the sample members' accounts from their install to
// the sample records'.
type sampleState struct {
	r     *resolver
	names map[string]string // user id -> name
}

// installSampleMembers creates the sample members (placeholder accounts,
// or the existing account of the same email).
func (s *Service) installSampleMembers(ctx context.Context, a engine.Actor, p *Package, refs *engine.TemplateRefs, u *undo) (*sampleState, error) {
	r := &resolver{now: s.e.Now(), records: map[string]string{}, members: map[string]string{}, fallback: a.UserID}
	var err error
	if r.loc, err = s.e.Location(ctx, a.Workspace); err != nil {
		return nil, err
	}
	names := map[string]string{a.UserID: a.Name}
	for _, m := range p.Sample.Members {
		uid, err := s.sampleMember(ctx, a, m, refs, u)
		if err != nil {
			return nil, prefixErr("sample.members."+m.Key, err)
		}
		r.members[m.Key] = uid
		names[uid] = m.Name
		refs.Set("members", m.Key, uid)
	}
	return &sampleState{r: r, names: names}, nil
}

// installSampleRecords writes the sample records in dependency order,
// backdated, with automations off. The undo of the app removes them.
func (s *Service) installSampleRecords(ctx context.Context, a engine.Actor, p *Package, refs *engine.TemplateRefs, st *sampleState) (records int, err error) {
	r, names := st.r, st.names
	order := make([]string, len(p.Forms))
	for i, f := range p.Forms {
		order[i] = f.Key
	}
	levels, err := sampleLevels(p.Sample, order)
	if err != nil {
		return 0, err
	}
	byID := map[string]SampleRecord{}
	for fk, recs := range p.Sample.Records {
		for _, rec := range recs {
			byID[fk+"/"+rec.Key] = rec
		}
	}
	// The records of one level refer only to records of earlier levels:
	// they are written concurrently (the store commits them in groups),
	// the levels one after the other.
	created := map[string]engine.Record{}
	for _, level := range levels {
		out := make([]engine.Record, len(level))
		err := parallel(ctx, sampleWorkers, len(level), func(i int) error {
			key := level[i]
			fk, _, _ := strings.Cut(key, "/")
			rec := byID[key]
			spec, _ := p.form(fk)
			formID, _ := refs.ID("forms", fk)
			at := "sample.records." + key + ".values"
			input, err := r.row(rec.Values, spec.Definition.Fields, at)
			if err != nil {
				return err
			}
			when := r.now.AddDate(0, 0, -rec.DaysAgo)
			out[i], err = s.e.CreateRecord(ctx, s.sampleActor(a, rec.Owner, r, names), formID, input, engine.WriteOptions{SkipAutomations: true, At: when})
			return prefixErr(at, err)
		})
		if err != nil {
			return 0, err
		}
		for i, key := range level {
			r.records[key] = out[i].ID
			created[key] = out[i]
			records++
		}
	}
	// Each record's changes in the order they happened, so its history
	// reads forward; records concurrently.
	var keys []string
	for _, level := range levels {
		for _, key := range level {
			if len(byID[key].Changes) > 0 {
				keys = append(keys, key)
			}
		}
	}
	err = parallel(ctx, sampleWorkers, len(keys), func(i int) error {
		key := keys[i]
		fk, _, _ := strings.Cut(key, "/")
		rec := byID[key]
		fs, _ := p.form(fk)
		formID, _ := refs.ID("forms", fk)
		owner := s.sampleActor(a, rec.Owner, r, names)
		idx := make([]int, len(rec.Changes))
		for j := range idx {
			idx[j] = j
		}
		sort.SliceStable(idx, func(x, y int) bool { return rec.Changes[idx[x]].DaysAgo > rec.Changes[idx[y]].DaysAgo })
		cur := created[key]
		for _, j := range idx {
			c := rec.Changes[j]
			at := fmt.Sprintf("sample.records.%s.changes[%d].values", key, j)
			input, err := r.row(c.Values, fs.Definition.Fields, at)
			if err != nil {
				return err
			}
			cur, err = s.e.UpdateRecord(ctx, owner, formID, cur.ID, input, cur.Version, engine.WriteOptions{SkipAutomations: true, At: r.now.AddDate(0, 0, -c.DaysAgo)})
			if err != nil {
				return prefixErr(at, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return records, nil
}

// sampleWorkers bounds the sample records written at the same time.
const sampleWorkers = 8

// parallel runs fn(0..n-1) on up to workers goroutines and returns the
// error of the lowest index that failed; after a failure no new index
// starts.
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	if n == 0 {
		return nil
	}
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || failed.Load() || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// sampleActor is who writes a sample record: its owner (a sample member)
// or the installer, as a trusted import (which the engine lets backdate).
func (s *Service) sampleActor(a engine.Actor, owner string, r *resolver, names map[string]string) engine.Actor {
	w := a
	w.Source, w.Role = engine.SourceImport, engine.RoleAdmin
	if uid, ok := r.members[owner]; ok {
		w.UserID, w.Name = uid, names[uid]
	}
	return w
}

// ours reports whether a sample member may be the account u: a member of
// the workspace already, or a placeholder the workspace made (no password).
func (s *Service) ours(ctx context.Context, a engine.Actor, u engine.User) bool {
	if _, err := s.e.Membership(ctx, a.Workspace, u.ID); err == nil {
		return true
	}
	return u.Home == a.Workspace && u.PasswordHash == ""
}

// plusAddress is email with a tag of the workspace: local+tag@domain.
func plusAddress(email, ws string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return email
	}
	tag := strings.ToLower(ws)
	if len(tag) > 8 {
		tag = tag[len(tag)-8:]
	}
	return local + "+" + tag + "@" + domain
}

// sampleMember makes m a member of the workspace: the account of its email
// if one exists, else a new placeholder account without a password.
func (s *Service) sampleMember(ctx context.Context, a engine.Actor, m SampleMember, refs *engine.TemplateRefs, u *undo) (string, error) {
	var deps []string
	if strings.TrimSpace(m.Department) != "" {
		id, err := s.department(ctx, a, m.Department, u)
		if err != nil {
			return "", prefixErr("department", err)
		}
		deps = []string{id}
	}
	email := m.Email
	user, err := s.e.UserByEmail(ctx, email)
	if err == nil && !s.ours(ctx, a, user) {
		// Someone's real account (or another workspace's placeholder):
		// never made a member without their consent. The sample member
		// gets a plus address of its own instead.
		email = plusAddress(m.Email, a.Workspace)
		user, err = s.e.UserByEmail(ctx, email)
		if err == nil && !s.ours(ctx, a, user) {
			return "", invalid(problem("email", engine.CodeTaken, nil))
		}
	}
	if errors.Is(err, engine.ErrNotFound) {
		user, err = s.e.CreateUser(ctx, engine.UserInput{Email: email, Name: m.Name, Home: a.Workspace})
		if err == nil {
			uid := user.ID
			u.push(func(ctx context.Context) error { return s.e.DeletePlaceholderUser(ctx, a, uid) })
		}
	}
	if err != nil {
		return "", err
	}
	member, err := s.e.Membership(ctx, a.Workspace, user.ID)
	if errors.Is(err, engine.ErrNotFound) {
		member, err = s.e.AddMember(ctx, a, user.ID, engine.RoleMember, deps)
		if err == nil {
			mid := member.ID
			u.push(func(ctx context.Context) error { return s.e.RemoveMember(ctx, a, mid) })
		}
	}
	if err != nil {
		return "", err
	}
	if len(m.Roles) > 0 {
		roles := slices.Clone(member.Roles)
		for _, k := range m.Roles {
			if id, ok := refs.ID("roles", k); ok && !slices.Contains(roles, id) {
				roles = append(roles, id)
			}
		}
		if len(roles) != len(member.Roles) {
			prev, mid := member.Roles, member.ID
			member, err = s.e.SetMemberAccess(ctx, a, member.ID, roles, member.AdminApps, member.Version)
			if err != nil {
				return "", prefixErr("roles", err)
			}
			u.push(func(ctx context.Context) error {
				cur, err := s.e.Membership(ctx, a.Workspace, user.ID)
				if err != nil {
					return err
				}
				_, err = s.e.SetMemberAccess(ctx, a, mid, prev, cur.AdminApps, cur.Version)
				return err
			})
		}
	}
	if m.Head && len(deps) == 1 {
		if err := s.makeHead(ctx, a, deps[0], user.ID, u); err != nil {
			return "", prefixErr("head", err)
		}
	}
	return user.ID, nil
}

// makeHead adds user to the heads of department dept (the undo puts the
// previous heads back).
func (s *Service) makeHead(ctx context.Context, a engine.Actor, dept, user string, u *undo) error {
	deps, err := s.e.Departments(ctx, a)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if d.ID != dept || slices.Contains(d.Heads, user) {
			continue
		}
		prev := slices.Clone(d.Heads)
		if _, err := s.e.SetDepartmentHeads(ctx, a, dept, append(slices.Clone(d.Heads), user), d.Version); err != nil {
			return err
		}
		u.push(func(ctx context.Context) error {
			all, err := s.e.Departments(ctx, a)
			if err != nil {
				return err
			}
			for _, cur := range all {
				if cur.ID == dept {
					_, err = s.e.SetDepartmentHeads(ctx, a, dept, prev, cur.Version)
					return err
				}
			}
			return nil
		})
	}
	return nil
}

// setFormOrder arranges the forms of app in order (form ids), as the
// template lists them.
func (s *Service) setFormOrder(ctx context.Context, a engine.Actor, app string, order []string) error {
	cur, err := s.e.App(ctx, a, app)
	if err != nil {
		return err
	}
	if slices.Equal(cur.FormOrder, order) {
		return nil
	}
	_, err = s.e.UpdateApp(ctx, a, app, engine.AppInput{Name: cur.Name, Description: cur.Description, Icon: cur.Icon, FormOrder: order}, cur.Version)
	return err
}
