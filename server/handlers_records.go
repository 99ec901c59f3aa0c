package server

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// RecordInput creates ({"data":{…}}) or changes ({"data":{…},"version":n}) a record.
type RecordInput struct {
	Data    map[string]any `json:"data"`
	Version int64          `json:"version,omitempty"`
}

// RecordQuery is the body of POST …/records/query. Filter uses the store's
// portable filter model; paths are field keys or record properties.
// Deleted selects the recycle bin: "" or "exclude", "only", "include".
type RecordQuery struct {
	Filter  *store.Filter   `json:"filter"`
	Sort    []store.SortKey `json:"sort"`
	Limit   int             `json:"limit"`
	Offset  int             `json:"offset"`
	Cursor  string          `json:"cursor"`
	Total   bool            `json:"total"`
	Deleted string          `json:"deleted"`
}

func (q RecordQuery) engineQuery() (engine.RecordQuery, error) {
	rq := engine.RecordQuery{Filter: q.Filter, Sort: q.Sort, Limit: q.Limit, Offset: q.Offset, Cursor: q.Cursor, Total: q.Total}
	switch q.Deleted {
	case "", "exclude":
		rq.Deleted = store.ExcludeDeleted
	case "only":
		rq.Deleted = store.OnlyDeleted
	case "include":
		rq.Deleted = store.IncludeDeleted
	default:
		return rq, &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": "deleted"}}
	}
	return rq, nil
}

func (s *Server) createRecord(c *fiber.Ctx) error {
	var in RecordInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Data == nil {
		in.Data = map[string]any{}
	}
	if key, ok := idempotencyKey(c); ok {
		return s.createRecordOnce(c, key, in)
	}
	r, err := s.e.CreateRecord(c.UserContext(), actor(c), c.Params("form"), in.Data, engine.WriteOptions{})
	if err != nil {
		return err
	}
	return created(c, r)
}

func (s *Server) getRecord(c *fiber.Ctx) error {
	r, err := s.e.Record(c.UserContext(), actor(c), c.Params("form"), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) updateRecord(c *fiber.Ctx) error {
	var in RecordInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.e.UpdateRecord(c.UserContext(), actor(c), c.Params("form"), c.Params("id"), in.Data, in.Version, engine.WriteOptions{})
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) deleteRecord(c *fiber.Ctx) error {
	v, err := queryInt(c, "version")
	if err != nil {
		return err
	}
	if err := s.e.DeleteRecord(c.UserContext(), actor(c), c.Params("form"), c.Params("id"), v); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) restoreRecord(c *fiber.Ctx) error {
	v, err := queryInt(c, "version")
	if err != nil {
		return err
	}
	r, err := s.e.RestoreRecord(c.UserContext(), actor(c), c.Params("form"), c.Params("id"), v)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) recordHistory(c *fiber.Ctx) error {
	list, err := s.e.History(c.UserContext(), actor(c), c.Params("form"), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) queryRecords(c *fiber.Ctx) error {
	var in RecordQuery
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	return s.runQuery(c, in)
}

// listRecords is the GET form of a query: limit, cursor, offset, total and
// deleted as plain parameters, sort as "-amount,company", filter as the
// same JSON the query body takes.
func (s *Server) listRecords(c *fiber.Ctx) error {
	var in RecordQuery
	for _, name := range []string{"limit", "offset"} {
		n, err := queryInt(c, name)
		if err != nil {
			return err
		}
		if name == "limit" {
			in.Limit = int(min(n, 1<<20))
		} else {
			in.Offset = int(min(n, 1<<30))
		}
	}
	in.Cursor = c.Query("cursor")
	in.Deleted = c.Query("deleted")
	switch c.Query("total") {
	case "", "false", "0":
	case "true", "1":
		in.Total = true
	default:
		return &apiError{status: fiber.StatusBadRequest, code: "bad_parameter", params: map[string]any{"name": "total"}}
	}
	if sort := c.Query("sort"); sort != "" {
		for key := range strings.SplitSeq(sort, ",") {
			key = strings.TrimSpace(key)
			desc := strings.HasPrefix(key, "-")
			in.Sort = append(in.Sort, store.SortKey{Field: strings.TrimPrefix(key, "-"), Desc: desc})
		}
	}
	if f := c.Query("filter"); f != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(f)))
		dec.DisallowUnknownFields()
		in.Filter = &store.Filter{}
		if err := dec.Decode(in.Filter); err != nil {
			return badJSON(err)
		}
	}
	return s.runQuery(c, in)
}

func (s *Server) runQuery(c *fiber.Ctx, in RecordQuery) error {
	q, err := in.engineQuery()
	if err != nil {
		return err
	}
	page, err := s.e.QueryRecords(c.UserContext(), actor(c), c.Params("form"), q)
	if err != nil {
		return err
	}
	if page.Items == nil {
		page.Items = []engine.Record{}
	}
	return c.JSON(page)
}

// BulkDelete is the body of POST …/records/delete: at most
// engine.MaxBulkRecords record ids.
type BulkDelete struct {
	IDs []string `json:"ids"`
}

// BulkItem is the outcome for one id: ok, or the error it met in the one
// error shape (without per-field details).
type BulkItem struct {
	ID    string       `json:"id"`
	OK    bool         `json:"ok"`
	Error *ErrorDetail `json:"error,omitempty"`
}

// BulkResult answers a bulk operation: one item per distinct id, in request
// order, and the counts.
type BulkResult struct {
	Items     []BulkItem `json:"items"`
	Succeeded int        `json:"succeeded"`
	Failed    int        `json:"failed"`
}

func (s *Server) deleteRecords(c *fiber.Ctx) error {
	var in BulkDelete
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.e.DeleteRecords(c.UserContext(), actor(c), c.Params("form"), in.IDs)
	if err != nil {
		return err
	}
	return c.JSON(s.bulkResult(c, "delete", res))
}

// bulkResult renders the per-record outcomes of a bulk operation (op names
// it in the log of a record that failed with a server fault).
func (s *Server) bulkResult(c *fiber.Ctx, op string, res []engine.BulkResult) BulkResult {
	out := BulkResult{Items: make([]BulkItem, len(res))}
	l := lang(c)
	for i, r := range res {
		out.Items[i] = BulkItem{ID: r.ID, OK: r.Err == nil}
		if r.Err == nil {
			out.Succeeded++
			continue
		}
		out.Failed++
		status, code, params, _ := classify(r.Err)
		if status >= 500 {
			s.logger(c).Error("bulk "+op+": one record failed", "record", r.ID, "err", r.Err)
		}
		d := render(l, code, params, nil).Error
		out.Items[i].Error = &d
	}
	return out
}
