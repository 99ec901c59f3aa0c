package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine/report"
)

// DashboardInput creates a dashboard.
type DashboardInput struct {
	Title   string                   `json:"title"`
	Roles   []string                 `json:"roles"`
	Filters []report.DashboardFilter `json:"filters"`
	Charts  []report.Chart           `json:"charts"`
}

// DashboardUpdate replaces a dashboard; Version is the one read.
type DashboardUpdate struct {
	DashboardInput
	Version int64 `json:"version"`
}

// DashboardDataInput holds the viewer's filter values, by filter id.
type DashboardDataInput struct {
	Filters map[string]report.FilterValue `json:"filters"`
}

// DrillInput asks for the records behind one group of a chart.
type DrillInput struct {
	Filters map[string]report.FilterValue `json:"filters"`
	Keys    []any                         `json:"keys"`
}

// ChartPreviewInput computes an unsaved chart.
type ChartPreviewInput struct {
	Chart     report.Chart                  `json:"chart"`
	Dashboard string                        `json:"dashboard"`
	Filters   map[string]report.FilterValue `json:"filters"`
}

// chartBody is a chart's data with its error rendered in the request's language.
type chartBody struct {
	report.ChartData
	Error *ErrorDetail `json:"error,omitempty"`
}

func (in DashboardInput) dashboard(app string) report.Dashboard {
	return report.Dashboard{App: app, Title: in.Title, Roles: in.Roles, Filters: in.Filters, Charts: in.Charts}
}

func (s *Server) dashboards() (*report.Dashboards, error) {
	if s.cfg.Dashboards == nil {
		return nil, errNoDashboards
	}
	return s.cfg.Dashboards, nil
}

// errNoDashboards answers the dashboard routes of a server without the service.
var errNoDashboards = newError(fiber.StatusNotFound, "not_found", nil)

func (s *Server) listDashboards(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	list, err := d.List(c.UserContext(), actor(c), c.Params("app"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) createDashboard(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in DashboardInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	db, err := d.Create(c.UserContext(), actor(c), in.dashboard(c.Params("app")))
	if err != nil {
		return err
	}
	return created(c, db)
}

func (s *Server) getDashboard(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	db, err := d.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(db)
}

func (s *Server) updateDashboard(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in DashboardUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	db, err := d.Update(c.UserContext(), actor(c), c.Params("id"), in.dashboard(""), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(db)
}

func (s *Server) deleteDashboard(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	if err := d.Delete(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) dashboardData(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in DashboardDataInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	list, err := d.Data(c.UserContext(), actor(c), c.Params("id"), in.Filters)
	if err != nil {
		return err
	}
	out := make([]chartBody, len(list))
	for i, cd := range list {
		out[i] = s.chartBody(c, cd)
	}
	return c.JSON(fiber.Map{"items": out})
}

func (s *Server) chartData(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in DashboardDataInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cd, err := d.ChartData(c.UserContext(), actor(c), c.Params("id"), c.Params("chart"), in.Filters)
	if err != nil {
		return err
	}
	return c.JSON(cd)
}

func (s *Server) previewChart(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in ChartPreviewInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cd, err := d.Preview(c.UserContext(), actor(c), c.Params("app"), in.Dashboard, in.Chart, in.Filters)
	if err != nil {
		return err
	}
	return c.JSON(cd)
}

func (s *Server) drillChart(c *fiber.Ctx) error {
	d, err := s.dashboards()
	if err != nil {
		return err
	}
	var in DrillInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	dr, err := d.Drill(c.UserContext(), actor(c), c.Params("id"), c.Params("chart"), in.Filters, in.Keys)
	if err != nil {
		return err
	}
	return c.JSON(dr)
}

// chartBody renders a chart's error like an error response's detail.
func (s *Server) chartBody(c *fiber.Ctx, cd report.ChartData) chartBody {
	out := chartBody{ChartData: cd}
	if cd.Err != nil {
		status, code, params, fields := classify(cd.Err)
		if status >= 500 {
			s.log.Error("dashboard chart", "chart", cd.Chart, "err", cd.Err)
		}
		body := render(lang(c), code, params, fields)
		out.Error = &body.Error
	}
	return out
}
