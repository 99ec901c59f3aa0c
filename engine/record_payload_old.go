package engine

import "github.com/formloom/formloom/engine/store"

// oldValues returns the values the changed fields had before an update,
// for RecordPayload.Old: only changed keys, so the event grows by the
// change, not by the record (a field that was empty has no entry).
func oldValues(changes []map[string]any) map[string]any {
	var out map[string]any
	for _, c := range changes {
		k, _ := c["field"].(string)
		if o := c["old"]; k != "" && o != nil {
			if out == nil {
				out = make(map[string]any, len(changes))
			}
			out[k] = o
		}
	}
	return out
}

// activityIndex orders a form's records by their last change, so "not
// changed for N days" (an automation's silence scan) and "recently
// changed" lists read a range of index entries instead of every record.
var activityIndex = store.Index{Name: "a_updated", Fields: []store.SortKey{{Field: store.FieldUpdatedAt}}}

// setPayloadOld adds a field a RecordWriting hook changed to the
// record.updated payload's old values (RecordWritingEvent.SetValue), so
// consumers see its previous value like the writer's own changes.
func setPayloadOld(payload map[string]any, key string, old any) {
	if old == nil {
		return
	}
	m, _ := payload["old"].(map[string]any)
	if m == nil {
		m = map[string]any{}
		payload["old"] = m
	}
	m[key] = old
}
