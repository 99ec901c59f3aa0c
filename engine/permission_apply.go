package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// How the engine applies a Decision to records (docs/permissions.md):
// rows go into the store query, hidden fields leave every answer, and
// read-only fields refuse writes. A record outside the view rows does not
// exist for the actor (ErrNotFound); an action they may not take on a
// record they can see is ErrForbidden.

// viewDecision is the view decision of a on a form; a refusal means the
// actor sees no record of the form. engine/access hides there, too, a
// lookup showing a field of a related form the actor may not see.
func (e *Engine) viewDecision(ctx context.Context, a Actor, formID string) (Decision, error) {
	return e.Authorize(ctx, a, ActRecordView, Resource{Form: formID})
}

// rowsFilter translates a decision's rows into store paths (nil: every row).
func (v *Version) rowsFilter(d Decision) (*store.Filter, error) {
	if d.Rows == nil {
		return nil, nil
	}
	f, err := v.translateFilter(*d.Rows, "rows", 0)
	if err != nil {
		// A set saved against an older version may name a field since
		// removed: the filter cannot be applied, so nothing matches.
		if errors.Is(err, ErrInvalid) {
			none := store.Where(store.FieldID, store.OpIn, []any{"-"})
			return &none, nil
		}
		return nil, err
	}
	return &f, nil
}

// andRows returns q AND rows (either may be nil).
func andRows(q, rows *store.Filter) *store.Filter {
	switch {
	case rows == nil:
		return q
	case q == nil:
		return rows
	}
	f := store.And(*q, *rows)
	return &f
}

// recordIn returns record id of a form if it matches rows (nil: any),
// deleted or not; ErrNotFound otherwise.
func (e *Engine) recordIn(ctx context.Context, formID, id string, rows *store.Filter) (Record, error) {
	if rows == nil {
		return e.record(ctx, formID, id)
	}
	if store.ValidateID(id) != nil {
		return Record{}, wrapNotFound("record", id)
	}
	f := andRows(&store.Filter{Field: store.FieldID, Op: store.OpEq, Value: id}, rows)
	p, err := e.st.Find(ctx, recordColl(formID), store.Query{Filter: f, Limit: 1, Deleted: store.IncludeDeleted})
	if err != nil {
		return Record{}, mapStoreErr(err)
	}
	if len(p.Docs) == 0 {
		return Record{}, wrapNotFound("record", id)
	}
	return recordFrom(p.Docs[0]), nil
}

// visibleRecord returns a record the actor may see, with its view
// decision; ErrNotFound when the actor may not see it (or may see no
// record of the form).
func (e *Engine) visibleRecord(ctx context.Context, a Actor, v *Version, formID, id string) (Record, Decision, error) {
	d, err := e.viewDecision(ctx, a, formID)
	if errors.Is(err, ErrForbidden) {
		return Record{}, Decision{}, wrapNotFound("record", id)
	}
	if err != nil {
		return Record{}, Decision{}, err
	}
	rows, err := v.rowsFilter(d)
	if err != nil {
		return Record{}, Decision{}, err
	}
	r, err := e.recordIn(ctx, formID, id, rows)
	return r, d, err
}

// actOn authorizes act on a record the actor can see (found under the
// view decision): it must be inside the action's rows, else ErrForbidden.
// When the action's rows are the view rows the record already matched, no
// second query is made.
func (e *Engine) actOn(ctx context.Context, a Actor, v *Version, act Action, formID string, r Record, view Decision) (Decision, error) {
	d, err := e.Authorize(ctx, a, act, Resource{Form: formID, Record: r.ID})
	if err != nil {
		return Decision{}, err
	}
	if d.Rows == nil || (view.Rows != nil && (d.Rows == view.Rows || reflect.DeepEqual(*d.Rows, *view.Rows))) {
		return d, nil
	}
	rows, err := v.rowsFilter(d)
	if err != nil || rows == nil {
		return d, err
	}
	if _, err := e.recordIn(ctx, formID, r.ID, rows); errors.Is(err, ErrNotFound) {
		return Decision{}, fmt.Errorf("%w: %s outside the rows this actor may %s", ErrForbidden, r.ID, act)
	} else if err != nil {
		return Decision{}, err
	}
	return d, nil
}

