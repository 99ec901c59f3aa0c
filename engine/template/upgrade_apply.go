package template

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// mergeDroppedRoles handles the roles the installed version had and the
// new one drops. One the user did not change and nobody holds is deleted
// (a "remove" change). One the user renamed or that members hold is a
// conflict: "ours" keeps it (no longer the template's), "theirs" takes it
// off its holders and deletes it. One a permission set still grants after
// the upgrade (another app's form, or a set the user made) is kept, listed
// as a "keep" change, since deleting it would change who sees what.
func (s *Service) mergeDroppedRoles(ctx context.Context, a engine.Actor, m *merge, base, theirs *Package, byID map[string]engine.WorkspaceRole) error {
	kept := map[string]bool{}
	for _, r := range theirs.Roles {
		kept[r.Key] = true
	}
	var dropped []RoleSpec
	for _, r := range base.Roles {
		if kept[r.Key] {
			continue
		}
		if id, ok := m.refs.ID("roles", r.Key); ok {
			if _, live := byID[id]; live {
				dropped = append(dropped, r)
			}
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	members, err := s.e.Members(ctx, a)
	if err != nil {
		return err
	}
	granted, err := s.grantedRoles(ctx, a, m)
	if err != nil {
		return err
	}
	for _, b := range dropped {
		id, _ := m.refs.ID("roles", b.Key)
		r := byID[id]
		if granted[id] || granted["key:"+b.Key] {
			m.plan.Changes = append(m.plan.Changes, Change{Kind: "roles", Key: b.Key, Op: "keep", Detail: map[string]any{"name": r.Name, "reason": "granted"}})
			continue
		}
		var holders []engine.Member
		for _, mb := range members {
			if slices.Contains(mb.Roles, id) {
				holders = append(holders, mb)
			}
		}
		bv := RoleSpec{Name: b.Name, Description: b.Description}
		ov := map[string]any{"name": r.Name, "description": r.Description}
		if len(holders) > 0 {
			ov["members"] = len(holders)
		}
		del := roleDel{key: b.Key, id: id, role: r, holders: holders}
		if len(holders) == 0 && r.Name == b.Name && r.Description == b.Description {
			m.plan.Changes = append(m.plan.Changes, Change{Kind: "roles", Key: b.Key, Op: "remove", Detail: map[string]any{"name": r.Name}})
			m.applied++
			m.roleDels = append(m.roleDels, del)
			continue
		}
		if m.conflict("roles", b.Key, "", canon(bv), canon(ov), canon(nil)) {
			m.applied++
			m.roleDels = append(m.roleDels, del)
		}
	}
	return nil
}

// grantedRoles returns the role ids permission sets grant once the upgrade
// is applied: every set of the workspace's forms, but for this app's forms
// whose sets the upgrade replaces, their merged sets (as "key:<role key>").
func (s *Service) grantedRoles(ctx context.Context, a engine.Actor, m *merge) (map[string]bool, error) {
	out := map[string]bool{}
	replaced := map[string]bool{}
	for k, perms := range m.perms {
		if id, ok := m.refs.ID("forms", k); ok {
			replaced[id] = true
		}
		for _, st := range perms.Sets {
			for _, g := range st.Grants {
				if g.Kind == engine.GrantRole {
					out["key:"+g.ID] = true
				}
			}
		}
	}
	removed := map[string]bool{}
	for _, k := range m.removed {
		if id, ok := m.refs.ID("forms", k); ok {
			removed[id] = true
		}
	}
	apps, err := s.e.Apps(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, app := range apps {
		forms, err := s.e.Forms(ctx, a, app.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range forms {
			if replaced[f.ID] || removed[f.ID] {
				continue
			}
			fp, err := s.e.FormPermissions(ctx, a, f.ID)
			if err != nil {
				return nil, err
			}
			for _, st := range fp.Sets {
				for _, g := range st.Grants {
					if g.Kind == engine.GrantRole {
						out[g.ID] = true
					}
				}
			}
		}
	}
	return out, nil
}

// apply writes the merge, all or nothing: roles, new forms, the merged
// forms' designs and permissions, part items, items and roles and forms
// the template dropped, the rebased drafts, then the installation record.
// Each step pushes its undo first; on any failure the undo runs, newest
// first, and puts the app back as it was (forms republished with their
// previous design and draft, permission sets, roles and items restored,
// created ones deleted, removed ones restored or reinstalled), so the
// next preview shows the same plan.
func (s *Service) apply(ctx context.Context, a engine.Actor, m *merge) (int, error) {
	refs := m.refs
	var u undo
	// recreated holds the new ids of what an undo had to create again (a
	// deleted role, a removed item): the installation record learns them.
	recreated := map[string]map[string]string{}
	remember := func(kind, key string) {
		if id, ok := refs.ID(kind, key); ok {
			if recreated[kind] == nil {
				recreated[kind] = map[string]string{}
			}
			recreated[kind][key] = id
		}
	}
	fail := func(err error) (int, error) {
		ctx := context.WithoutCancel(ctx)
		if uerr := u.run(ctx); uerr != nil {
			s.log.Error("template: undoing a failed upgrade left something behind", "app", refs.App, "err", uerr)
		}
		if len(recreated) > 0 {
			stored := map[string]map[string]string{}
			for kind, ids := range m.in.Refs {
				stored[kind] = maps.Clone(ids)
			}
			for kind, ids := range recreated {
				if stored[kind] == nil {
					stored[kind] = map[string]string{}
				}
				maps.Copy(stored[kind], ids)
			}
			if serr := s.saveInstallation(ctx, a, refs.App, m.in.Locale, m.in.Base, stored, m.in.DocVersion); serr != nil {
				s.log.Error("template: recording the ids an undone upgrade recreated", "app", refs.App, "err", serr)
			}
		}
		return 0, err
	}
	step := func(name string) error {
		if s.failAt != nil {
			return s.failAt(name)
		}
		return nil
	}
	ext := s.owned()
	// touch remembers a form's draft and published design before the
	// upgrade first writes it, and pushes the undo that puts both back.
	touched := map[string]bool{}
	touch := func(id string) error {
		if touched[id] || id == "" {
			return nil
		}
		before, err := s.e.Form(ctx, a, id)
		if err != nil {
			return err
		}
		var pub *form.Definition
		if before.Published > 0 {
			v, err := s.e.CurrentVersion(ctx, a, id)
			if err != nil {
				return err
			}
			def := v.Def
			pub = &def
		}
		touched[id] = true
		u.push(func(ctx context.Context) error { return s.restoreForm(ctx, a, before, pub) })
		return nil
	}
	ids := refs.Keys("forms")
	// Roles added or renamed.
	for _, r := range m.roles {
		if err := step("roles"); err != nil {
			return fail(err)
		}
		if id, ok := refs.ID("roles", r.role.Key); ok && r.op == "change" {
			cur, err := s.roleByID(ctx, a, id)
			if err != nil {
				return fail(err)
			}
			if _, err := s.e.UpdateRole(ctx, a, id, r.role.Name, r.role.Description, cur.Version); err != nil {
				return fail(prefixErr("roles."+r.role.Key, err))
			}
			u.push(func(ctx context.Context) error {
				now, err := s.roleByID(ctx, a, id)
				if err != nil {
					return err
				}
				_, err = s.e.UpdateRole(ctx, a, id, cur.Name, cur.Description, now.Version)
				return err
			})
			continue
		}
		if err := s.installRoles(ctx, a, &Package{Roles: []RoleSpec{r.role}}, refs, &u); err != nil {
			return fail(err)
		}
	}
	// New forms, created empty so the designs may refer to each other.
	for _, k := range m.added {
		if err := step("forms.create"); err != nil {
			return fail(err)
		}
		f, _ := m.theirs.form(k)
		fm, err := s.e.CreateForm(ctx, a, refs.App, engine.FormInput{Name: f.Name, Description: f.Description, Definition: form.Definition{Fields: []form.Field{}}})
		if err != nil {
			return fail(prefixErr("forms."+k, err))
		}
		id := fm.ID
		touched[id] = true // deleting it undoes everything
		u.push(func(ctx context.Context) error { return s.e.DeleteForm(ctx, a, id) })
		refs.Set("forms", k, fm.ID)
	}
	ids = refs.Keys("forms")
	// The app's form order.
	if err := step("forms.order"); err != nil {
		return fail(err)
	}
	app, err := s.e.App(ctx, a, refs.App)
	if err != nil {
		return fail(err)
	}
	var parts []engine.TemplatePart
	order := make([]string, 0, len(m.order))
	for _, k := range m.order {
		if id, ok := ids[k]; ok {
			order = append(order, id)
		}
	}
	if !slices.Equal(order, app.FormOrder) {
		prev := app.FormOrder
		u.push(func(ctx context.Context) error { return s.setFormOrder(ctx, a, refs.App, prev) })
		if err := s.setFormOrder(ctx, a, refs.App, order); err != nil {
			return fail(prefixErr("forms", err))
		}
	}
	// The merged designs, each published as the form's next version (an
	// owned extension keeps its published value: its part publishes it).
	for _, f := range m.forms {
		if err := step("forms.publish"); err != nil {
			return fail(err)
		}
		id := ids[f.Key]
		if err := touch(id); err != nil {
			return fail(err)
		}
		if v, err := s.e.CurrentVersion(ctx, a, id); err == nil {
			f.Definition = keepOwned(f.Definition, v.Def, ext)
		}
		if err := s.publish(ctx, a, id, f, ids); err != nil {
			return fail(prefixErr("forms."+f.Key, err))
		}
	}
	// Permission sets.
	for _, k := range sortedKeys(m.perms) {
		if err := step("permissions"); err != nil {
			return fail(err)
		}
		id := ids[k]
		fp, err := s.e.FormPermissions(ctx, a, id)
		if err != nil {
			return fail(err)
		}
		u.push(func(ctx context.Context) error { return s.restoreSets(ctx, a, id, fp) })
		if err := s.saveSets(ctx, a, id, m.perms[k].Sets, refs, &u); err != nil {
			return fail(prefixErr("forms."+k+".permissions", err))
		}
	}
	// Part items added and changed, in install order.
	parts, err = s.parts(&Package{Parts: partsOf(m.parts)})
	if err != nil {
		return fail(err)
	}
	oursItem := func(kind, key string) (engine.TemplateItem, bool) {
		for _, it := range m.ours.Parts[kind] {
			if it.Key == key {
				return it, true
			}
		}
		return engine.TemplateItem{}, false
	}
	// touchOwned prepares the form of an owned extension's item: its part
	// publishes the form's whole draft, so an unpublished draft is set
	// aside first (the rebased one is saved at the end).
	touchOwned := func(kind, key string) error {
		for _, k := range ext {
			if k != kind {
				continue
			}
			id := ids[key]
			if err := touch(id); err != nil {
				return err
			}
			return s.draftToPublished(ctx, a, id)
		}
		return nil
	}
	for _, part := range parts {
		part := part
		var add []engine.TemplateItem
		for _, op := range m.parts[part.Kind] {
			if op.op == "remove" {
				continue
			}
			id, ok := refs.ID(part.Kind, op.item.Key)
			if op.op == "add" || !ok {
				add = append(add, op.item)
				continue
			}
			if err := step("parts." + part.Kind); err != nil {
				return fail(err)
			}
			if err := touchOwned(part.Kind, op.item.Key); err != nil {
				return fail(err)
			}
			if prev, has := oursItem(part.Kind, op.item.Key); has {
				u.push(func(ctx context.Context) error { return part.Update(ctx, a, refs, prev, id) })
			}
			if err := part.Update(ctx, a, refs, op.item, id); err != nil {
				return fail(prefixErr("parts."+part.Kind, err))
			}
		}
		if len(add) == 0 {
			continue
		}
		if err := step("parts." + part.Kind); err != nil {
			return fail(err)
		}
		for _, it := range add {
			if err := touchOwned(part.Kind, it.Key); err != nil {
				return fail(err)
			}
		}
		before := refs.Keys(part.Kind)
		u.push(func(ctx context.Context) error {
			var first error
			for _, it := range add {
				id, ok := refs.ID(part.Kind, it.Key)
				if !ok || before[it.Key] == id {
					continue
				}
				if err := part.Remove(ctx, a, refs, id); err != nil && !isNotFound(err) && first == nil {
					first = err
				}
			}
			return first
		})
		if err := part.Install(ctx, a, refs, add); err != nil {
			return fail(prefixErr("parts."+part.Kind, err))
		}
	}
	// Items the template dropped, dependents first; an undo installs the
	// app's item again.
	for i := len(parts) - 1; i >= 0; i-- {
		part := parts[i]
		for _, op := range m.parts[part.Kind] {
			if op.op != "remove" {
				continue
			}
			id, ok := refs.ID(part.Kind, op.item.Key)
			if !ok {
				continue
			}
			if err := step("parts." + part.Kind + ".remove"); err != nil {
				return fail(err)
			}
			if err := touchOwned(part.Kind, op.item.Key); err != nil {
				return fail(err)
			}
			if prev, has := oursItem(part.Kind, op.item.Key); has {
				key := op.item.Key
				u.push(func(ctx context.Context) error {
					if err := part.Install(ctx, a, refs, []engine.TemplateItem{prev}); err != nil {
						return err
					}
					remember(part.Kind, key)
					return nil
				})
			}
			if err := part.Remove(ctx, a, refs, id); err != nil && !isNotFound(err) {
				return fail(prefixErr("parts."+part.Kind, err))
			}
		}
	}
	// Roles the template dropped.
	for _, d := range m.roleDels {
		if err := step("roles.remove"); err != nil {
			return fail(err)
		}
		key := d.key
		u.push(func(context.Context) error { remember("roles", key); return nil }) // runs after the role is back
		if err := s.deleteRole(ctx, a, refs, d, &u); err != nil {
			return fail(prefixErr("roles."+d.key, err))
		}
	}
	// Forms the template dropped go to the recycle bin.
	for _, k := range m.removed {
		id, ok := refs.ID("forms", k)
		if !ok {
			continue
		}
		if err := step("forms.remove"); err != nil {
			return fail(err)
		}
		if err := s.e.DeleteForm(ctx, a, id); err != nil && !isNotFound(err) {
			return fail(prefixErr("forms."+k, err))
		}
		u.push(func(ctx context.Context) error { _, err := s.e.RestoreForm(ctx, a, id); return err })
	}
	// The unpublished drafts, rebased on what was published.
	for _, d := range m.drafts {
		if err := step("drafts"); err != nil {
			return fail(err)
		}
		id := ids[d.key]
		if err := touch(id); err != nil {
			return fail(err)
		}
		cur, err := s.e.Form(ctx, a, id)
		if err != nil {
			return fail(err)
		}
		if _, err := s.e.SaveDraft(ctx, a, id, engine.FormInput{Name: cur.Name, Description: cur.Description, Definition: translate(d.def, ids)}, cur.Version); err != nil {
			return fail(prefixErr("forms."+d.key+".draft", err))
		}
	}
	if err := step("installation"); err != nil {
		return fail(err)
	}
	kinds := []string{"forms", "roles", "members"}
	for k := range m.in.Refs {
		kinds = append(kinds, k)
	}
	for k := range m.theirs.Parts {
		kinds = append(kinds, k)
	}
	stored := refsMap(refs, unionKeys(kinds))
	for _, d := range m.roleDels {
		delete(stored["roles"], d.key)
	}
	if err := s.saveInstallation(ctx, a, refs.App, m.in.Locale, m.theirs, stored, m.in.DocVersion); err != nil {
		return fail(err)
	}
	return m.applied, nil
}

// restoreForm puts a form's published design (as a new version: the
// builder brings archived fields back with their data) and its draft back
// as they were.
func (s *Service) restoreForm(ctx context.Context, a engine.Actor, before engine.Form, pub *form.Definition) error {
	cur, err := s.e.Form(ctx, a, before.ID)
	if err != nil {
		return err
	}
	if pub != nil {
		v, err := s.e.CurrentVersion(ctx, a, before.ID)
		if err != nil {
			return err
		}
		if !jsonEqual(v.Def, *pub) {
			saved, err := s.e.SaveDraft(ctx, a, before.ID, engine.FormInput{Name: before.Name, Description: before.Description, Definition: *pub}, cur.Version)
			if err != nil {
				return err
			}
			if _, _, err := s.b.Publish(ctx, a, before.ID, saved.Version); err != nil && !isNoChanges(err) {
				return err
			}
			if cur, err = s.e.Form(ctx, a, before.ID); err != nil {
				return err
			}
		}
	}
	if jsonEqual(cur.Draft, before.Draft) && cur.Name == before.Name && cur.Description == before.Description {
		return nil
	}
	_, err = s.e.SaveDraft(ctx, a, before.ID, engine.FormInput{Name: before.Name, Description: before.Description, Definition: before.Draft}, cur.Version)
	return err
}

// restoreSets puts a form's permission sets back as fp had them (ids as
// stored, no translation).
func (s *Service) restoreSets(ctx context.Context, a engine.Actor, formID string, fp engine.FormPermissions) error {
	if err := s.clearSets(ctx, a, formID); err != nil {
		return err
	}
	if !fp.Configured {
		return nil
	}
	cur, err := s.e.FormPermissions(ctx, a, formID)
	if err != nil {
		return err
	}
	version := cur.Version
	for _, set := range fp.Sets {
		set.ID = ""
		out, _, err := s.e.SavePermissionSet(ctx, a, formID, set, version)
		if err != nil {
			return err
		}
		version = out.Version
	}
	return nil
}

// deleteRole takes a dropped role off its holders and deletes it; the undo
// creates it again (a new id, recorded in refs) and gives it back.
func (s *Service) deleteRole(ctx context.Context, a engine.Actor, refs *engine.TemplateRefs, d roleDel, u *undo) error {
	for _, h := range d.holders {
		cur, err := s.e.Membership(ctx, a.Workspace, h.UserID)
		if err != nil {
			return err
		}
		roles := slices.DeleteFunc(slices.Clone(cur.Roles), func(r string) bool { return r == d.id })
		if _, err := s.e.SetMemberAccess(ctx, a, cur.ID, roles, cur.AdminApps, cur.Version); err != nil {
			return err
		}
		uid := h.UserID
		u.push(func(ctx context.Context) error {
			cur, err := s.e.Membership(ctx, a.Workspace, uid)
			if err != nil {
				return err
			}
			id, ok := refs.ID("roles", d.key)
			if !ok || slices.Contains(cur.Roles, id) {
				return nil
			}
			_, err = s.e.SetMemberAccess(ctx, a, cur.ID, append(slices.Clone(cur.Roles), id), cur.AdminApps, cur.Version)
			return err
		})
	}
	if err := s.e.DeleteRole(ctx, a, d.id); err != nil && !isNotFound(err) {
		return err
	}
	u.push(func(ctx context.Context) error {
		r, err := s.e.CreateRole(ctx, a, d.role.Name, d.role.Description)
		if err != nil {
			return err
		}
		refs.Set("roles", d.key, r.ID)
		return nil
	})
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func jsonEqual(x, y any) bool { return bytes.Equal(canon(x), canon(y)) }

// isNoChanges reports the builder's refusal to publish a design equal to
// the current version.
func isNoChanges(err error) bool {
	var ve *engine.ValidationError
	return errors.As(err, &ve) && len(ve.Fields) == 1 && ve.Fields[0].Code == engine.CodeNoChanges
}

// draftToPublished makes a form's draft its published design again (when
// they differ), so that publishing the draft publishes nothing else.
func (s *Service) draftToPublished(ctx context.Context, a engine.Actor, id string) error {
	cur, err := s.e.Form(ctx, a, id)
	if err != nil || cur.Published == 0 {
		return err
	}
	v, err := s.e.CurrentVersion(ctx, a, id)
	if err != nil {
		return err
	}
	if jsonEqual(cur.Draft, v.Def) {
		return nil
	}
	_, err = s.e.SaveDraft(ctx, a, id, engine.FormInput{Name: cur.Name, Description: cur.Description, Definition: v.Def}, cur.Version)
	return err
}
