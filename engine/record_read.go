package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Record returns one record of a form, live or in the recycle bin.
// A record outside the actor's view rows is ErrNotFound; hidden fields are
// absent.
func (e *Engine) Record(ctx context.Context, a Actor, formID, id string) (Record, error) {
	// Records exist only for published forms; CurrentVersion checks the form
	// belongs to the actor's workspace (from a short-lived cache).
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return Record{}, err
	}
	r, d, err := e.visibleRecord(ctx, a, v, formID, id)
	if err != nil {
		return r, err
	}
	if v.hasLiveLookups() {
		recs := []Record{r}
		if err := e.fillLiveLookups(ctx, v, recs); err != nil {
			return Record{}, err
		}
		r = recs[0]
	}
	v.strip(d.Mask, &r)
	return r, nil
}

func (e *Engine) record(ctx context.Context, formID, id string) (Record, error) {
	if store.ValidateID(id) != nil {
		return Record{}, wrapNotFound("record", id)
	}
	d, err := e.st.Get(ctx, recordColl(formID), id)
	if err != nil {
		return Record{}, mapStoreErr(err)
	}
	return recordFrom(d), nil
}

func (e *Engine) liveRecord(ctx context.Context, formID, id string) (Record, error) {
	r, err := e.record(ctx, formID, id)
	if err != nil {
		return r, err
	}
	if r.DeletedAt != nil {
		return Record{}, wrapNotFound("record", id)
	}
	return r, nil
}

// DeleteRecord moves a record to the recycle bin. version > 0 makes it
// conditional on the version the caller read.
func (e *Engine) DeleteRecord(ctx context.Context, a Actor, formID, id string, version int64) error {
	return e.binMove(ctx, a, formID, id, version, store.OpSoftDelete, WriteOptions{})
}

// RestoreRecord takes a record out of the recycle bin. A restore that would
// break a unique field is refused with a per-field error.
func (e *Engine) RestoreRecord(ctx context.Context, a Actor, formID, id string, version int64) (Record, error) {
	if err := e.binMove(ctx, a, formID, id, version, store.OpRestore, WriteOptions{}); err != nil {
		return Record{}, err
	}
	return e.record(ctx, formID, id)
}

func (e *Engine) binMove(ctx context.Context, a Actor, formID, id string, version int64, op store.WriteOp, opts WriteOptions) error {
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return err
	}
	r, view, err := e.visibleRecord(ctx, a, v, formID, id)
	if err != nil {
		return err
	}
	if _, err := e.actOn(ctx, a, v, binAction(op), formID, r, view); err != nil {
		return err
	}
	if (op == store.OpSoftDelete) != (r.DeletedAt == nil) {
		return wrapNotFound("record", id)
	}
	if version > 0 && r.Version != version {
		return fmt.Errorf("%w: record %s is at version %d, not %d", ErrConflict, id, r.Version, version)
	}
	w, err := e.newWrite(ctx, a, v, &r)
	if err != nil {
		return err
	}
	event, action := EventRecordDeleted, RecordDelete
	if op == store.OpRestore {
		event, action = EventRecordRestored, RecordRestore
	}
	u := w.unit(store.Write{Op: op, Collection: recordColl(formID), ExpectVersion: r.Version, Doc: store.Document{ID: id}},
		event, id, r.Version+1, nil, opts)
	u.Events[0].Payload["data"] = r.Data
	if err := w.writing(ctx, &u, action, id, r.Data, nil, opts, false); err != nil {
		return err
	}
	_, err = e.st.Commit(ctx, u)
	if err != nil {
		return w.commitErr(err)
	}
	return nil
}

// RecordQuery selects records. Field paths are field keys ("stage",
// "items.price", "customer") or the record properties id, version,
// createdAt, createdBy, updatedAt, updatedBy, deletedAt.
type RecordQuery struct {
	Filter  *store.Filter   `json:"filter,omitempty"`
	Sort    []store.SortKey `json:"sort,omitempty"`
	Limit   int             `json:"limit,omitempty"`
	Offset  int             `json:"offset,omitempty"`
	Cursor  string          `json:"cursor,omitempty"`
	Total   bool            `json:"total,omitempty"`
	Deleted store.Deleted   `json:"-"`
}

