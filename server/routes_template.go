package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	tpl "github.com/formloom/formloom/engine/template"
)

// templateRoutes are the routes of app templates (docs/templates.md): the
// gallery, checking and installing a template or an uploaded bundle, and
// an installed app's upgrade and export. Workspace admins only.
func (s *Server) templateRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/templates", access: authed, action: actRead, tag: "templates", op: "listTemplates", summary: "The templates this server ships (admins): key, version, names, counts per part.", resp: "TemplateList", h: s.listTemplates},
		{method: "GET", path: "/api/v1/templates/:key", access: authed, action: actRead, tag: "templates", op: "getTemplate", summary: "One shipped template (admins): its summary, forms with their fields and items per part.", resp: "TemplateDetail", h: s.getTemplate},
		{method: "POST", path: "/api/v1/templates/check", access: authed, action: actAdmin, tag: "templates", op: "checkTemplate", summary: "Check a bundle (the body, at most 8 MiB) as install would, writing nothing: 422 with every problem's path (forms.<key>.definition.fields[i]…, parts.<kind>.<item>…).", req: "TemplateBundle", resp: "TemplateCheck", h: s.checkTemplate},
		{method: "POST", path: "/api/v1/templates/install", access: authed, action: actAdmin, tag: "templates", op: "installTemplate", summary: "Install a shipped template (key) or an uploaded bundle into a new app, optionally with sample data and in a language (locale); all or nothing.", req: "TemplateInstall", resp: "TemplateInstalled", status: 201, h: s.installTemplate},
		{method: "GET", path: "/api/v1/apps/:app/template", access: authed, action: actRead, tag: "templates", op: "getAppTemplate", summary: "The template an app was installed from (404 if none): key, version, when, and its key -> id refs.", resp: "TemplateInstallation", h: s.getAppTemplate},
		{method: "POST", path: "/api/v1/apps/:app/template/preview", access: authed, action: actAdmin, tag: "templates", op: "previewTemplateUpgrade", summary: "What upgrading the app to a template version (key or bundle) would change: a three-way merge against the installed version; the user's own changes are kept, conflicts listed with stable ids.", req: "TemplateSource", resp: "UpgradePlan", h: s.previewTemplateUpgrade},
		{method: "POST", path: "/api/v1/apps/:app/template/upgrade", access: authed, action: actAdmin, tag: "templates", op: "upgradeTemplate", summary: "Upgrade the app: changes applied as new published versions (removed fields archived, never dropped); every conflict needs a resolution (ours or theirs).", req: "TemplateUpgrade", resp: "UpgradeResult", h: s.upgradeTemplate},
		{method: "GET", path: "/api/v1/apps/:app/template/export", access: authed, action: actRead, tag: "templates", op: "exportTemplate", summary: "Download the app as a template bundle (<app>.formloom.json), with up to sample records per form.", query: []string{"sample"}, resp: "TemplateBundle", h: s.exportTemplate},
	}
}

// TemplateSource names a template: a shipped one by key, or a bundle.
type TemplateSource struct {
	Key    string          `json:"key"`
	Bundle json.RawMessage `json:"bundle"`
}

// TemplateInstall installs a template.
type TemplateInstall struct {
	TemplateSource
	SampleData bool   `json:"sampleData"`
	Locale     string `json:"locale"`
	AppName    string `json:"appName"`
}

// TemplateUpgrade upgrades an app; Resolutions maps conflict ids to "ours" or "theirs".
type TemplateUpgrade struct {
	TemplateSource
	Resolutions map[string]string `json:"resolutions"`
}

// errNoTemplates answers the template routes of a server without the service.
var errNoTemplates = newError(fiber.StatusNotFound, "not_found", nil)

// templates returns the service, refusing callers who are not workspace admins.
func (s *Server) templates(c *fiber.Ctx) (*tpl.Service, error) {
	if s.cfg.Templates == nil {
		return nil, errNoTemplates
	}
	if _, err := s.e.Authorize(c.UserContext(), actor(c), engine.ActWorkspaceManage, engine.Resource{}); err != nil {
		return nil, fmt.Errorf("%w: templates are for workspace admins", engine.ErrForbidden)
	}
	if len(c.Body()) > tpl.MaxBundleBytes {
		return nil, errBodyTooLarge
	}
	return s.cfg.Templates, nil
}

// pkg resolves a source to a package: a shipped template or a bundle.
func (src TemplateSource) pkg(svc *tpl.Service) (*tpl.Package, error) {
	switch {
	case len(src.Bundle) > 0 && src.Key != "":
		return nil, &engine.ValidationError{Fields: []field.Error{{Path: "bundle", Code: tpl.CodeSource}}}
	case len(src.Bundle) > 0:
		return tpl.ParseBundle(src.Bundle)
	case src.Key != "":
		p, err := svc.Load(src.Key)
		if errors.Is(err, engine.ErrNotFound) {
			return nil, &engine.ValidationError{Fields: []field.Error{{Path: "key", Code: tpl.CodeUnknown, Params: map[string]any{"value": src.Key}}}}
		}
		return p, err
	}
	return nil, &engine.ValidationError{Fields: []field.Error{{Path: "key", Code: engine.CodeRequired}}}
}

func (s *Server) listTemplates(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	list, err := svc.List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"templates": list})
}

func (s *Server) getTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	p, err := svc.Load(c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(tpl.DetailOf(p))
}

func (s *Server) checkTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	p, err := tpl.ParseBundle(c.Body())
	if err != nil {
		return err
	}
	if err := svc.Check(c.UserContext(), actor(c), p); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true, "summary": p.Summary()})
}

func (s *Server) installTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	var in TemplateInstall
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.pkg(svc)
	if err != nil {
		return err
	}
	res, err := svc.Install(c.UserContext(), actor(c), p, tpl.InstallOptions{SampleData: in.SampleData, Locale: in.Locale, AppName: in.AppName})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res)
}

func (s *Server) getAppTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	in, err := svc.Installed(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	return c.JSON(in)
}

func (s *Server) previewTemplateUpgrade(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	var in TemplateSource
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.pkg(svc)
	if err != nil {
		return err
	}
	plan, err := svc.Preview(c.UserContext(), actor(c), c.Params("app"), p)
	if err != nil {
		return err
	}
	return c.JSON(plan)
}

func (s *Server) upgradeTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	var in TemplateUpgrade
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.pkg(svc)
	if err != nil {
		return err
	}
	res, err := svc.Upgrade(c.UserContext(), actor(c), c.Params("app"), p, in.Resolutions)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) exportTemplate(c *fiber.Ctx) error {
	svc, err := s.templates(c)
	if err != nil {
		return err
	}
	n := 0
	if q := c.Query("sample"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 0 || n > tpl.MaxExportSample {
			return &engine.ValidationError{Fields: []field.Error{{Path: "sample", Code: engine.CodeRange, Params: map[string]any{"min": 0, "max": tpl.MaxExportSample}}}}
		}
	}
	app, err := s.e.App(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	p, err := svc.Export(c.UserContext(), actor(c), app.ID, tpl.ExportOptions{Sample: n})
	if err != nil {
		return err
	}
	b, err := p.Bundle()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, attachment(app.Name+".formloom.json"))
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}
