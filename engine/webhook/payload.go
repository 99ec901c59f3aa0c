package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// PayloadVersion is the version of the delivered body (docs/webhooks.md).
const PayloadVersion = "v1"

// Payload is the body of every outbound delivery, version v1. It changes
// only by adding fields; a change that removes or redefines one makes v2.
type Payload struct {
	// PayloadVersion is "v1".
	PayloadVersion string `json:"payloadVersion"`
	// ID is the event's id (stable across retries and redeliveries, like
	// the webhook-id header of the message).
	ID string `json:"id"`
	// Type is the event type ("record.created", "form.published", …).
	Type string `json:"type"`
	// Timestamp is when the event was committed (RFC 3339, UTC).
	Timestamp time.Time `json:"timestamp"`
	Workspace string    `json:"workspace"`
	// Form and App name the form of a record or form event ("" otherwise).
	Form string `json:"form,omitempty"`
	App  string `json:"app,omitempty"`
	// Data is the event's data: for record events a RecordData, for other
	// events the outbox payload as docs/events.md describes it.
	Data any `json:"data"`
}

// RecordData is the data of a record event.
type RecordData struct {
	// Record is the record as the API returns it (field keys), restricted
	// to what the endpoint's actor may see; its values are the ones the
	// change left.
	Record engine.Record `json:"record"`
	// Changed lists the field keys an update changed (visible ones only).
	Changed []string `json:"changed"`
	// Source is where the write came from (ui, api, import, automation, webhook…).
	Source string `json:"source"`
	// Actor is the id of the user who made the change.
	Actor string `json:"actor"`
}

// errInvisible means the endpoint's actor may not see the event's record.
var errInvisible = errors.New("webhook: record outside the endpoint actor's view")

// isRecordEvent says t is one of the record events.
func isRecordEvent(t string) bool {
	return strings.HasPrefix(t, "record.") && slices.Contains(recordEvents, t)
}

// buildPayload renders an event for an endpoint whose actor is a.
func (s *Service) buildPayload(ctx context.Context, a engine.Actor, ev store.Event, p map[string]any) ([]byte, error) {
	out := Payload{PayloadVersion: PayloadVersion, ID: ev.ID, Type: ev.Type, Timestamp: ev.At.UTC(), Workspace: ev.Workspace,
		Form: str(p, "form"), App: str(p, "app"), Data: p}
	if isRecordEvent(ev.Type) {
		rd, err := s.recordData(ctx, a, ev, p)
		if err != nil {
			return nil, err
		}
		out.Data = rd
	}
	return json.Marshal(out)
}

// recordData is the record view of a record event: the record's system
// properties and visibility from the engine (row permissions), its values
// from the event (the state the change left), without hidden fields.
func (s *Service) recordData(ctx context.Context, a engine.Actor, ev store.Event, p map[string]any) (RecordData, error) {
	form, id := str(p, "form"), str(p, "record")
	rec, err := s.e.Record(ctx, a, form, id)
	if errors.Is(err, engine.ErrNotFound) {
		return RecordData{}, errInvisible
	}
	if err != nil {
		return RecordData{}, err
	}
	perm, err := s.e.MyPermission(ctx, a, form)
	if err != nil {
		return RecordData{}, err
	}
	visible := func(k string) bool { acc, ok := perm.Fields[k]; return !ok || acc != engine.FieldHidden }
	if data, ok := p["data"].(map[string]any); ok {
		vals := map[string]any{}
		for k, v := range data {
			if visible(k) {
				vals[k] = v
			}
		}
		rec.Data = vals
	}
	rec.Version = num(p, "version")
	if fv := num(p, "form_version"); fv > 0 {
		rec.FormVersion = int(fv)
	}
	changed := []string{}
	for _, k := range strs(p["changed"]) {
		if visible(k) {
			changed = append(changed, k)
		}
	}
	return RecordData{Record: rec, Changed: changed, Source: str(p, "source"), Actor: str(p, "actor")}, nil
}
