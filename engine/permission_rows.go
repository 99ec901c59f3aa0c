package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/formloom/formloom/engine/store"
)

// PlaceholderValues are one actor's values of the row-filter placeholders.
type PlaceholderValues struct {
	Me string
	// Departments are the actor's departments, Below those and every
	// department under them; DepartmentUsers and BelowUsers are the users
	// who are members of each.
	Departments     []string
	Below           []string
	DepartmentUsers []string
	BelowUsers      []string
}

// userPath reports whether a query path holds user ids: the owner, creator
// and last editor of a record, and user fields.
func (v *Version) userPath(path string) bool {
	switch path {
	case "ownedBy", "createdBy", "updatedBy":
		return true
	}
	f := v.byKey[path]
	return f != nil && (f.def.Type == "user" || f.def.Type == "users")
}

// ResolvePlaceholders returns f with every placeholder replaced by the
// actor's values (see the Placeholder constants). A department placeholder
// on a user-valued path becomes the department's users; with eq or ne it
// becomes in or nin. The result is a new tree; f is not changed.
func ResolvePlaceholders(f store.Filter, v *Version, pv PlaceholderValues) store.Filter {
	switch {
	case f.And != nil:
		out := make([]store.Filter, len(f.And))
		for i, c := range f.And {
			out[i] = ResolvePlaceholders(c, v, pv)
		}
		return store.Filter{And: out}
	case f.Or != nil:
		out := make([]store.Filter, len(f.Or))
		for i, c := range f.Or {
			out[i] = ResolvePlaceholders(c, v, pv)
		}
		return store.Filter{Or: out}
	case f.Not != nil:
		n := ResolvePlaceholders(*f.Not, v, pv)
		return store.Filter{Not: &n}
	}
	s, ok := f.Value.(string)
	if !ok {
		return f
	}
	var list []string
	switch s {
	case PlaceholderMe:
		if f.Op == store.OpEq || f.Op == store.OpNe {
			return store.Filter{Field: f.Field, Op: f.Op, Value: pv.Me}
		}
		list = []string{pv.Me}
	case PlaceholderMyDepartments:
		list = pv.Departments
		if v.userPath(f.Field) {
			list = pv.DepartmentUsers
		}
	case PlaceholderMyDepartmentsAndBelow:
		list = pv.Below
		if v.userPath(f.Field) {
			list = pv.BelowUsers
		}
	default:
		return f
	}
	vals := make([]any, len(list))
	for i, x := range list {
		vals[i] = x
	}
	op := f.Op
	switch op {
	case store.OpEq:
		op = store.OpIn
	case store.OpNe:
		op = store.OpNin
	}
	if len(vals) == 0 && op == store.OpIn {
		// in [] matches nothing: a member of no department sees no
		// department rows.
		return store.Filter{Field: "id", Op: store.OpIn, Value: []any{"-"}}
	}
	return store.Filter{Field: f.Field, Op: op, Value: vals}
}

// placeholderOps are the operators a placeholder may be used with.
var placeholderOps = []store.Op{store.OpEq, store.OpNe, store.OpIn, store.OpNin, store.OpContainsAny}

// checkPlaceholders refuses a placeholder on an operator it cannot mean.
func checkPlaceholders(f store.Filter, at string) error {
	return eachCondition(f, at, func(c store.Filter, at string) error {
		s, ok := c.Value.(string)
		if !ok || (s != PlaceholderMe && s != PlaceholderMyDepartments && s != PlaceholderMyDepartmentsAndBelow) {
			return nil
		}
		if !slices.Contains(placeholderOps, c.Op) {
			return invalid(fieldErr(at, CodePlaceholder, map[string]any{"value": s}))
		}
		return nil
	})
}

// eachCondition calls fn with every condition node (field, op, value) of f
// and its path from at (at.and[0].not…), stopping at the first error.
func eachCondition(f store.Filter, at string, fn func(c store.Filter, at string) error) error {
	for i, c := range f.And {
		if err := eachCondition(c, fmt.Sprintf("%s.and[%d]", at, i), fn); err != nil {
			return err
		}
	}
	for i, c := range f.Or {
		if err := eachCondition(c, fmt.Sprintf("%s.or[%d]", at, i), fn); err != nil {
			return err
		}
	}
	if f.Not != nil {
		return eachCondition(*f.Not, at+".not", fn)
	}
	if f.Field == "" {
		return nil
	}
	return fn(f, at)
}

// backfillOwners gives every record of a form that has no owner its
// creator as owner (records written before owners existed), so row filters
// on owner see them. It runs when a row filter first refers to owner; each
// record is one unit of work conditional on the version read, and a record
// changed meanwhile is left for the next run.
func (e *Engine) backfillOwners(ctx context.Context, ws, formID string) error {
	missing := store.Where(ownerKey, store.OpExists, false)
	for {
		p, err := e.st.Find(ctx, recordColl(formID), store.Query{Filter: &missing, Limit: 500, Deleted: store.IncludeDeleted})
		if err != nil {
			return mapStoreErr(err)
		}
		done := 0
		for _, d := range p.Docs {
			data := make(map[string]any, len(d.Data)+1)
			for k, val := range d.Data {
				data[k] = val
			}
			data[ownerKey] = d.CreatedBy
			_, err := e.st.Commit(ctx, store.UnitOfWork{Actor: "system", Writes: []store.Write{{Op: store.OpUpdate,
				Collection: recordColl(formID), ExpectVersion: d.Version, Doc: store.Document{ID: d.ID, Data: data}}}})
			switch {
			case err == nil:
				done++
			case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound):
			default:
				return mapStoreErr(err)
			}
		}
		if len(p.Docs) < 500 || done == 0 {
			return nil
		}
	}
}
