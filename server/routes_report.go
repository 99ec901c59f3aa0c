package server

// reportRoutes are the saved views of a form's data.
func (s *Server) reportRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/forms/:form/views", access: authed, action: actRead, tag: "views", op: "listViews", summary: "The saved views of a form the caller may use: shared ones first, then their own, by name; default is the view their roles open first (\"\" for none).", resp: "ViewList", h: s.listViews},
		{method: "POST", path: "/api/v1/forms/:form/views", access: authed, action: actWrite, tag: "views", op: "createView", summary: "Save a view (filter, sort, columns with widths, grouping, table, kanban or calendar). Every member who may view the form saves personal views; shared views and role defaults need the right to manage the form. The filter, sort and grouping are checked as a query by the caller would be.", req: "ViewInput", resp: "View", status: 201, h: s.createView},
		{method: "GET", path: "/api/v1/views/:id", access: authed, action: actRead, tag: "views", op: "getView", summary: "One saved view (a link to a view); another member's personal view is not found.", resp: "View", h: s.getView},
		{method: "PUT", path: "/api/v1/views/:id", access: authed, action: actWrite, tag: "views", op: "updateView", summary: "Replace a view (its owner; a shared view: those who manage the form); version is the one read (409 if stale).", req: "ViewUpdate", resp: "View", h: s.updateView},
		{method: "DELETE", path: "/api/v1/views/:id", access: authed, action: actWrite, tag: "views", op: "deleteView", summary: "Delete a view (its owner; a shared view: those who manage the form).", h: s.deleteView},
	}
}
