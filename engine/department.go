package engine

import (
	"context"
	"strings"

	"github.com/formloom/formloom/engine/store"
)

// Department is a node of a workspace's organisation tree.
type Department struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	// Heads are the user ids of the department's heads (负责人): the
	// approvers "head of the initiator's department" resolves to, and the
	// second step of an alert's escalation.
	Heads   []string `json:"heads,omitempty"`
	Version int64    `json:"version"`
}

// CreateDepartment adds a department under parent ("" for the top) (admins only).
func (e *Engine) CreateDepartment(ctx context.Context, a Actor, name, parent string) (Department, error) {
	if err := e.allow(ctx, a, ActDepartmentsManage, Resource{}); err != nil {
		return Department{}, err
	}
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Department{}, err
	}
	if parent != "" {
		if _, err := e.getScoped(ctx, collDepartments, a.Workspace, parent); err != nil {
			return Department{}, invalid(fieldErr("parent", CodeNotFound, nil))
		}
	}
	id := store.NewID()
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpInsert, Collection: collDepartments,
		Doc: store.Document{ID: id, Data: map[string]any{"workspace": a.Workspace, "name": name, "parent": parent}}}},
		Events: []store.Event{newEvent(EventDepartmentCreated, a.Workspace, collDepartments, id, DepartmentPayload{Department: id, Name: name, Parent: parent})}})
	if err != nil {
		return Department{}, mapStoreErr(err)
	}
	return departmentFrom(res.Docs[0]), nil
}

// Departments lists the departments of the actor's workspace, by name.
func (e *Engine) Departments(ctx context.Context, a Actor) ([]Department, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, collDepartments, store.Where("workspace", store.OpEq, a.Workspace), []store.SortKey{{Field: "name"}})
	if err != nil {
		return nil, err
	}
	out := make([]Department, len(docs))
	for i, d := range docs {
		out[i] = departmentFrom(d)
	}
	return out, nil
}

// UpdateDepartment renames or moves a department (admins only); a department
// cannot become its own ancestor.
func (e *Engine) UpdateDepartment(ctx context.Context, a Actor, id, name, parent string, version int64) (Department, error) {
	if err := e.allow(ctx, a, ActDepartmentsManage, Resource{}); err != nil {
		return Department{}, err
	}
	cur, err := e.getScoped(ctx, collDepartments, a.Workspace, id)
	if err != nil {
		return Department{}, err
	}
	heads := departmentFrom(cur).Heads
	name = strings.TrimSpace(name)
	if err := checkName("name", name); err != nil {
		return Department{}, err
	}
	for p := parent; p != ""; {
		if p == id {
			return Department{}, invalid(fieldErr("parent", CodeCycle, nil))
		}
		d, err := e.getScoped(ctx, collDepartments, a.Workspace, p)
		if err != nil {
			return Department{}, invalid(fieldErr("parent", CodeNotFound, nil))
		}
		p = str(d.Data, "parent")
	}
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collDepartments,
		ExpectVersion: version, Doc: store.Document{ID: id, Data: departmentData(a.Workspace, name, parent, heads)}}},
		Events: []store.Event{newEvent(EventDepartmentUpdated, a.Workspace, collDepartments, id, DepartmentPayload{Department: id, Name: name, Parent: parent, Heads: heads})}})
	if err != nil {
		return Department{}, mapStoreErr(err)
	}
	return departmentFrom(res.Docs[0]), nil
}

// DeleteDepartment removes a department that has no sub-departments (admins only).
func (e *Engine) DeleteDepartment(ctx context.Context, a Actor, id string) error {
	if err := e.allow(ctx, a, ActDepartmentsManage, Resource{}); err != nil {
		return err
	}
	d, err := e.getScoped(ctx, collDepartments, a.Workspace, id)
	if err != nil {
		return err
	}
	f := store.And(store.Where("workspace", store.OpEq, a.Workspace), store.Where("parent", store.OpEq, id))
	n, err := e.st.Count(ctx, collDepartments, store.Query{Filter: &f})
	if err != nil {
		return mapStoreErr(err)
	}
	if n > 0 {
		return invalid(fieldErr("id", CodeHasChildren, nil))
	}
	_, err = e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpHardDelete, Collection: collDepartments, Doc: store.Document{ID: id}}},
		Events: []store.Event{newEvent(EventDepartmentDeleted, a.Workspace, collDepartments, id,
			DepartmentPayload{Department: id, Name: str(d.Data, "name"), Parent: str(d.Data, "parent")})}})
	return mapStoreErr(err)
}

func (e *Engine) checkDepartments(ctx context.Context, ws string, ids []string) error {
	for _, id := range ids {
		if _, err := e.getScoped(ctx, collDepartments, ws, id); err != nil {
			return invalid(fieldErr("departments", CodeNotFound, map[string]any{"value": id}))
		}
	}
	return nil
}

func departmentFrom(d store.Document) Department {
	return Department{ID: d.ID, Name: str(d.Data, "name"), Parent: str(d.Data, "parent"), Heads: strList(d.Data, "heads"), Version: d.Version}
}

func departmentData(ws, name, parent string, heads []string) map[string]any {
	m := map[string]any{"workspace": ws, "name": name, "parent": parent}
	if len(heads) > 0 {
		m["heads"] = anyList(heads)
	}
	return m
}

// maxDepartmentHeads bounds the heads of one department.
const maxDepartmentHeads = 20

// SetDepartmentHeads replaces the heads of a department (admins only); each
// must be a live member of the workspace. version is the one read.
func (e *Engine) SetDepartmentHeads(ctx context.Context, a Actor, id string, heads []string, version int64) (Department, error) {
	if err := e.allow(ctx, a, ActDepartmentsManage, Resource{}); err != nil {
		return Department{}, err
	}
	cur, err := e.getScoped(ctx, collDepartments, a.Workspace, id)
	if err != nil {
		return Department{}, err
	}
	if len(heads) > maxDepartmentHeads {
		return Department{}, invalid(fieldErr("heads", CodeMaxItems, map[string]any{"max": maxDepartmentHeads}))
	}
	seen := map[string]bool{}
	clean := make([]string, 0, len(heads))
	for _, h := range heads {
		if seen[h] {
			continue
		}
		seen[h] = true
		m, err := e.Membership(ctx, a.Workspace, h)
		if err != nil || m.Disabled {
			return Department{}, invalid(fieldErr("heads", CodeNotFound, map[string]any{"value": h}))
		}
		clean = append(clean, h)
	}
	d := departmentFrom(cur)
	res, err := e.commit(ctx, store.UnitOfWork{Actor: a.UserID, Writes: []store.Write{{Op: store.OpUpdate, Collection: collDepartments,
		ExpectVersion: version, Doc: store.Document{ID: id, Data: departmentData(a.Workspace, d.Name, d.Parent, clean)}}},
		Events: []store.Event{newEvent(EventDepartmentUpdated, a.Workspace, collDepartments, id, DepartmentPayload{Department: id, Name: d.Name, Parent: d.Parent, Heads: clean})}})
	if err != nil {
		return Department{}, mapStoreErr(err)
	}
	return departmentFrom(res.Docs[0]), nil
}
