package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine/report"
)

// ViewInput creates a saved view.
type ViewInput struct {
	Name       string            `json:"name"`
	Shared     bool              `json:"shared"`
	DefaultFor []string          `json:"defaultFor"`
	Config     report.ViewConfig `json:"config"`
}

// ViewUpdate replaces a saved view; Version is the one read.
type ViewUpdate struct {
	ViewInput
	Version int64 `json:"version"`
}

func (in ViewInput) view(form string) report.View {
	return report.View{Form: form, Name: in.Name, Shared: in.Shared, DefaultFor: in.DefaultFor, Config: in.Config}
}

func (s *Server) listViews(c *fiber.Ctx) error {
	list, def, err := s.views.List(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []report.View{}
	}
	return c.JSON(fiber.Map{"items": list, "default": def})
}

func (s *Server) createView(c *fiber.Ctx) error {
	var in ViewInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.views.Create(c.UserContext(), actor(c), in.view(c.Params("form")))
	if err != nil {
		return err
	}
	return created(c, v)
}

func (s *Server) getView(c *fiber.Ctx) error {
	v, err := s.views.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateView(c *fiber.Ctx) error {
	var in ViewUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, err := s.views.Update(c.UserContext(), actor(c), c.Params("id"), in.view(""), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteView(c *fiber.Ctx) error {
	if err := s.views.Delete(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}
