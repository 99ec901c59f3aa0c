package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// checkReferences checks that the related records, members, departments
// and files a write names exist in the actor's workspace (files are also
// judged against the field's limits on what the upload recorded). It runs
// before lookups, formulas and rules, so none of them ever reads data the
// actor may not name. Unchanged values of an update are not checked again.
func (w *write) checkReferences(ctx context.Context, data map[string]any) []field.Error {
	var errs []field.Error
	for _, f := range w.v.fields {
		val, ok := data[f.def.Key]
		if !ok || val == nil {
			continue
		}
		if w.old != nil && reflect.DeepEqual(w.old.Data[f.def.Key], val) {
			continue
		}
		if c, ok := f.typ.(field.Container); ok {
			errs = append(errs, w.checkRowReferences(ctx, f, c.Rows(val))...)
			continue
		}
		errs = append(errs, w.checkFieldReferences(ctx, f, f.def.Key, data)...)
	}
	return errs
}

// checkFieldReferences checks the value of f held in holder (the record's
// data or a subform row); path locates it.
func (w *write) checkFieldReferences(ctx context.Context, f *cfield, path string, holder map[string]any) []field.Error {
	if fc, ok := f.typ.(field.FileChecker); ok {
		return w.resolveFiles(ctx, f, fc, path, holder)
	}
	missing, err := w.missingRefs(ctx, f, idsOf(holder[f.def.Key]))
	if err != nil {
		return []field.Error{fieldErr(path, CodeReferenceCheckFailed, map[string]any{"reason": err.Error()})}
	}
	if len(missing) > 0 {
		return []field.Error{fieldErr(path, CodeNotFound, map[string]any{"value": strings.Join(missing, ", ")})}
	}
	return nil
}

