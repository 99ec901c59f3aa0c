package engine

import (
	"time"

	"github.com/formloom/formloom/engine/store"
)

// recordField is the key under which a record document keeps the form's
// field values; the document's other keys are the engine's own (form version,
// source), so user field keys can never collide with them.
const recordField = "fields"

// ownerKey is the document key of a record's owner (a user id): the
// creator unless the record was transferred. Row filters of permission
// sets refer to it as the record property ownedBy.
const ownerKey = "owner"

// Record is one entry of a form. Data holds the values of current and
// archived fields, by key.
type Record struct {
	ID          string         `json:"id"`
	Version     int64          `json:"version"`
	FormVersion int            `json:"formVersion"`
	Data        map[string]any `json:"data"`
	CreatedAt   time.Time      `json:"createdAt"`
	CreatedBy   string         `json:"createdBy"`
	Owner       string         `json:"ownedBy"`
	UpdatedAt   time.Time      `json:"updatedAt"`
	UpdatedBy   string         `json:"updatedBy"`
	DeletedAt   *time.Time     `json:"deletedAt,omitempty"`
}

func recordFrom(d store.Document) Record {
	data, _ := d.Data[recordField].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	r := Record{ID: d.ID, Version: d.Version, Data: data, CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy,
		UpdatedAt: d.UpdatedAt, UpdatedBy: d.UpdatedBy, DeletedAt: d.DeletedAt}
	if r.Owner, _ = d.Data[ownerKey].(string); r.Owner == "" {
		r.Owner = d.CreatedBy
	}
	if n, ok := d.Data["form_version"].(float64); ok {
		r.FormVersion = int(n)
	}
	return r
}

// systemInputKeys are the record's own properties a client might try to set
// inside data; they are refused with a per-field error.
var systemInputKeys = map[string]bool{
	"id": true, "version": true, "formVersion": true, "createdAt": true, "createdBy": true,
	"updatedAt": true, "updatedBy": true, "deletedAt": true, "ownedBy": true,
}
