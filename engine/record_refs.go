package engine

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// checkReferences checks that related records, members and departments a
// write names exist in the actor's workspace.
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
		if isFileType(f.def.Type) {
			errs = append(errs, w.resolveFiles(ctx, f, data)...)
			continue
		}
		ids := idsOf(val)
		if len(ids) == 0 {
			continue
		}
		var missing []string
		var err error
		switch f.def.Type {
		case "relation":
			missing, err = w.e.missingRecords(ctx, w.a.Workspace, f.def.Form, ids)
		case "user", "users":
			missing, err = w.e.missingMembers(ctx, w.a.Workspace, ids)
		case "department", "departments":
			missing, err = w.e.missingDocs(ctx, collDepartments, w.a.Workspace, ids)
		default:
			continue
		}
		if err != nil {
			errs = append(errs, fieldErr(f.def.Key, CodeReferenceCheckFailed, map[string]any{"reason": err.Error()}))
			continue
		}
		if len(missing) > 0 {
			errs = append(errs, fieldErr(f.def.Key, CodeNotFound, map[string]any{"value": strings.Join(missing, ", ")}))
		}
	}
	return errs
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

// missingRecords returns the ids that are not live records of formID in ws.
func (e *Engine) missingRecords(ctx context.Context, ws, formID string, ids []string) ([]string, error) {
	if _, err := e.getScoped(ctx, collForms, ws, formID); err != nil {
		return ids, nil
	}
	f := store.Where(store.FieldID, store.OpIn, anyList(ids))
	p, err := e.st.Find(ctx, recordColl(formID), store.Query{Filter: &f, Limit: len(ids)})
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
// field of the related record into data.
func (w *write) copyLookups(ctx context.Context, data map[string]any) error {
	for _, f := range w.v.fields {
		if f.def.Type != "lookup" || f.def.Live {
			continue
		}
		rel, ok := w.v.byKey[f.def.Relation]
		if !ok {
			continue
		}
		ids := idsOf(data[rel.def.Key])
		if len(ids) == 0 {
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
			vals = append(vals, r.Data[f.def.LookupField])
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

// nextSerial draws the next serial number of a field from a store counter
// (per reset period, so numbers never repeat, also across processes) and
// formats it as the field type does.
func (e *Engine) nextSerial(ctx context.Context, v *Version, def *form.Field, fc field.Context) (string, error) {
	n, err := e.st.Increment(ctx, "serial:"+v.Form+":"+def.Key+":"+field.SerialPeriod(fc, def), 1)
	if err != nil {
		return "", mapStoreErr(err)
	}
	return field.SerialValue(fc, def, n), nil
}

func isFileType(t string) bool { return t == "attachment" || t == "image" || t == "signature" }

// resolveFiles checks that every file a file field names was uploaded to
// this workspace, and replaces the client's description of each file (name,
// size, content type) with what the upload recorded, so the field's type and
// size limits are judged on sniffed facts.
func (w *write) resolveFiles(ctx context.Context, f *cfield, data map[string]any) []field.Error {
	list, _ := data[f.def.Key].([]any)
	out := make([]any, 0, len(list))
	for i, item := range list {
		ref, _ := item.(map[string]any)
		id, _ := ref["id"].(string)
		path := fmt.Sprintf("%s[%d]", f.def.Key, i)
		d, err := w.e.liveScoped(ctx, collFiles, w.a.Workspace, id)
		if err != nil {
			return []field.Error{fieldErr(path, CodeNotFound, map[string]any{"value": id})}
		}
		info := fileFrom(d)
		if (f.def.Type == "image" || f.def.Type == "signature") && !strings.HasPrefix(info.ContentType, "image/") {
			return []field.Error{fieldErr(path, CodeFileType, map[string]any{"name": info.Name, "type": info.ContentType})}
		}
		if len(f.def.Accept) > 0 && !acceptsType(f.def.Accept, info.ContentType) {
			return []field.Error{fieldErr(path, CodeFileType, map[string]any{"name": info.Name, "type": info.ContentType})}
		}
		if f.def.MaxFileBytes > 0 && info.Size > f.def.MaxFileBytes {
			return []field.Error{fieldErr(path, CodeFileTooLarge, map[string]any{"name": info.Name, "max": f.def.MaxFileBytes, "limit": humanBytes(f.def.MaxFileBytes)})}
		}
		out = append(out, map[string]any{"id": info.ID, "name": info.Name, "size": float64(info.Size), "content_type": info.ContentType})
	}
	data[f.def.Key] = out
	return nil
}

// acceptsType matches a content type against patterns like "image/*" or "application/pdf".
func acceptsType(accept []string, ct string) bool {
	for _, a := range accept {
		if a == ct || strings.HasSuffix(a, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}
