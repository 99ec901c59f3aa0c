package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// WriteOptions adjust one write.
type WriteOptions struct {
	// SkipAutomations asks after-commit consumers not to run automations for
	// this write; the choice is recorded in history and in the event.
	SkipAutomations bool
	// Chain is set by writes that automations and flows make after commit:
	// it is recorded in history and in the event, so a consumer can stop
	// a loop (too deep, or back at an origin already in the chain).
	Chain *Chain
	// At backdates the write (record_write_at.go): honoured only for
	// trusted internal writes (Source import by a workspace admin), such
	// as a template's sample data; zero means now.
	At time.Time
}

// Chain identifies a cascade of after-commit writes: the first write's
// event starts it, every write a consumer makes because of it carries it
// on, one level deeper.
type Chain struct {
	// ID is the id of the event that started the cascade.
	ID string `json:"id"`
	// Depth is 1 for a write made because of the first event, 2 for one
	// made because of that write, and so on.
	Depth int `json:"depth"`
	// Origins lists what made the writes of the chain, oldest first
	// ("automation:<id>", "flow:<id>"), so a cycle is seen.
	Origins []string `json:"origins,omitempty"`
}

// chainMap is c as stored in history and events.
func (c *Chain) chainMap() map[string]any {
	origins := make([]any, len(c.Origins))
	for i, o := range c.Origins {
		origins[i] = o
	}
	return map[string]any{"id": c.ID, "depth": c.Depth, "origins": origins}
}

// CreateRecord runs the write pipeline for a new record (see docs/lifecycle.md):
// normalize → defaults and serials → check references → lookups → formulas →
// validate (schema, field rules, submit rules) → commit the
// record, its history entry and its event in one unit of work.
//
// The actor's create permission decides which fields they may fill (a
// read-only or hidden one is a per-field read_only_permission error) and
// the rows the new record must fall in, unless they may transfer records.
func (e *Engine) CreateRecord(ctx context.Context, a Actor, formID string, input map[string]any, opts WriteOptions) (Record, error) {
	return e.createRecord(ctx, a, formID, input, opts, nil)
}

// createRecord is CreateRecord; a non-nil once reserves an Idempotency-Key
// in the record's unit of work (record_idempotency.go).
func (e *Engine) createRecord(ctx context.Context, a Actor, formID string, input map[string]any, opts WriteOptions, once *idemReservation) (Record, error) {
	d, err := e.Authorize(ctx, a, ActRecordCreate, Resource{Form: formID})
	if err != nil {
		return Record{}, err
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return Record{}, err
	}
	if err := d.Mask.checkInput(input); err != nil {
		return Record{}, err
	}
	w, err := e.newWrite(ctx, a, v, nil)
	if err != nil {
		return Record{}, err
	}
	w.backdate(opts)
	data, err := w.run(ctx, input)
	if err != nil {
		return Record{}, hideErrors(err, d.Mask)
	}
	id := store.NewID()
	doc := store.Document{ID: id, Data: w.doc(data)}
	if err := w.staysInRows(ctx, d, doc); err != nil {
		return Record{}, err
	}
	changes := diff(nil, data)
	u := w.unit(store.Write{Op: store.OpInsert, Collection: recordColl(formID), Doc: doc}, EventRecordCreated, id, 1, changes, opts)
	if err := w.writing(ctx, &u, RecordCreate, id, data, changes, opts, false); err != nil {
		return Record{}, err
	}
	if once != nil {
		if err := once.reserve(ctx, w, &u, d.Mask); err != nil {
			return Record{}, err
		}
	}
	res, err := e.st.Commit(ctx, u)
	if err != nil {
		if once != nil && once.raced(err) {
			return Record{}, errIdemRaced
		}
		return Record{}, hideErrors(w.commitErr(err), d.Mask)
	}
	return w.answer(ctx, formID, recordFrom(res.Docs[once.recordIndex()]), d.Mask), nil
}

