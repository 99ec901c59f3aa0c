package access

import (
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// compile turns the permission sets of a form into the decision of act for
// a (docs/permissions.md, "Effective permission"): allowed if a set that
// applies to a grants act; rows the OR of those sets' rows, placeholders
// resolved (nil if one has none); fields hidden if no such set shows them,
// read-only if none lets them be edited, and a formula reading a hidden
// field hidden too. v is nil when the form is not published: no record
// exists, so any rows match nothing and no mask is needed.
func compile(fp engine.FormPermissions, v *engine.Version, ce *chartEntry, a engine.Actor, act engine.Action) engine.Decision {
	var sets []*engine.PermissionSet
	var within map[string]bool
	for i := range fp.Sets {
		s := &fp.Sets[i]
		if !s.Has(act) {
			continue
		}
		if within == nil {
			within = ce.within(a.Departments)
		}
		if applies(s, a, within) {
			sets = append(sets, s)
		}
	}
	if len(sets) == 0 {
		return engine.Decision{Reason: "no permission set of form " + fp.Form + " grants " + string(act) + " to this member"}
	}
	d := engine.Decision{Allowed: true, Rows: rows(sets, v, ce, a)}
	if v != nil {
		d.Mask = mask(sets, v)
	}
	return d
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
func mask(sets []*engine.PermissionSet, v *engine.Version) *engine.FieldMask {
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