// strip removes the fields m hides from r (r is the caller's copy), and,
// for an actor with any field limit, the values of archived fields (a
// field hidden before it was archived must not come back).
func (v *Version) strip(m *FieldMask, r *Record) {
	if m == nil {
		return
	}
	data := make(map[string]any, len(r.Data))
	for k, val := range r.Data {
		if v.byKey[k] != nil && !m.Hidden[k] {
			data[k] = val
		}
	}
	r.Data = data
}

// checkPaths refuses a filter or sort on a field the mask hides: it would
// tell the actor about values they may not see. The error is the one of an
// unknown field, so it does not confirm the field exists.
func (m *FieldMask) checkPaths(q RecordQuery) error {
	if m == nil || len(m.Hidden) == 0 {
		return nil
	}
	hidden := func(path string) bool {
		head, _, _ := strings.Cut(path, ".")
		return m.Hidden[head]
	}
	if q.Filter != nil {
		err := eachCondition(*q.Filter, "filter", func(c store.Filter, at string) error {
			if hidden(c.Field) {
				return invalid(fieldErr(at+".field", CodeUnknownField, map[string]any{"field": c.Field}))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i, s := range q.Sort {
		if hidden(s.Field) {
			return invalid(fieldErr(fmt.Sprintf("sort[%d]", i), CodeUnknownField, map[string]any{"field": s.Field}))
		}
	}
	return nil
}

// checkInput refuses input keys the mask does not let the actor write,
// one read_only_permission error per field.
func (m *FieldMask) checkInput(input map[string]any) error {
	if m == nil {
		return nil
	}
	var errs []field.Error
	for k := range input {
		if !m.CanEdit(k) {
			errs = append(errs, fieldErr(k, CodeReadOnlyPermission, nil))
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(x, y field.Error) int { return strings.Compare(x.Path, y.Path) })
		return invalid(errs...)
	}
	return nil
}

// EffectivePermission is what an actor may do on a form, for the UI to
// hide what they cannot: the record actions allowed, each current field's
// access, and whether they may design the form and manage its permissions.
type EffectivePermission struct {
	Form    string                 `json:"form"`
	Actions []Action               `json:"actions"`
	Fields  map[string]FieldAccess `json:"fields"`
	Manage  bool                   `json:"manage"`
}

// MyPermission returns the actor's effective permission on a published form.
func (e *Engine) MyPermission(ctx context.Context, a Actor, formID string) (EffectivePermission, error) {
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return EffectivePermission{}, err
	}
	actions, fields, err := e.fieldAccess(ctx, a, v, formID)
	if err != nil {
		return EffectivePermission{}, err
	}
	app, err := e.FormApp(ctx, a.Workspace, formID)
	if err != nil {
		return EffectivePermission{}, err
	}
	manage := e.allow(ctx, a, ActFormDesign, Resource{App: app, Form: formID}) == nil
	return EffectivePermission{Form: formID, Actions: actions, Fields: fields, Manage: manage}, nil
}

// fieldAccess returns the record actions a may take on the form and each
// current field's access: edit when the edit (else create) permission lets
// it be written, view when the view or that permission shows it, else
// hidden.
func (e *Engine) fieldAccess(ctx context.Context, a Actor, v *Version, formID string) ([]Action, map[string]FieldAccess, error) {
	actions := []Action{}
	var view, write *FieldMask
	var viewOK, writeOK bool
	for _, act := range RecordActions {
		d, err := e.Authorize(ctx, a, act, Resource{Form: formID})
		if errors.Is(err, ErrForbidden) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		actions = append(actions, act)
		switch act {
		case ActRecordView:
			view, viewOK = d.Mask, true
		case ActRecordEdit:
			write, writeOK = d.Mask, true
		case ActRecordCreate:
			if !writeOK {
				write, writeOK = d.Mask, true
			}
		}
	}
	fields := make(map[string]FieldAccess, len(v.fields))
	for _, f := range v.fields {
		k := f.def.Key
		switch {
		case writeOK && write.CanEdit(k):
			fields[k] = FieldEdit
		case (viewOK && view.CanView(k)) || (writeOK && write.CanView(k)):
			fields[k] = FieldView
		default:
			fields[k] = FieldHidden
		}
	}
	return actions, fields, nil
}

// TransferRecords gives records of a form to another member (the
// transfer-owner action): each record must be visible to the actor and
// inside their transfer rows. Each record is its own unit of work with
// its history entry (ownedBy from, to) and record.updated event.
func (e *Engine) TransferRecords(ctx context.Context, a Actor, formID string, ids []string, owner string) ([]BulkResult, error) {
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return nil, err
	}
	if err := e.allow(ctx, a, ActRecordTransfer, Resource{Form: formID}); err != nil {
		return nil, err
	}
	if err := checkBulkIDs(ids); err != nil {
		return nil, err
	}
	if m, err := e.Membership(ctx, a.Workspace, owner); err != nil || m.Disabled {
		return nil, invalid(fieldErr("owner", CodeNotFound, map[string]any{"value": owner}))
	}
	return eachID(ctx, ids, func(id string) error { return e.transfer(ctx, a, v, formID, id, owner) }), nil
}

func (e *Engine) transfer(ctx context.Context, a Actor, v *Version, formID, id, owner string) error {
	old, view, err := e.visibleRecord(ctx, a, v, formID, id)
	if err != nil {
		return err
	}
	if old.DeletedAt != nil {
		return wrapNotFound("record", id)
	}
	if _, err := e.actOn(ctx, a, v, ActRecordTransfer, formID, old, view); err != nil {
		return err
	}
	if old.Owner == owner {
		return nil
	}
	w, err := e.newWrite(ctx, a, v, &old)
	if err != nil {
		return err
	}
	w.owner = owner
	changes := []map[string]any{{"field": "ownedBy", "old": old.Owner, "new": owner}}
	u := w.unit(store.Write{Op: store.OpUpdate, Collection: recordColl(formID), ExpectVersion: old.Version,
		Doc: store.Document{ID: id, Data: w.doc(old.Data)}}, EventRecordUpdated, id, old.Version+1, changes, WriteOptions{})
	if err := w.writing(ctx, &u, RecordUpdate, id, old.Data, changes, WriteOptions{}, false); err != nil {
		return err
	}
	_, err = e.st.Commit(ctx, u)
	return w.commitErr(err)
}

// FileRef names where a file is attached: the record, and the file field
// of its form that lists it.
type FileRef struct {
	Form   string
	Record string
	Field  string
}

// fileAllowed checks that the actor may read file id: through ref, the
// record must be visible, the field visible and its value must list the
// file; without ref, only the file's uploader or a workspace admin may.
func (e *Engine) fileAllowed(ctx context.Context, a Actor, id string, uploader string, ref FileRef) error {
	if ref.Form == "" && ref.Record == "" && ref.Field == "" {
		if uploader == a.UserID || e.allow(ctx, a, ActFilesReadAll, Resource{}) == nil {
			return nil
		}
		return wrapNotFound("file", id)
	}
	v, err := e.CurrentVersion(ctx, a, ref.Form)
	if err != nil {
		return wrapNotFound("file", id)
	}
	r, d, err := e.visibleRecord(ctx, a, v, ref.Form, ref.Record)
	if err != nil {
		return wrapNotFound("file", id)
	}
	if !d.Mask.CanView(ref.Field) || !listsFile(r.Data[ref.Field], id) {
		return wrapNotFound("file", id)
	}
	return nil
}

// listsFile reports whether a file field's value (a list of file objects
// with an id, possibly inside subform rows) names file id.
func listsFile(val any, id string) bool {
	switch x := val.(type) {
	case []any:
		for _, it := range x {
			if listsFile(it, id) {
				return true
			}
		}
	case map[string]any:
		if s, _ := x["id"].(string); s == id {
			return true
		}
		for _, sub := range x {
			if l, ok := sub.([]any); ok && listsFile(l, id) {
				return true
			}
		}
	}
	return false
}

// staysInRows checks that the record a write leaves (doc, before commit)
// is inside the rows of the decision that allowed the write, unless the
// actor may transfer records: a rep cannot hand a deal away, or move it out
// of their region, by editing it. The check runs the store's filter
// semantics on the one document (store.Match), never a per-row scan.
func (w *write) staysInRows(ctx context.Context, d Decision, doc store.Document) error {
	if d.Rows == nil {
		return nil
	}
	if w.e.allow(ctx, w.a, ActRecordTransfer, Resource{Form: w.v.Form}) == nil {
		return nil
	}
	rows, err := w.v.rowsFilter(d)
	if err != nil {
		return err
	}
	if doc.CreatedBy == "" {
		doc.CreatedBy, doc.CreatedAt = w.a.UserID, w.ctx.Now
	}
	doc.UpdatedBy, doc.UpdatedAt = w.a.UserID, w.ctx.Now
	ok, err := store.Match(doc, rows)
	if err != nil {
		return fmt.Errorf("engine: check rows: %w", err)
	}
	if !ok {
		return invalid(fieldErr("record", CodeOutsideRows, nil))
	}
	return nil
}

// answer is the record a create returns: under the actor's view mask when
// they may view records, else under the mask of the create itself.
func (w *write) answer(ctx context.Context, formID string, r Record, createMask *FieldMask) Record {
	if d, err := w.e.viewDecision(ctx, w.a, formID); err == nil {
		w.v.strip(d.Mask, &r)
		return r
	}
	w.v.strip(createMask, &r)
	return r
}

// definitionMask returns the fields of a form the actor may not see in its
// designs (nil: all visible): a designer of the form sees everything, a
// member loses the fields their permission hides everywhere.
func (e *Engine) definitionMask(ctx context.Context, a Actor, formID string) (map[string]bool, error) {
	app, err := e.FormApp(ctx, a.Workspace, formID)
	if err != nil {
		return nil, err
	}
	if e.allow(ctx, a, ActFormDesign, Resource{App: app, Form: formID}) == nil {
		return nil, nil
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if errors.Is(err, ErrNotPublished) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	_, fields, err := e.fieldAccess(ctx, a, v, formID)
	if err != nil {
		return nil, err
	}
	hidden := map[string]bool{}
	for k, fa := range fields {
		if fa == FieldHidden {
			hidden[k] = true
		}
	}
	return hidden, nil
}

// maskDefinition removes hidden fields from a design (a copy).
func maskDefinition(def form.Definition, hidden map[string]bool) form.Definition {
	if len(hidden) == 0 {
		return def
	}
	out := def
	out.Fields = make([]form.Field, 0, len(def.Fields))
	for _, f := range def.Fields {
		if !hidden[f.Key] {
			out.Fields = append(out.Fields, f)
		}
	}
	return out
}

// hideErrors rewrites the per-field errors of err on fields m hides (a
// required field the actor cannot fill, a unique value they cannot see)
// into one error on "record" with CodeHiddenFieldInvalid, so no answer
// names a field the actor may not see. Other errors pass unchanged.
func hideErrors(err error, m *FieldMask) error {
	var ve *ValidationError
	if m == nil || len(m.Hidden) == 0 || !errors.As(err, &ve) {
		return err
	}
	var out []field.Error
	hidden := false
	for _, fe := range ve.Fields {
		head := fe.Path
		if i := strings.IndexAny(head, ".["); i >= 0 {
			head = head[:i]
		}
		if m.Hidden[head] {
			hidden = true
			continue
		}
		out = append(out, fe)
	}
	if !hidden {
		return err
	}
	return invalid(append(out, fieldErr("record", CodeHiddenFieldInvalid, nil))...)
}
