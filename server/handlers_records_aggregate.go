package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

// RecordAggregateInput is the body of POST …/records/aggregate.
type RecordAggregateInput struct {
	Filter  *store.Filter    `json:"filter"`
	GroupBy []store.GroupKey `json:"groupBy"`
	Metrics []store.Metric   `json:"metrics"`
	Deleted string           `json:"deleted"`
}

func (s *Server) aggregateRecords(c *fiber.Ctx) error {
	var in RecordAggregateInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	// The recycle-bin selection is parsed like a query's.
	rq, err := RecordQuery{Deleted: in.Deleted}.engineQuery()
	if err != nil {
		return err
	}
	res, err := s.e.AggregateRecords(c.UserContext(), actor(c), c.Params("form"),
		engine.RecordAggregate{Filter: in.Filter, GroupBy: in.GroupBy, Metrics: in.Metrics, Deleted: rq.Deleted})
	if err != nil {
		return err
	}
	return c.JSON(res)
}