// UpdateRecord changes some fields of a live record. input holds only the
// fields to change; version is the record version the caller read, and a
// record changed since is ErrConflict, never overwritten.
//
// A record the actor cannot see is ErrNotFound; one they see but may not
// change (outside their edit rows) is ErrForbidden; read-only fields are
// refused per field, and the record must stay inside the edit rows unless
// the actor may transfer records.
func (e *Engine) UpdateRecord(ctx context.Context, a Actor, formID, id string, input map[string]any, version int64, opts WriteOptions) (Record, error) {
	if version < 1 {
		return Record{}, invalid(fieldErr("version", CodeRequired, nil))
	}
	v, err := e.CurrentVersion(ctx, a, formID)
	if err != nil {
		return Record{}, err
	}
	old, view, err := e.visibleRecord(ctx, a, v, formID, id)
	if err != nil {
		return Record{}, err
	}
	if old.DeletedAt != nil {
		return Record{}, wrapNotFound("record", id)
	}
	d, err := e.actOn(ctx, a, v, ActRecordEdit, formID, old, view)
	if err != nil {
		return Record{}, err
	}
	if err := d.Mask.checkInput(input); err != nil {
		return Record{}, err
	}
	if old.Version != version {
		return Record{}, fmt.Errorf("%w: record %s is at version %d, not %d", ErrConflict, id, old.Version, version)
	}
	w, err := e.newWrite(ctx, a, v, &old)
	if err != nil {
		return Record{}, err
	}
	w.backdate(opts)
	data, err := w.run(ctx, input)
	if err != nil {
		return Record{}, hideErrors(err, d.Mask)
	}
	changes := diff(old.Data, data)
	doc := store.Document{ID: id, Data: w.doc(data), CreatedAt: old.CreatedAt, CreatedBy: old.CreatedBy}
	if err := w.staysInRows(ctx, d, doc); err != nil {
		return Record{}, err
	}
	u := w.unit(store.Write{Op: store.OpUpdate, Collection: recordColl(formID), ExpectVersion: version, Doc: store.Document{ID: id, Data: doc.Data}},
		EventRecordUpdated, id, version+1, changes, opts)
	if err := w.writing(ctx, &u, RecordUpdate, id, data, changes, opts, false); err != nil {
		return Record{}, err
	}
	res, err := e.st.Commit(ctx, u)
	if err != nil {
		return Record{}, hideErrors(w.commitErr(err), d.Mask)
	}
	r := recordFrom(res.Docs[0])
	v.strip(view.Mask, &r)
	return r, nil
}

// write is the state of one pass through the pipeline.
type write struct {
	e   *Engine
	a   Actor
	v   *Version
	old *Record
	ctx field.Context
	// budget is shared by every expression run of this write.
	budget *expr.Budget
	// owner, when set, is the record's new owner (a transfer).
	owner string
}

func (e *Engine) newWrite(ctx context.Context, a Actor, v *Version, old *Record) (*write, error) {
	if err := e.checkWritable(ctx, a.Workspace, v); err != nil {
		return nil, err
	}
	loc, err := e.Location(ctx, a.Workspace)
	if err != nil {
		return nil, err
	}
	return &write{e: e, a: a, v: v, old: old, ctx: field.Context{Location: loc, Now: e.now()}}, nil
}

// run takes input through normalize, defaults, computed values and validation
// and returns the complete data to store.
func (w *write) run(ctx context.Context, input map[string]any) (map[string]any, error) {
	w.budget = expr.NewBudget(0) // per record: an import reuses the write for every row
	errs := w.checkInputKeys(input)
	data := map[string]any{}
	if w.old != nil {
		for k, val := range w.old.Data {
			data[k] = val
		}
	}
	for _, f := range w.v.fields {
		raw, ok := input[f.def.Key]
		if !ok || !f.typ.Input() {
			continue
		}
		n, ferrs := f.typ.Normalize(w.ctx, f.def, f.def.Key, raw)
		if len(ferrs) > 0 {
			errs = append(errs, ferrs...)
			continue
		}
		data[f.def.Key] = n
	}
	if len(errs) > 0 {
		// Report missing required fields in the same answer, so the user
		// fixes everything at once (only those no rule can hide or fill).
		for _, f := range w.v.fields {
			_, given := data[f.def.Key]
			_, sent := input[f.def.Key]
			if f.def.Required && !given && !sent && f.visible == nil && f.dflt == nil && f.dfltExpr == nil && f.typ.Input() {
				errs = append(errs, fieldErr(f.def.Key, CodeRequired, nil))
			}
		}
		return nil, invalid(errs...)
	}
	if w.old == nil {
		if err := w.applyDefaults(ctx, data, input); err != nil {
			return nil, err
		}
	}
	// References are resolved before anything reads through them: a
	// lookup, formula or rule must never see data of a record the actor
	// may not name (another workspace's, a deleted one).
	if errs := w.checkReferences(ctx, data); len(errs) > 0 {
		return nil, invalid(errs...)
	}
	if err := w.copyLookups(ctx, data); err != nil {
		return nil, err
	}
	var in expr.Input
	if w.v.usesExpr {
		in = w.exprInput(data)
	}
	if err := w.computeFormulas(data, in); err != nil {
		return nil, err
	}
	if err := w.overBudget(); err != nil {
		return nil, err
	}
	if errs := w.validate(ctx, data, in); len(errs) > 0 {
		if err := w.overBudget(); err != nil {
			return nil, err
		}
		return nil, invalid(errs...)
	}
	if err := w.overBudget(); err != nil {
		return nil, err
	}
	return data, nil
}

