package engine

import (
	"context"

	"github.com/formloom/formloom/engine/store"
)

// History entries of a create do not copy the record's values (they were
// half of the history's size): an entry written since then has no
// "changes" key, and History derives them. Every later change of a
// record's fields goes through the write pipeline, whose entry keeps each
// changed field's old value, so undoing the entries newest first, starting
// from the stored record, gives the values it was created with, exactly as
// the create entry used to store them. Entries written before keep their
// stored changes and are returned as they are.

// historyActor is who made the change: the entry's author, which the unit's
// Actor stamps; entries written before also stored it as "actor".
func historyActor(d store.Document) string {
	if a := str(d.Data, "actor"); a != "" {
		return a
	}
	return d.CreatedBy
}

// createEntryDerived reports whether d is a create entry without stored values.
func createEntryDerived(d store.Document) bool {
	if str(d.Data, "action") != "created" {
		return false
	}
	_, stored := d.Data["changes"]
	return !stored
}

// deriveCreateChanges fills the changes of the create entry among out
// (docs are the stored entries, oldest first, in the same order) when it
// was stored without them, keeping the fields keep allows (the actor's
// field mask, as for the other entries).
func (e *Engine) deriveCreateChanges(ctx context.Context, formID, id string, docs []store.Document, out []HistoryEntry, keep func(field string) bool) error {
	at := -1
	for i, d := range docs {
		if createEntryDerived(d) {
			at = i
		}
	}
	if at < 0 {
		return nil
	}
	// The stored record, not what the actor sees of it: every field is
	// needed to undo the later entries, and live lookups, filled at read,
	// were never part of a write.
	r, err := e.record(ctx, formID, id)
	if err != nil {
		return err
	}
	all := createChanges(r.Data, docs[at+1:])
	out[at].Changes = make([]map[string]any, 0, len(all))
	for _, c := range all {
		if k, _ := c["field"].(string); keep(k) {
			out[at].Changes = append(out[at].Changes, c)
		}
	}
	return nil
}

// createChanges undoes the stored changes of later (entries oldest first)
// on a copy of the current field data and returns the create's changes:
// every field with a value, from nil, in key order (what diff(nil, data)
// gave at the create). Changes of record properties (an owner transfer
// records "ownedBy") are not field data and are skipped.
func createChanges(current map[string]any, later []store.Document) []map[string]any {
	data := make(map[string]any, len(current))
	for k, v := range current {
		data[k] = v
	}
	for i := len(later) - 1; i >= 0; i-- {
		changes, _ := later[i].Data["changes"].([]any)
		for _, x := range changes {
			c, _ := x.(map[string]any)
			f, _ := c["field"].(string)
			if !store.ValidKey(f) {
				continue
			}
			if old, ok := c["old"]; ok && old != nil {
				data[f] = old
			} else {
				delete(data, f)
			}
		}
	}
	changes := diff(nil, data)
	if changes == nil {
		changes = []map[string]any{}
	}
	return changes
}

// CreatedWith returns the number of the form version a record of formID
// was created with, from its history's create entry (the record's own
// form_version is that of its last write); 0 when the record has no
// create entry. It reveals no field value: capabilities that derive what
// a create meant under the version's design (a stage pipeline's entry into
// the first stage) call it for a record the actor may see.
func (e *Engine) CreatedWith(ctx context.Context, a Actor, formID, id string) (int, error) {
	if _, err := e.CurrentVersion(ctx, a, formID); err != nil {
		return 0, err
	}
	f := store.Where("record", store.OpEq, id)
	page, err := e.st.Find(ctx, historyColl(formID), store.Query{Filter: &f, Sort: []store.SortKey{{Field: "version"}}, Limit: 1})
	if err != nil {
		return 0, mapStoreErr(err)
	}
	if len(page.Docs) == 0 || str(page.Docs[0].Data, "action") != "created" {
		return 0, nil
	}
	n, _ := page.Docs[0].Data["form_version"].(float64)
	return int(n), nil
}
