package access

import (
	"context"
	"errors"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// compiler compiles one decision. Besides the form's own sets it may
// read other forms' sets (a lookup shows a field of another form); it
// keeps the earliest expiry of what it read and the first error.
type compiler struct {
	ctx     context.Context
	p       *Policy
	f       engine.Facts
	a       engine.Actor
	ce      *chartEntry
	within  map[string]bool
	expires time.Time
	err     error
}

// maxLookupDepth bounds lookups of lookups followed to find whether the
// field a lookup shows is visible; deeper is treated as hidden.
const maxLookupDepth = 4

// compile turns the permission sets of a form into the decision of act for
// a (docs/permissions.md, "Effective permission"): allowed if a set that
// applies to a grants act; rows the OR of those sets' rows, placeholders
// resolved (nil if one has none); fields hidden if no such set shows them,
// read-only if none lets them be edited, and a formula reading a hidden
// field, or a lookup showing a field of another form a cannot see, hidden
// too. v is nil when the form is not published: no record exists, so any
// rows match nothing and no mask is needed.
func (c *compiler) compile(fp engine.FormPermissions, v *engine.Version, act engine.Action) engine.Decision {
	sets := c.granting(fp, act)
	if len(sets) == 0 {
		return engine.Decision{Reason: "no permission set of form " + fp.Form + " grants " + string(act) + " to this member"}
	}
	d := engine.Decision{Allowed: true, Rows: rows(sets, v, c.ce, c.a)}
	if v != nil {
		d.Mask = c.mask(sets, v)
	}
	return d
}

// granting returns the sets of fp that apply to the actor and grant act.
func (c *compiler) granting(fp engine.FormPermissions, act engine.Action) []*engine.PermissionSet {
	var sets []*engine.PermissionSet
	for i := range fp.Sets {
		s := &fp.Sets[i]
		if !s.Has(act) {
			continue
		}
		if c.within == nil {
			c.within = c.ce.within(c.a.Departments)
		}
		if applies(s, c.a, c.within) {
			sets = append(sets, s)
		}
	}
	return sets
}

// applies reports whether a set is granted to a; within holds a's
// departments and every department above them.
func applies(s *engine.PermissionSet, a engine.Actor, within map[string]bool) bool {
	for _, g := range s.Grants {
		switch g.Kind {
		case engine.GrantEveryone:
			return true
		case engine.GrantRole:
			for _, r := range a.Roles {
				if r == g.ID {
					return true
				}
			}
		case engine.GrantDepartment:
			if within[g.ID] {
				return true
			}
		case engine.GrantMember:
			if g.ID == a.UserID {
				return true
			}
		}
	}
	return false
}

// matchNothing is a filter no record matches (no record has id "-").
func matchNothing() *store.Filter {
	f := store.Where("id", store.OpIn, []any{"-"})
	return &f
}

// rows is the OR of the sets' row filters with a's placeholder values;
// nil when one of the sets reaches every row.
func rows(sets []*engine.PermissionSet, v *engine.Version, ce *chartEntry, a engine.Actor) *store.Filter {
	for _, s := range sets {
		if s.Rows == nil {
			return nil
		}
	}
	if v == nil {
		return matchNothing()
	}
	below := ce.chart.Below(a.Departments)
	pv := engine.PlaceholderValues{Me: a.UserID, Departments: a.Departments, Below: below,
		DepartmentUsers: ce.chart.UsersIn(a.Departments), BelowUsers: ce.chart.UsersIn(below)}
	if pv.Departments == nil {
		pv.Departments = []string{}
	}
	if len(sets) == 1 {
		f := engine.ResolvePlaceholders(*sets[0].Rows, v, pv)
		return &f
	}
	or := make([]store.Filter, len(sets))
	for i, s := range sets {
		or[i] = engine.ResolvePlaceholders(*s.Rows, v, pv)
	}
	f := store.Or(or...)
	return &f
}

// mask is the field mask of the sets on version v; nil when every field
// is visible and editable.
func (c *compiler) mask(sets []*engine.PermissionSet, v *engine.Version) *engine.FieldMask {
	keys := v.Keys()
	hidden, readOnly := map[string]bool{}, map[string]bool{}
	for _, k := range keys {
		shown, edit := false, false
		for _, s := range sets {
			switch s.Access(k) {
			case engine.FieldEdit:
				shown, edit = true, true
			case engine.FieldView:
				shown = true
			}
		}
		switch {
		case !shown:
			hidden[k] = true
		case !edit:
			readOnly[k] = true
		}
	}
	// A lookup shows a field of the linked record's form: hidden when the
	// actor may not see that field there.
	for _, k := range keys {
		if !hidden[k] && !c.lookupVisible(v, k, 1) {
			hidden[k] = true
			delete(readOnly, k)
		}
	}
	// A formula reading a hidden field would show its value: hide it
	// too, until no more formula changes (formulas may read formulas).
	for changed := len(hidden) > 0; changed; {
		changed = false
		for _, k := range keys {
			if hidden[k] {
				continue
			}
			for _, r := range v.Reads(k) {
				if hidden[r] {
					hidden[k] = true
					delete(readOnly, k)
					changed = true
					break
				}
			}
		}
	}
	if len(hidden) == 0 && len(readOnly) == 0 {
		return nil
	}
	return &engine.FieldMask{Hidden: hidden, ReadOnly: readOnly}
}

// lookupVisible reports whether field key of v, when it is a lookup, shows
// a field the actor may see in the linked form's view (true for any other
// field).
func (c *compiler) lookupVisible(v *engine.Version, key string, depth int) bool {
	fd, ok := v.Field(key)
	if !ok || fd.Type != "lookup" {
		return true
	}
	rel, ok := v.Field(fd.Relation)
	if !ok || rel.Form == "" || depth > maxLookupDepth {
		return false
	}
	return c.visibleIn(rel.Form, fd.LookupField, depth)
}

// visibleIn reports whether the actor may see field key in the records
// of form formID: they administer its app, or a set granting view there
// shows it, and neither a formula nor a lookup makes it show a hidden
// field. Anything that cannot be read counts as hidden.
func (c *compiler) visibleIn(formID, key string, depth int) bool {
	ws := c.a.Workspace
	if len(c.a.AdminApps) > 0 {
		if ok, err := c.p.appAdmin(c.ctx, c.f, c.a, engine.Resource{Workspace: ws, Form: formID}); err == nil && ok {
			return true
		}
	}
	fe, err := c.p.form(c.ctx, c.f, ws, formID, false)
	if err != nil {
		return false
	}
	c.expires = earliest(c.expires, fe.expires)
	v, err := c.f.VersionOf(c.ctx, ws, formID)
	if err != nil {
		if !errors.Is(err, engine.ErrNotPublished) && !errors.Is(err, engine.ErrNotFound) && c.err == nil {
			c.err = err
		}
		return false
	}
	sets := c.granting(fe.perms, engine.ActRecordView)
	var field func(k string, seen map[string]bool) bool
	field = func(k string, seen map[string]bool) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		if _, ok := v.Field(k); !ok {
			return false
		}
		shown := false
		for _, s := range sets {
			if s.Access(k) != engine.FieldHidden {
				shown = true
				break
			}
		}
		if !shown || !c.lookupVisible(v, k, depth+1) {
			return false
		}
		for _, r := range v.Reads(k) {
			if !field(r, seen) {
				return false
			}
		}
		return true
	}
	return field(key, map[string]bool{})
}