func (w *write) checkInputKeys(input map[string]any) []field.Error {
	bad := false
	for k := range input {
		if f, ok := w.v.byKey[k]; !ok || !f.typ.Input() || systemInputKeys[k] {
			bad = true
			break
		}
	}
	if !bad {
		return nil
	}
	// Report every bad key, in a stable order.
	var errs []field.Error
	keys := make([]string, 0, len(input))
	for k := range input {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := w.v.byKey[k]
		switch {
		case systemInputKeys[k] || strings.HasPrefix(k, "_"):
			errs = append(errs, fieldErr(k, CodeSystemField, map[string]any{"key": k}))
		case !ok:
			errs = append(errs, fieldErr(k, CodeUnknownField, map[string]any{"key": k}))
		case !f.typ.Input():
			errs = append(errs, fieldErr(k, CodeReadOnly, map[string]any{"key": k}))
		}
	}
	return errs
}

// applyDefaults fills fields the input left out with their fixed or computed
// default, and assigns serial numbers.
func (w *write) applyDefaults(ctx context.Context, data, input map[string]any) error {
	var errs []field.Error
	for _, f := range w.v.fields {
		if _, given := input[f.def.Key]; given {
			continue
		}
		switch {
		case isSequencer(f):
			s, err := w.e.nextSerial(ctx, w.v, f, f.typ.(field.Sequencer), w.ctx)
			if err != nil {
				return err
			}
			data[f.def.Key] = s
		case f.dfltExpr != nil:
			out, err := f.dfltExpr.Run(w.exprInput(data))
			if err != nil {
				errs = append(errs, fieldErr(f.def.Key, CodeDefaultFailed, map[string]any{"reason": runReason(err)}))
				continue
			}
			n, ferrs := f.typ.Normalize(w.ctx, f.def, f.def.Key, exprToInput(out, w.ctx))
			if len(ferrs) > 0 {
				errs = append(errs, ferrs...)
				continue
			}
			data[f.def.Key] = n
		case f.dflt != nil:
			data[f.def.Key] = f.dflt
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	return nil
}

// computeFormulas evaluates formula fields in dependency order, keeping the
// expression input in step with each computed value.
func (w *write) computeFormulas(data map[string]any, in expr.Input) error {
	var errs []field.Error
	for _, f := range w.v.formulas {
		out, err := f.formula.Run(in)
		if err != nil {
			// A formula that cannot be computed (division by zero, empty input)
			// stores no value rather than blocking the write.
			w.e.log.Debug("formula failed", "form", w.v.Form, "field", f.def.Key, "err", err)
			delete(data, f.def.Key)
			in.New[f.def.Key] = nil
			continue
		}
		n, ok := formulaValue(out, w.ctx)
		if !ok {
			errs = append(errs, fieldErr(f.def.Key, CodeFormulaType, map[string]any{"type": resultKind(out)}))
			continue
		}
		if n == nil {
			delete(data, f.def.Key)
			in.New[f.def.Key] = nil
		} else {
			data[f.def.Key] = n
			in.New[f.def.Key] = f.typ.ExprValue(w.ctx, f.def, n)
		}
	}
	if len(errs) > 0 {
		return invalid(errs...)
	}
	return nil
}

// validate runs the JSON Schema, then field rules, then submit rules.
func (w *write) validate(ctx context.Context, data map[string]any, in expr.Input) []field.Error {
	if err := w.v.schema.Validate(data); err != nil {
		return schemaErrors(err)
	}
	var errs []field.Error
	for _, f := range w.v.fields {
		if f.visible != nil {
			if ok, _ := f.visible.Bool(in); !ok {
				continue
			}
		}
		required := f.def.Required
		if !required && f.required != nil {
			required, _ = f.required.Bool(in)
		}
		val, present := data[f.def.Key]
		if required && (!present || expr.IsEmpty(val)) {
			errs = append(errs, fieldErr(f.def.Key, CodeRequired, nil))
			continue
		}
		if _, rows := f.typ.(field.Container); rows && present {
			errs = append(errs, subformRequired(f, val)...)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	for _, r := range w.v.rules {
		ok, err := r.prog.Bool(in)
		if err != nil || !ok {
			path := r.field
			errs = append(errs, fieldErr(path, CodeRule, map[string]any{"message": r.message}))
		}
	}
	return errs
}

// isSequencer reports whether the engine numbers f on creation.
func isSequencer(f *cfield) bool {
	_, ok := f.typ.(field.Sequencer)
	return ok
}

func subformRequired(f *cfield, val any) []field.Error {
	rows, _ := val.([]any)
	var errs []field.Error
	for i, r := range rows {
		row, _ := r.(map[string]any)
		for _, sf := range f.sub {
			if !sf.def.Required {
				continue
			}
			if v, ok := row[sf.def.Key]; !ok || expr.IsEmpty(v) {
				errs = append(errs, fieldErr(fmt.Sprintf("%s[%d].%s", f.def.Key, i, sf.def.Key), CodeRequired, nil))
			}
		}
	}
	return errs
}

// doc wraps field data into the stored document layout.
func (w *write) doc(data map[string]any) map[string]any {
	owner := w.a.UserID
	switch {
	case w.owner != "":
		owner = w.owner
	case w.old != nil && w.old.Owner != "":
		owner = w.old.Owner
	}
	return map[string]any{recordField: data, "form_version": w.v.Number, ownerKey: owner}
}

// unit builds the unit of work: the record write, its history entry and its event.
func (w *write) unit(rec store.Write, event EventType, id string, newVersion int64, changes []map[string]any, opts WriteOptions) store.UnitOfWork {
	action := strings.TrimPrefix(string(event), "record.")
	// The actor is the entry's _createdBy, stamped from the unit's Actor
	// (record_history.go).
	hist := map[string]any{"record": id, "version": newVersion, "action": action,
		"actor_name": w.a.Name, "source": string(w.a.Source), "form_version": w.v.Number}
	if event != EventRecordCreated {
		// A create's values are not copied: History derives them from the
		// record and the later entries' old values (record_history.go).
		hist["changes"] = anyMaps(changes)
	}
	if opts.SkipAutomations {
		hist["automations_off"] = true
	}
	if opts.Chain != nil {
		hist["chain"] = opts.Chain.chainMap()
	}
	p := RecordPayload{Form: w.v.Form, App: w.v.App, Record: id, Version: newVersion, FormVersion: w.v.Number,
		Source: string(w.a.Source), Actor: w.a.UserID, AutomationsOff: opts.SkipAutomations, Chain: opts.Chain, changedVals: changedKeys(changes)}
	if rec.Doc.Data != nil {
		p.Data, _ = rec.Doc.Data[recordField].(map[string]any)
	}
	if event == EventRecordUpdated {
		p.Old = oldValues(changes)
	}
	return store.UnitOfWork{Actor: w.a.UserID, At: w.ctx.Now,
		Writes: []store.Write{rec, {Op: store.OpInsert, Collection: historyColl(w.v.Form), Doc: store.Document{Data: hist}}},
		Events: []store.Event{newEvent(event, w.a.Workspace, recordColl(w.v.Form), id, p)},
	}
}

// commitErr maps store errors of a record write to engine errors, a unique
// violation to a per-field error.
func (w *write) commitErr(err error) error {
	var de *store.DuplicateError
	if errors.As(err, &de) {
		var errs []field.Error
		for _, f := range de.Fields {
			errs = append(errs, fieldErr(fieldKeyOf(f), CodeUnique, nil))
		}
		return invalid(errs...)
	}
	return mapStoreErr(err)
}

// diff lists field-level changes from old to new (old nil for a create).
func diff(old, new map[string]any) []map[string]any {
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range new {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []map[string]any
	for _, k := range sorted {
		o, n := old[k], new[k]
		if reflect.DeepEqual(o, n) {
			continue
		}
		out = append(out, map[string]any{"field": k, "old": o, "new": n})
	}
	return out
}

func changedKeys(changes []map[string]any) []any {
	out := make([]any, len(changes))
	for i, c := range changes {
		out[i] = c["field"]
	}
	return out
}

func anyMaps(m []map[string]any) []any {
	out := make([]any, len(m))
	for i, v := range m {
		out[i] = v
	}
	return out
}