// checkRowReferences checks the references of every row of a subform, with
// one store query per row field.
func (w *write) checkRowReferences(ctx context.Context, f *cfield, rows []map[string]any) []field.Error {
	var errs []field.Error
	for _, sf := range f.sub {
		if _, ok := sf.typ.(field.FileChecker); ok {
			for i, row := range rows {
				if row[sf.def.Key] != nil {
					errs = append(errs, w.checkFieldReferences(ctx, sf, fmt.Sprintf("%s[%d].%s", f.def.Key, i, sf.def.Key), row)...)
				}
			}
			continue
		}
		if _, ok := sf.typ.(field.Referencer); !ok {
			continue
		}
		var ids []string
		seen := map[string]bool{}
		for _, row := range rows {
			for _, id := range idsOf(row[sf.def.Key]) {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		missing, err := w.missingRefs(ctx, sf, ids)
		if err != nil {
			return append(errs, fieldErr(f.def.Key, CodeReferenceCheckFailed, map[string]any{"reason": err.Error()}))
		}
		gone := map[string]bool{}
		for _, id := range missing {
			gone[id] = true
		}
		for i, row := range rows {
			var bad []string
			for _, id := range idsOf(row[sf.def.Key]) {
				if gone[id] {
					bad = append(bad, id)
				}
			}
			if len(bad) > 0 {
				errs = append(errs, fieldErr(fmt.Sprintf("%s[%d].%s", f.def.Key, i, sf.def.Key), CodeNotFound, map[string]any{"value": strings.Join(bad, ", ")}))
			}
		}
	}
	return errs
}

// missingRefs returns the ids of a reference field that do not exist in the
// actor's workspace; nil for fields that hold no references.
func (w *write) missingRefs(ctx context.Context, f *cfield, ids []string) ([]string, error) {
	r, ok := f.typ.(field.Referencer)
	if !ok || len(ids) == 0 {
		return nil, nil
	}
	switch r.RefKind(f.def) {
	case field.RefRecords:
		return w.e.missingRecords(ctx, w.a, f.def.Form, ids)
	case field.RefMembers:
		return w.e.missingMembers(ctx, w.a.Workspace, ids)
	case field.RefDepartments:
		return w.e.missingDocs(ctx, collDepartments, w.a.Workspace, ids)
	}
	return nil, fmt.Errorf("engine: field %s: unknown reference kind", f.def.Key)
}

func idsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// missingRecords returns the ids that are not live records of formID in
// the actor's workspace that the actor may see: a relation to a record
// outside their view rows is refused as missing, so no lookup copies its
// values to them.
func (e *Engine) missingRecords(ctx context.Context, a Actor, formID string, ids []string) ([]string, error) {
	if _, err := e.getScoped(ctx, collForms, a.Workspace, formID); err != nil {
		return ids, nil
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return ids, nil
	}
	d, err := e.viewDecision(ctx, a, formID)
	if errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) {
		return ids, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := v.rowsFilter(d)
	if err != nil {
		return nil, err
	}
	f := andRows(&store.Filter{Field: store.FieldID, Op: store.OpIn, Value: anyList(ids)}, rows)
	p, err := e.st.Find(ctx, recordColl(formID), store.Query{Filter: f, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	return missingOf(ids, docIDs(p.Docs)), nil
}

func (e *Engine) missingMembers(ctx context.Context, ws string, ids []string) ([]string, error) {
	f := store.And(store.Where("workspace", store.OpEq, ws), store.Where("user", store.OpIn, anyList(ids)))
	p, err := e.st.Find(ctx, collMembers, store.Query{Filter: &f, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	present := make([]string, len(p.Docs))
	for i, d := range p.Docs {
		present[i] = str(d.Data, "user")
	}
	return missingOf(ids, present), nil
}

func (e *Engine) missingDocs(ctx context.Context, coll, ws string, ids []string) ([]string, error) {
	f := store.And(store.Where("workspace", store.OpEq, ws), store.Where(store.FieldID, store.OpIn, anyList(ids)))
	p, err := e.st.Find(ctx, coll, store.Query{Filter: &f, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	return missingOf(ids, docIDs(p.Docs)), nil
}

// docIDs lists the ids of docs.
func docIDs(docs []store.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// missingOf returns the ids not in present, in the order of ids.
func missingOf(ids, present []string) []string {
	have := make(map[string]bool, len(present))
	for _, id := range present {
		have[id] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing
}

// copyLookups copies, for lookup fields that are not live, the looked-up
// field of the related record into data. The references were checked
// before; the related form is checked to be of the workspace again, so a
// design stored before that check existed cannot read across workspaces.
func (w *write) copyLookups(ctx context.Context, data map[string]any) error {
	for _, f := range w.v.fields {
		lk, ok := f.typ.(field.Looker)
		if !ok || f.def.Live {
			continue
		}
		relKey, lookedUp := lk.LookedUp(f.def)
		rel, ok := w.v.byKey[relKey]
		if !ok {
			continue
		}
		ids := idsOf(data[rel.def.Key])
		if len(ids) == 0 {
			delete(data, f.def.Key)
			continue
		}
		if !w.e.formInWorkspace(ctx, w.a.Workspace, rel.def.Form) {
			delete(data, f.def.Key)
			continue
		}
		var vals []any
		for _, id := range ids {
			d, err := w.e.st.Get(ctx, recordColl(rel.def.Form), id)
			if err != nil || d.DeletedAt != nil {
				continue
			}
			r := recordFrom(d)
			vals = append(vals, r.Data[lookedUp])
		}
		switch {
		case len(vals) == 0:
			delete(data, f.def.Key)
		case rel.def.Multiple:
			data[f.def.Key] = vals
		default:
			data[f.def.Key] = vals[0]
		}
	}
	return nil
}

// formInWorkspace reports whether formID is a form of workspace ws (also
// one in the recycle bin: its records stay readable through relations).
func (e *Engine) formInWorkspace(ctx context.Context, ws, formID string) bool {
	_, err := e.getScoped(ctx, collForms, ws, formID)
	return err == nil
}

// nextSerial draws the next number of a numbered field from a store counter
// (per reset period, so numbers never repeat, also across processes) and
// renders it as the field type does.
func (e *Engine) nextSerial(ctx context.Context, v *Version, f *cfield, seq field.Sequencer, fc field.Context) (string, error) {
	n, err := e.st.Increment(ctx, "serial:"+v.Form+":"+f.def.Key+":"+seq.SequencePeriod(fc, f.def), 1)
	if err != nil {
		return "", mapStoreErr(err)
	}
	return seq.SequenceValue(fc, f.def, n), nil
}

// resolveFiles checks that every file a file field names was uploaded to
// this workspace, and replaces the client's description of each file (name,
// size, content type) with what the upload recorded, so the field's type and
// size limits are judged on sniffed facts, by the field type's own rule.
func (w *write) resolveFiles(ctx context.Context, f *cfield, fc field.FileChecker, at string, holder map[string]any) []field.Error {
	list, _ := holder[f.def.Key].([]any)
	out := make([]any, 0, len(list))
	for i, item := range list {
		ref, _ := item.(map[string]any)
		id, _ := ref["id"].(string)
		path := fmt.Sprintf("%s[%d]", at, i)
		d, err := w.e.liveScoped(ctx, collFiles, w.a.Workspace, id)
		if err != nil || !w.mayAttach(ctx, id, d.CreatedBy) {
			return []field.Error{fieldErr(path, CodeNotFound, map[string]any{"value": id})}
		}
		info := fileFrom(d)
		if errs := fc.CheckFile(f.def, path, field.FileInfo{Name: info.Name, ContentType: info.ContentType, Size: info.Size}); len(errs) > 0 {
			return errs
		}
		out = append(out, map[string]any{"id": info.ID, "name": info.Name, "size": float64(info.Size), "content_type": info.ContentType})
	}
	holder[f.def.Key] = out
	return nil
}

// mayAttach reports whether the write may name file id: a file the record
// already lists, or one the actor uploaded (an admin's and the system's
// writes may name any file of the workspace). Naming someone else's upload
// would let the actor read it through their own record.
func (w *write) mayAttach(ctx context.Context, id, uploader string) bool {
	if uploader == w.a.UserID || w.a.Source == SourceSystem {
		return true
	}
	if w.old != nil {
		for _, val := range w.old.Data {
			if listsFile(val, id) {
				return true
			}
		}
	}
	return w.e.allow(ctx, w.a, ActFilesReadAll, Resource{}) == nil
}
