package server

// dashboardsRoutes are the routes of dashboards (docs/dashboards.md):
// those who manage an app design its dashboards; every member who may
// see one computes its charts, each over the records they may see.
func (s *Server) dashboardsRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/apps/:app/dashboards", access: authed, action: actRead, tag: "dashboards", op: "listDashboards", summary: "The app's dashboards the caller may see (no roles: every member; else members of one of the roles, and those who manage the app), by title.", resp: "DashboardList", h: s.listDashboards},
		{method: "POST", path: "/api/v1/apps/:app/dashboards", access: authed, action: actWrite, tag: "dashboards", op: "createDashboard", summary: "Create a dashboard (those who manage the app): title, roles, filters (date_range, user, department, bound per form) and charts on a 12-column grid. Every chart is computed once as the caller, so an unknown or hidden field, a bad filter or expression is refused with its path (charts[i]…).", req: "DashboardInput", resp: "Dashboard", status: 201, h: s.createDashboard},
		{method: "POST", path: "/api/v1/apps/:app/dashboards/preview", access: authed, action: actRead, tag: "dashboards", op: "previewChart", summary: "Compute a chart that is not saved (the chart dialog), optionally under a dashboard's filter values; those who manage the app.", req: "ChartPreviewInput", resp: "ChartData", h: s.previewChart},
		{method: "GET", path: "/api/v1/dashboards/:id", access: authed, action: actRead, tag: "dashboards", op: "getDashboard", summary: "One dashboard the caller may see.", resp: "Dashboard", h: s.getDashboard},
		{method: "PUT", path: "/api/v1/dashboards/:id", access: authed, action: actWrite, tag: "dashboards", op: "updateDashboard", summary: "Replace a dashboard (those who manage the app); version is the one read (409 if stale).", req: "DashboardUpdate", resp: "Dashboard", h: s.updateDashboard},
		{method: "DELETE", path: "/api/v1/dashboards/:id", access: authed, action: actWrite, tag: "dashboards", op: "deleteDashboard", summary: "Delete a dashboard (those who manage the app).", h: s.deleteDashboard},
		{method: "POST", path: "/api/v1/dashboards/:id/data", access: authed, action: actRead, tag: "dashboards", op: "dashboardData", summary: "Every chart's data for the caller under the filter values chosen (by filter id: from/to dates in the workspace time zone, or a user or department id). A chart the caller cannot compute (no access to its form, a hidden field) carries its error; the others are unaffected.", req: "DashboardDataInput", resp: "DashboardData", h: s.dashboardData},
		{method: "POST", path: "/api/v1/dashboards/:id/charts/:chart/data", access: authed, action: actRead, tag: "dashboards", op: "chartData", summary: "One chart's data for the caller (see dashboardData).", req: "DashboardDataInput", resp: "ChartData", h: s.chartData},
		{method: "POST", path: "/api/v1/dashboards/:id/charts/:chart/drill", access: authed, action: actRead, tag: "dashboards", op: "drillChart", summary: "The form and filter (query model) of the records behind one bar, slice, cell or funnel stage: keys are the group's keys as chart data returned them. The data view opens with it (?filter=).", req: "DrillInput", resp: "Drill", h: s.drillChart},
	}
}
