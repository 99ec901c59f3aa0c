package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// AppUpdate changes an app; Version is the one the caller read.
type AppUpdate struct {
	engine.AppInput
	Version int64 `json:"version"`
}

func (s *Server) listApps(c *fiber.Ctx) error {
	list, err := s.e.Apps(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createApp(c *fiber.Ctx) error {
	var in engine.AppInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	app, err := s.e.CreateApp(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return created(c, app)
}

func (s *Server) getApp(c *fiber.Ctx) error {
	app, err := s.e.App(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	return c.JSON(app)
}

func (s *Server) updateApp(c *fiber.Ctx) error {
	var in AppUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	app, err := s.e.UpdateApp(c.UserContext(), actor(c), c.Params("app"), in.AppInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(app)
}

func (s *Server) deleteApp(c *fiber.Ctx) error {
	if err := s.e.DeleteApp(c.UserContext(), actor(c), c.Params("app")); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) restoreApp(c *fiber.Ctx) error {
	app, err := s.e.RestoreApp(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	return c.JSON(app)
}

// FormUpdate replaces a form's draft; Version is the form version read.
type FormUpdate struct {
	engine.FormInput
	Version int64 `json:"version"`
}

func (s *Server) listForms(c *fiber.Ctx) error {
	list, err := s.e.Forms(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createForm(c *fiber.Ctx) error {
	var in engine.FormInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := s.e.CreateForm(c.UserContext(), actor(c), c.Params("app"), in)
	if err != nil {
		return err
	}
	return created(c, f)
}

func (s *Server) getForm(c *fiber.Ctx) error {
	f, err := s.e.Form(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) saveDraft(c *fiber.Ctx) error {
	var in FormUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, err := s.e.SaveDraft(c.UserContext(), actor(c), c.Params("form"), in.FormInput, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) deleteForm(c *fiber.Ctx) error {
	if err := s.e.DeleteForm(c.UserContext(), actor(c), c.Params("form")); err != nil {
		return err
	}
	return noContent(c)
}

// Published answers a publish: the new version number and what changed.
type Published struct {
	Form        string          `json:"form"`
	Number      int             `json:"number"`
	Changes     []engine.Change `json:"changes"`
	PublishedAt time.Time       `json:"publishedAt"`
	PublishedBy string          `json:"publishedBy"`
}

func (s *Server) publishForm(c *fiber.Ctx) error {
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	v, changes, err := s.b.Publish(c.UserContext(), actor(c), c.Params("form"), in.Version)
	if err != nil {
		return err
	}
	if changes == nil {
		changes = []engine.Change{}
	}
	return created(c, Published{Form: v.Form, Number: v.Number, Changes: changes, PublishedAt: v.PublishedAt, PublishedBy: v.PublishedBy})
}

func (s *Server) listVersions(c *fiber.Ctx) error {
	list, err := s.e.Versions(c.UserContext(), actor(c), c.Params("form"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

// ExpressionInput is an expression to check; Definition, when given, is the
// unsaved design the designer holds, checked against instead of the stored
// draft (so typing never waits on a save).
type ExpressionInput struct {
	Expression string           `json:"expression"`
	Definition *form.Definition `json:"definition"`
}

func (s *Server) checkExpression(c *fiber.Ctx) error {
	var in ExpressionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.b.CheckExpressionIn(c.UserContext(), actor(c), c.Params("form"), in.Expression, in.Definition)
	if err != nil {
		return err
	}
	return c.JSON(res.Localize(lang(c)))
}