// RecordPage is a page of records; Total is set when asked for.
type RecordPage struct {
	Items      []Record `json:"items"`
	NextCursor string   `json:"nextCursor,omitempty"`
	Total      *int64   `json:"total,omitempty"`
}

var recordProps = map[string]string{
	"id": store.FieldID, "version": store.FieldVersion, "createdAt": store.FieldCreatedAt, "createdBy": store.FieldCreatedBy,
	"updatedAt": store.FieldUpdatedAt, "updatedBy": store.FieldUpdatedBy, "deletedAt": store.FieldDeletedAt,
	"ownedBy": ownerKey,
}

// QueryRecords returns a page of a form's records. Filters and sorts are
// checked against the form's fields and each type's operators, then run by
// the store, so counts and pages are exact.
// The actor's view rows are part of the store query, so pages, cursors and
// totals cover exactly the records they may see; hidden fields are absent,
// and filtering or sorting on one is refused.
func (e *Engine) QueryRecords(ctx context.Context, a Actor, formID string, q RecordQuery) (RecordPage, error) {
	d, err := e.viewDecision(ctx, a, formID)
	if err != nil {
		return RecordPage{}, err
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return RecordPage{}, err
	}
	if err := d.Mask.checkPaths(q); err != nil {
		return RecordPage{}, err
	}
	rows, err := v.rowsFilter(d)
	if err != nil {
		return RecordPage{}, err
	}
	sq := store.Query{Limit: q.Limit, Offset: q.Offset, After: q.Cursor, Deleted: q.Deleted}
	if q.Filter != nil {
		f, err := v.translateFilter(resolveMe(*q.Filter, a.UserID), "filter", 0)
		if err != nil {
			return RecordPage{}, err
		}
		sq.Filter = &f
	}
	sq.Filter = andRows(sq.Filter, rows)
	for i, s := range q.Sort {
		p, _, err := v.storePath(s.Field, fmt.Sprintf("sort[%d]", i))
		if err != nil {
			return RecordPage{}, err
		}
		sq.Sort = append(sq.Sort, store.SortKey{Field: p, Desc: s.Desc})
	}
	if len(sq.Sort) == 0 {
		sq.Sort = []store.SortKey{{Field: store.FieldCreatedAt, Desc: true}}
	}
	page, err := e.st.Find(ctx, recordColl(formID), sq)
	if err != nil {
		return RecordPage{}, mapStoreErr(err)
	}
	out := RecordPage{Items: make([]Record, len(page.Docs)), NextCursor: page.NextCursor}
	for i, d := range page.Docs {
		out.Items[i] = recordFrom(d)
	}
	if v.hasLiveLookups() {
		if err := e.fillLiveLookups(ctx, v, out.Items); err != nil {
			return RecordPage{}, err
		}
	}
	for i := range out.Items {
		v.strip(d.Mask, &out.Items[i])
	}
	if q.Total {
		n, err := e.st.Count(ctx, recordColl(formID), sq)
		if err != nil {
			return RecordPage{}, mapStoreErr(err)
		}
		out.Total = &n
	}
	return out, nil
}

// storePath maps a query path to the store path and the field it addresses
// (nil for record properties).
func (v *Version) storePath(path, at string) (string, *cfield, error) {
	if p, ok := recordProps[path]; ok {
		return p, nil, nil
	}
	head, rest, _ := strings.Cut(path, ".")
	f, ok := v.byKey[head]
	if !ok {
		if _, arch := v.archived[head]; arch {
			return recordField + "." + path, nil, nil
		}
		return "", nil, invalid(fieldErr(at, CodeUnknownField, map[string]any{"field": path}))
	}
	if rest != "" {
		if _, rows := f.typ.(field.Container); rows {
			sf, ok := f.subByKey[rest]
			if !ok {
				return "", nil, invalid(fieldErr(at, CodeUnknownField, map[string]any{"field": path}))
			}
			return recordField + "." + path, sf, nil
		}
		if c, ok := f.typ.(field.Composite); !ok || !slices.Contains(c.Parts(f.def), rest) {
			return "", nil, invalid(fieldErr(at, CodeUnknownField, map[string]any{"field": path}))
		}
		return recordField + "." + path, nil, nil
	}
	return dataPath(f), f, nil
}

