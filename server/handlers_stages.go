package server

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/workflow"
)

// stages returns the stage service, or 404 when none is wired.
func (s *Server) stages() (*workflow.Stages, error) {
	if s.cfg.Stages == nil {
		return nil, engine.ErrNotFound
	}
	return s.cfg.Stages, nil
}

// StagePipelineInput is the body of PUT …/stages.
type StagePipelineInput struct {
	Pipeline *workflow.Pipeline `json:"pipeline"`
	Version  int64              `json:"version"`
}

func (s *Server) getStages(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	d, err := st.Design(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(s.stageDesign(c, d))
}

// stageDesign renders a design with its problems in the request's language.
func (s *Server) stageDesign(c *fiber.Ctx, d workflow.StageDesign) fiber.Map {
	return fiber.Map{"published": d.Published, "formVersion": d.FormVersion, "draft": d.Draft, "draftVersion": d.DraftVersion,
		"problems": fieldErrors(lang(c), d.Problems), "stages": d.Stages}
}

// fieldErrors renders per-field problems with their messages.
func fieldErrors(l string, errs []field.Error) []FieldError {
	out := make([]FieldError, 0, len(errs))
	for _, f := range errs {
		out = append(out, FieldError{Path: f.Path, Code: f.Code, Message: fieldMessage(l, f)})
	}
	return out
}

func (s *Server) putStages(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	var in StagePipelineInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := st.SaveDesign(c.UserContext(), actor(c), c.Params("form"), in.Pipeline, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(s.stageDesign(c, d))
}

func (s *Server) stageSummary(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	items, err := st.Summary(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) stageTransitions(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	q := workflow.TransitionQuery{From: c.Query("from"), To: c.Query("to"), Cursor: c.Query("cursor")}
	var errs []field.Error
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if v := c.Query(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				errs = append(errs, field.Error{Path: p.name, Code: field.CodeDate})
				continue
			}
			*p.to = t
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			errs = append(errs, field.Error{Path: "limit", Code: engine.CodeRange, Params: map[string]any{"min": 1, "max": 500}})
		}
		q.Limit = n
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	page, err := st.Transitions(c.UserContext(), actor(c), c.Params("form"), q)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) recordStages(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	items, err := st.RecordHistory(c.UserContext(), actor(c), c.Params("form"), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) checkStage(c *fiber.Ctx) error {
	st, err := s.stages()
	if err != nil {
		return err
	}
	to := c.Query("to")
	if to == "" {
		return &engine.ValidationError{Fields: []field.Error{{Path: "to", Code: engine.CodeRequired}}}
	}
	errs, err := st.CheckMove(c.UserContext(), actor(c), c.Params("form"), c.Params("id"), to)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"to": to, "ok": len(errs) == 0, "fields": fieldErrors(lang(c), errs)})
}
