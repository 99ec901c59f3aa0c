package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
)

// idempotencyHeader names the header of a create an integrator may retry.
const idempotencyHeader = "Idempotency-Key"

// idempotencyKey is the request's Idempotency-Key, when it sent one (an
// empty header counts as sent, so it is refused rather than ignored).
func idempotencyKey(c *fiber.Ctx) (string, bool) {
	v := c.Request().Header.Peek(idempotencyHeader)
	if v == nil {
		return "", false
	}
	return string(v), true
}

// createRecordOnce is createRecord under an Idempotency-Key: a replay
// answers the first create's status and body, with Idempotent-Replayed.
func (s *Server) createRecordOnce(c *fiber.Ctx, key string, in RecordInput) error {
	r, replayed, err := s.e.CreateRecordOnce(c.UserContext(), actor(c), c.Params("form"), key, in.Data, engine.WriteOptions{})
	if errors.Is(err, engine.ErrIdempotencyReused) {
		return &apiError{status: fiber.StatusUnprocessableEntity, code: "idempotency_key_reused", cause: err}
	}
	if err != nil {
		return err
	}
	if replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	return created(c, r)
}

// BulkCreate is the body of POST …/records/bulk-create: at most
// engine.MaxBulkWrites records.
type BulkCreate struct {
	Items []RecordInput `json:"items"`
}

// BulkUpdateItem is one change of a bulk update: the record, the version
// read and the fields to change.
type BulkUpdateItem struct {
	ID      string         `json:"id"`
	Version int64          `json:"version"`
	Data    map[string]any `json:"data"`
}

// BulkUpdate is the body of POST …/records/bulk-update: at most
// engine.MaxBulkWrites changes.
type BulkUpdate struct {
	Items []BulkUpdateItem `json:"items"`
}

// BulkWriteItem is the outcome of one item of a bulk create or update, at
// the item's index: the record written, or the error with its per-field
// problems.
type BulkWriteItem struct {
	Index  int            `json:"index"`
	OK     bool           `json:"ok"`
	ID     string         `json:"id,omitempty"`
	Record *engine.Record `json:"record,omitempty"`
	Error  *ErrorDetail   `json:"error,omitempty"`
}

// BulkWriteResult answers a bulk create or update: one item per input, in
// order, and the counts. Each item committed or failed on its own.
type BulkWriteResult struct {
	Items     []BulkWriteItem `json:"items"`
	Succeeded int             `json:"succeeded"`
	Failed    int             `json:"failed"`
}

func (s *Server) bulkCreateRecords(c *fiber.Ctx) error {
	var in BulkCreate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	inputs := make([]map[string]any, len(in.Items))
	for i, it := range in.Items {
		inputs[i] = it.Data
	}
	res, err := s.e.CreateRecords(c.UserContext(), actor(c), c.Params("form"), inputs, engine.WriteOptions{})
	if err != nil {
		return err
	}
	return c.JSON(s.bulkWriteResult(c, "create", res, nil))
}

func (s *Server) bulkUpdateRecords(c *fiber.Ctx) error {
	var in BulkUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	changes := make([]engine.RecordChange, len(in.Items))
	ids := make([]string, len(in.Items))
	for i, it := range in.Items {
		changes[i] = engine.RecordChange{ID: it.ID, Version: it.Version, Data: it.Data}
		ids[i] = it.ID
	}
	res, err := s.e.UpdateRecords(c.UserContext(), actor(c), c.Params("form"), changes, engine.WriteOptions{})
	if err != nil {
		return err
	}
	return c.JSON(s.bulkWriteResult(c, "update", res, ids))
}

// bulkWriteResult renders the per-item outcomes; ids are the items' record
// ids for an update (a failed item still names its record).
func (s *Server) bulkWriteResult(c *fiber.Ctx, op string, res []engine.WriteResult, ids []string) BulkWriteResult {
	out := BulkWriteResult{Items: make([]BulkWriteItem, len(res))}
	l := lang(c)
	for i, r := range res {
		it := BulkWriteItem{Index: i, OK: r.Err == nil}
		if ids != nil {
			it.ID = ids[i]
		}
		if r.Err == nil {
			rec := r.Record
			it.ID, it.Record = rec.ID, &rec
			out.Succeeded++
			out.Items[i] = it
			continue
		}
		out.Failed++
		status, code, params, fields := classify(r.Err)
		if status >= 500 {
			s.logger(c).Error("bulk "+op+": one record failed", "index", i, "err", r.Err)
		}
		d := render(l, code, params, fields).Error
		it.Error = &d
		out.Items[i] = it
	}
	return out
}