// translateFilter rewrites a query filter into store paths, refusing
// operators a field type does not offer and normalizing date values.
func (v *Version) translateFilter(f store.Filter, at string, depth int) (store.Filter, error) {
	if depth > store.MaxFilterDepth {
		return f, invalid(fieldErr(at, CodeFilter, map[string]any{"reason": "nested too deep"}))
	}
	switch {
	case f.And != nil || f.Or != nil:
		list, name := f.And, "and"
		if f.Or != nil {
			list, name = f.Or, "or"
		}
		out := make([]store.Filter, len(list))
		for i, c := range list {
			t, err := v.translateFilter(c, fmt.Sprintf("%s.%s[%d]", at, name, i), depth+1)
			if err != nil {
				return f, err
			}
			out[i] = t
		}
		if f.And != nil && f.Or != nil {
			return f, invalid(fieldErr(at, CodeFilter, map[string]any{"reason": "a node must have exactly one of and, or, not, or field/op/value"}))
		}
		if name == "and" {
			return store.Filter{And: out}, nil
		}
		return store.Filter{Or: out}, nil
	case f.Not != nil:
		t, err := v.translateFilter(*f.Not, at+".not", depth+1)
		if err != nil {
			return f, err
		}
		return store.Filter{Not: &t}, nil
	}
	p, cf, err := v.storePath(f.Field, at+".field")
	if err != nil {
		return f, err
	}
	if cf != nil && !hasOp(cf.typ.Operators(cf.def), f.Op) {
		return f, invalid(fieldErr(at+".op", CodeOperator, map[string]any{"op": string(f.Op), "field": f.Field}))
	}
	return store.Filter{Field: p, Op: f.Op, Value: f.Value}, nil
}

func hasOp(ops []store.Op, op store.Op) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// HistoryEntry is one change of a record: who, when, from where, which
// fields from what to what.
type HistoryEntry struct {
	ID          string           `json:"id"`
	Record      string           `json:"record"`
	Version     int64            `json:"version"`
	Action      string           `json:"action"`
	Actor       string           `json:"actor"`
	ActorName   string           `json:"actorName"`
	Source      string           `json:"source"`
	FormVersion int              `json:"formVersion"`
	At          string           `json:"at"`
	Changes     []map[string]any `json:"changes"`
}

// History lists the changes of one record, oldest first.
func (e *Engine) History(ctx context.Context, a Actor, formID, id string) ([]HistoryEntry, error) {
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	r, view, err := e.visibleRecord(ctx, a, v, formID, id)
	if err != nil {
		return nil, err
	}
	if _, err := e.actOn(ctx, a, v, ActRecordHistory, formID, r, view); err != nil {
		return nil, err
	}
	docs, err := e.findAll(ctx, historyColl(formID), store.Where("record", store.OpEq, id), []store.SortKey{{Field: "version"}})
	if err != nil {
		return nil, err
	}
	out := make([]HistoryEntry, len(docs))
	for i, d := range docs {
		h := HistoryEntry{ID: d.ID, Record: id, Action: str(d.Data, "action"), Actor: historyActor(d),
			ActorName: str(d.Data, "actor_name"), Source: str(d.Data, "source"), At: store.FormatTime(d.CreatedAt)}
		if n, ok := d.Data["version"].(float64); ok {
			h.Version = int64(n)
		}
		if n, ok := d.Data["form_version"].(float64); ok {
			h.FormVersion = int(n)
		}
		changes, _ := d.Data["changes"].([]any)
		h.Changes = make([]map[string]any, 0, len(changes))
		for _, c := range changes {
			if m, ok := c.(map[string]any); ok {
				// A change of a field the actor may not see is left out.
				if k, _ := m["field"].(string); view.Mask == nil || k == "ownedBy" || (v.byKey[k] != nil && view.Mask.CanView(k)) {
					h.Changes = append(h.Changes, m)
				}
			}
		}
		out[i] = h
	}
	keep := func(k string) bool { return view.Mask == nil || (v.byKey[k] != nil && view.Mask.CanView(k)) }
	if err := e.deriveCreateChanges(ctx, formID, id, docs, out, keep); err != nil {
		return nil, err
	}
	return out, nil
}
