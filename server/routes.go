package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/auth"
)

// access says who may call a route.
type access int

const (
	// public routes answer without credentials: setup, login, health, the UI.
	public access = iota
	// authed routes need a session or an API token.
	authed
)

// Route actions: what an API token's scopes are checked against (never the
// HTTP method, so a read-only token may POST …/records/query). The user's
// role is decided by engine/access on top of this.
const (
	actRead  = auth.ActionRead
	actWrite = auth.ActionWrite
	actAdmin = auth.ActionAdmin
)

// localAction is where register leaves the route's action for requireAuth.
const localAction = "formloom_route_action"

// routeAction is the action of the route that matched the request.
func routeAction(c *fiber.Ctx) string {
	a, _ := c.Locals(localAction).(string)
	return a
}

// route is one endpoint: how it is registered and how the OpenAPI document
// describes it. Registering only through this table keeps the document and
// the router in step (a test checks it).
type route struct {
	method  string
	path    string // Fiber syntax: /api/v1/forms/:form
	access  access
	action  string // actRead, actWrite or actAdmin: the token scope it needs
	tag     string
	op      string // OpenAPI operationId
	summary string
	req     string // request body schema name; "" for none, "multipart" for uploads
	resp    string // success body schema name; "" for 204
	status  int    // success status; 0 means 200
	query   []string
	headers []string // optional request headers the route reads
	h       fiber.Handler
}

// routeTable lists every endpoint.
func (s *Server) routeTable() []route {
	metricsAccess := authed
	if s.cfg.PublicMetrics {
		metricsAccess = public
	}
	routes := []route{
		{method: "GET", path: "/healthz", access: public, action: actRead, tag: "system", op: "health", summary: "Liveness: the process answers.", resp: "Health", h: s.healthz},
		{method: "GET", path: "/readyz", access: public, action: actRead, tag: "system", op: "ready", summary: "Readiness: the store is reachable.", resp: "Health", h: s.readyz},
		{method: "GET", path: "/metrics", access: metricsAccess, action: actRead, tag: "system", op: "metrics", summary: "Prometheus metrics (text exposition format).", resp: "text", h: s.metricsHandler()},
		{method: "GET", path: "/api/v1/openapi.json", access: authed, action: actRead, tag: "system", op: "openapi", summary: "This OpenAPI 3.1 document.", resp: "object", h: s.openapiHandler},

		{method: "GET", path: "/api/v1/setup", access: public, action: actRead, tag: "auth", op: "setupStatus", summary: "Whether first-run setup is still needed.", resp: "SetupStatus", h: s.setupStatus},
		{method: "POST", path: "/api/v1/setup", access: public, action: actWrite, tag: "auth", op: "setup", summary: "First-run setup: create the first admin and workspace (needs the setup token printed at start).", req: "SetupInput", resp: "LoginResult", status: 201, h: s.setup},
		{method: "POST", path: "/api/v1/auth/login", access: public, action: actWrite, tag: "auth", op: "login", summary: "Sign in; answers a token and sets the session cookie.", req: "LoginInput", resp: "LoginResult", h: s.login},
		{method: "POST", path: "/api/v1/auth/logout", access: authed, action: actRead, tag: "auth", op: "logout", summary: "End the current session.", h: s.logout},
		{method: "GET", path: "/api/v1/me", access: authed, action: actRead, tag: "auth", op: "me", summary: "The signed-in user, current workspace and role.", resp: "Me", h: s.me},
		{method: "POST", path: "/api/v1/me/workspace", access: authed, action: actRead, tag: "auth", op: "switchWorkspace", summary: "Switch the session's current workspace.", req: "WorkspaceSwitch", resp: "Me", h: s.switchWorkspace},
		{method: "GET", path: "/api/v1/me/invitations", access: authed, action: actRead, tag: "auth", op: "myInvitations", summary: "Pending invitations of the signed-in account to join workspaces.", resp: "InvitationList", h: s.myInvitations},
		{method: "POST", path: "/api/v1/me/invitations/:id/accept", access: authed, action: actWrite, tag: "auth", op: "acceptInvitation", summary: "Accept an invitation: the account becomes a member of its workspace with the invited role.", resp: "Me", h: s.acceptInvitation},
		{method: "POST", path: "/api/v1/me/invitations/:id/decline", access: authed, action: actWrite, tag: "auth", op: "declineInvitation", summary: "Decline an invitation.", h: s.declineInvitation},
		{method: "GET", path: "/api/v1/tokens", access: authed, action: actRead, tag: "auth", op: "listTokens", summary: "The user's API tokens (never their secrets).", resp: "TokenList", h: s.listTokens},
		{method: "POST", path: "/api/v1/tokens", access: authed, action: actWrite, tag: "auth", op: "createToken", summary: "Create an API token bound to the current workspace; the secret is shown once.", req: "TokenInput", resp: "TokenCreated", status: 201, h: s.createToken},
		{method: "DELETE", path: "/api/v1/tokens/:id", access: authed, action: actWrite, tag: "auth", op: "revokeToken", summary: "Revoke an API token.", h: s.revokeToken},

		{method: "GET", path: "/api/v1/workspaces", access: authed, action: actRead, tag: "workspaces", op: "listWorkspaces", summary: "Workspaces the user belongs to.", resp: "WorkspaceList", h: s.listWorkspaces},
		{method: "POST", path: "/api/v1/workspaces", access: authed, action: actAdmin, tag: "workspaces", op: "createWorkspace", summary: "Create a workspace with the user as its admin.", req: "WorkspaceInput", resp: "Workspace", status: 201, h: s.createWorkspace},
		{method: "PATCH", path: "/api/v1/workspaces/:id", access: authed, action: actAdmin, tag: "workspaces", op: "updateWorkspace", summary: "Change the current workspace (admins).", req: "WorkspaceUpdate", resp: "Workspace", h: s.updateWorkspace},

		{method: "GET", path: "/api/v1/users", access: authed, action: actRead, tag: "users", op: "listUsers", summary: "Members of the current workspace.", resp: "UserList", h: s.listUsers},
		{method: "POST", path: "/api/v1/users", access: authed, action: actAdmin, tag: "users", op: "addUser", summary: "Add someone to the workspace by email (admins). Every input is checked first (email, name, password policy, role, departments); then an unknown email gets a new account with that name and password as a member, and an existing account is invited (its owner accepts or declines; its name and password stay out of the admin's control). The answer is the same either way.", req: "NewUser", resp: "UserAdded", status: 201, h: s.addUser},
		{method: "GET", path: "/api/v1/users/:id", access: authed, action: actRead, tag: "users", op: "getUser", summary: "One member of the workspace.", resp: "WorkspaceUser", h: s.getUser},
		{method: "PATCH", path: "/api/v1/users/:id", access: authed, action: actAdmin, tag: "users", op: "updateUser", summary: "Change a member's role, departments and memberDisabled (admins), and the account's name and disabled flag. memberDisabled keeps the member out of this workspace only and is always allowed. disabled is account-wide (no sign-in, sessions ended, API tokens refused) and, like the name, allowed only to an admin of the workspace that created the account who administers every workspace it belongs to.", req: "MemberUpdate", resp: "WorkspaceUser", h: s.updateUser},
		{method: "POST", path: "/api/v1/users/:id/password", access: authed, action: actAdmin, tag: "users", op: "resetPassword", summary: "Set a new password for a member (admins); ends the member's sessions. Allowed only to an admin of the workspace that created the account who administers every workspace it belongs to (never for an invited account).", req: "PasswordReset", h: s.resetPassword},
		{method: "DELETE", path: "/api/v1/users/:id", access: authed, action: actAdmin, tag: "users", op: "removeUser", summary: "Remove a member from the workspace (admins).", h: s.removeUser},
		{method: "GET", path: "/api/v1/roles", access: authed, action: actRead, tag: "permissions", op: "listRoles", summary: "Roles of the workspace (销售, 财务…), by name; every member may list them.", resp: "RoleList", h: s.listRoles},
		{method: "POST", path: "/api/v1/roles", access: authed, action: actAdmin, tag: "permissions", op: "createRole", summary: "Create a role (admins).", req: "RoleInput", resp: "WorkspaceRole", status: 201, h: s.createRole},
		{method: "PATCH", path: "/api/v1/roles/:id", access: authed, action: actAdmin, tag: "permissions", op: "updateRole", summary: "Rename a role or change its description (admins); version is the one read.", req: "RoleUpdate", resp: "WorkspaceRole", h: s.updateRole},
		{method: "DELETE", path: "/api/v1/roles/:id", access: authed, action: actAdmin, tag: "permissions", op: "deleteRole", summary: "Delete a role nobody holds and no permission set is granted to (admins; 422 in_use otherwise).", h: s.deleteRole},
		{method: "PUT", path: "/api/v1/members/:id/access", access: authed, action: actAdmin, tag: "permissions", op: "setMemberAccess", summary: "Replace a member's roles and administered apps (admins); id is the membership id (memberId), version the membership version read (memberVersion). Takes effect on the member's next request.", req: "MemberAccess", resp: "Member", h: s.setMemberAccess},
		{method: "GET", path: "/api/v1/permission-presets", access: authed, action: actRead, tag: "permissions", op: "listPermissionPresets", summary: "The predefined permission sets: their actions, row filter and field default.", resp: "PermissionPresetList", h: s.listPermissionPresets},
		{method: "GET", path: "/api/v1/departments", access: authed, action: actRead, tag: "users", op: "listDepartments", summary: "Departments of the workspace.", resp: "DepartmentList", h: s.listDepartments},
		{method: "POST", path: "/api/v1/departments", access: authed, action: actAdmin, tag: "users", op: "createDepartment", summary: "Create a department (admins).", req: "DepartmentInput", resp: "Department", status: 201, h: s.createDepartment},
		{method: "PATCH", path: "/api/v1/departments/:id", access: authed, action: actAdmin, tag: "users", op: "updateDepartment", summary: "Rename or move a department (admins).", req: "DepartmentUpdate", resp: "Department", h: s.updateDepartment},
		{method: "PUT", path: "/api/v1/departments/:id/heads", access: authed, action: actAdmin, tag: "users", op: "setDepartmentHeads", summary: "Replace a department's heads (负责人: user ids of live members; admins); version is the one read. Approval flows resolve \"head of the initiator's department\" and alert escalations through them.", req: "DepartmentHeads", resp: "Department", h: s.setDepartmentHeads},
		{method: "DELETE", path: "/api/v1/departments/:id", access: authed, action: actAdmin, tag: "users", op: "deleteDepartment", summary: "Delete a department without sub-departments (admins).", h: s.deleteDepartment},

		{method: "GET", path: "/api/v1/apps", access: authed, action: actRead, tag: "apps", op: "listApps", summary: "Apps of the workspace.", resp: "AppList", h: s.listApps},
		{method: "POST", path: "/api/v1/apps", access: authed, action: actAdmin, tag: "apps", op: "createApp", summary: "Create an app (admins).", req: "AppInput", resp: "App", status: 201, h: s.createApp},
		{method: "GET", path: "/api/v1/apps/:app", access: authed, action: actRead, tag: "apps", op: "getApp", summary: "One app.", resp: "App", h: s.getApp},
		{method: "PATCH", path: "/api/v1/apps/:app", access: authed, action: actAdmin, tag: "apps", op: "updateApp", summary: "Change an app (admins); version is the one read.", req: "AppUpdate", resp: "App", h: s.updateApp},
		{method: "DELETE", path: "/api/v1/apps/:app", access: authed, action: actAdmin, tag: "apps", op: "deleteApp", summary: "Move an app to the recycle bin (admins).", h: s.deleteApp},
		{method: "POST", path: "/api/v1/apps/:app/restore", access: authed, action: actAdmin, tag: "apps", op: "restoreApp", summary: "Take an app out of the recycle bin (admins).", resp: "App", h: s.restoreApp},
		{method: "GET", path: "/api/v1/apps/:app/forms", access: authed, action: actRead, tag: "forms", op: "listForms", summary: "Forms of an app.", resp: "FormList", h: s.listForms},
		{method: "POST", path: "/api/v1/apps/:app/forms", access: authed, action: actAdmin, tag: "forms", op: "createForm", summary: "Create a form with a draft (admins).", req: "FormInput", resp: "Form", status: 201, h: s.createForm},
		{method: "GET", path: "/api/v1/forms/:form", access: authed, action: actRead, tag: "forms", op: "getForm", summary: "A form with its draft.", resp: "Form", h: s.getForm},
		{method: "PUT", path: "/api/v1/forms/:form", access: authed, action: actAdmin, tag: "forms", op: "saveDraft", summary: "Replace a form's draft (admins); version is the one read.", req: "FormUpdate", resp: "Form", h: s.saveDraft},
		{method: "DELETE", path: "/api/v1/forms/:form", access: authed, action: actAdmin, tag: "forms", op: "deleteForm", summary: "Move a form to the recycle bin (admins).", h: s.deleteForm},
		{method: "POST", path: "/api/v1/forms/:form/publish", access: authed, action: actAdmin, tag: "forms", op: "publishForm", summary: "Publish the draft as the next immutable version (admins).", req: "PublishInput", resp: "Published", status: 201, h: s.publishForm},
		{method: "GET", path: "/api/v1/forms/:form/versions", access: authed, action: actRead, tag: "forms", op: "listVersions", summary: "Published versions, newest first.", resp: "VersionList", h: s.listVersions},
		{method: "POST", path: "/api/v1/forms/:form/expressions/check", access: authed, action: actRead, tag: "forms", op: "checkExpression", summary: "Type-check an expression against the fields of the unsaved design in the body (definition), or of the stored draft.", req: "ExpressionInput", resp: "ExpressionResult", h: s.checkExpression},

		{method: "GET", path: "/api/v1/forms/:form/permissions", access: authed, action: actRead, tag: "permissions", op: "getFormPermissions", summary: "A form's permission sets (workspace admins and the admins of the form's app); configured false: nobody configured them and the default set applies.", resp: "FormPermissions", h: s.getFormPermissions},
		{method: "POST", path: "/api/v1/forms/:form/permissions/sets", access: authed, action: actAdmin, tag: "permissions", op: "createPermissionSet", summary: "Add a permission set; version is the FormPermissions version read (0 for a form nobody configured: its default set is kept as a real set). Answers the form's permissions and the saved set.", req: "PermissionSetInput", resp: "PermissionSetSaved", status: 201, h: s.createPermissionSet},
		{method: "PUT", path: "/api/v1/forms/:form/permissions/sets/:set", access: authed, action: actAdmin, tag: "permissions", op: "replacePermissionSet", summary: "Replace a permission set; version is the FormPermissions version read (409 if stale). Answers the form's permissions and the saved set.", req: "PermissionSetInput", resp: "PermissionSetSaved", h: s.replacePermissionSet},
		{method: "DELETE", path: "/api/v1/forms/:form/permissions/sets/:set", access: authed, action: actAdmin, tag: "permissions", op: "deletePermissionSet", summary: "Delete a permission set (?version= the FormPermissions version read); answers the form's permissions.", query: []string{"version"}, resp: "FormPermissions", h: s.deletePermissionSet},
		{method: "GET", path: "/api/v1/forms/:form/permissions/me", access: authed, action: actRead, tag: "permissions", op: "myPermission", summary: "The caller's effective permission on a published form: record actions allowed, each field's access (edit, view, hidden) and whether they may design it and manage its permissions.", resp: "EffectivePermission", h: s.myPermission},

		{method: "GET", path: "/api/v1/forms/:form/records", access: authed, action: actRead, tag: "records", op: "listRecords", summary: "A page of records (query parameters: limit, cursor, offset, sort, filter, total, deleted).", resp: "RecordPage", query: []string{"limit", "cursor", "offset", "sort", "filter", "total", "deleted"}, h: s.listRecords},
		{method: "POST", path: "/api/v1/forms/:form/records", access: authed, action: actWrite, tag: "records", op: "createRecord", summary: "Create a record. An Idempotency-Key header (1 to 255 printable ASCII characters, per caller and form, kept 24 h) makes a retry safe: the same key and body answer the first 201 again (header Idempotent-Replayed: true) without a second record; the same key with another body is 422 idempotency_key_reused.", req: "RecordCreate", resp: "Record", status: 201, headers: []string{"Idempotency-Key"}, h: s.createRecord},
		{method: "POST", path: "/api/v1/forms/:form/records/query", access: authed, action: actRead, tag: "records", op: "queryRecords", summary: "Query records with a filter, sort and cursor.", req: "RecordQuery", resp: "RecordPage", h: s.queryRecords},
		{method: "POST", path: "/api/v1/forms/:form/records/aggregate", access: authed, action: actRead, tag: "records", op: "aggregateRecords", summary: "Group the records the caller may view and compute count, sum, avg, min and max per group (at most 3 keys, 8 metrics and 2000 groups; truncated says more existed). Keys are field keys or record properties; a key may be bucketed by day, week, month, quarter or year in the workspace time zone (or timeZone). Sum and avg take number-valued fields; a hidden field can be neither key, metric nor filter.", req: "RecordAggregate", resp: "AggregateResult", h: s.aggregateRecords},
		{method: "POST", path: "/api/v1/forms/:form/records/delete", access: authed, action: actWrite, tag: "records", op: "deleteRecords", summary: "Move up to 500 records to the recycle bin, each with its own history entry and event; answers one result per id.", req: "BulkDelete", resp: "BulkResult", h: s.deleteRecords},
		{method: "POST", path: "/api/v1/forms/:form/records/transfer", access: authed, action: actWrite, tag: "records", op: "transferRecords", summary: "Give up to 500 records to another member (owner: their user id; the transfer action), each with its own history entry and event; answers one result per id.", req: "RecordTransfer", resp: "BulkResult", h: s.transferRecords},
		{method: "POST", path: "/api/v1/forms/:form/records/export", access: authed, action: actRead, tag: "records", op: "exportRecords", summary: "Download every record matching a query (the body of records/query plus format csv or xlsx, at most 100000 rows) as a CSV (UTF-8 with BOM) or Excel file: current fields by label, archived fields, then id and timestamps.", req: "RecordExport", resp: "download", h: s.exportRecords},
		{method: "POST", path: "/api/v1/forms/:form/records/import", access: authed, action: actWrite, tag: "records", op: "importRecords", summary: "Import a CSV or Excel file (multipart field \"file\", at most 10 MiB and 3000 rows; the header names fields by label or key), all or nothing, through the write pipeline with source import. dryRun and skipAutomations may be query or form fields. 422 with a report lists every bad row and column; a dry run answers 200 with the report.", req: "multipart", resp: "ImportReport", status: 201, query: []string{"dryRun", "skipAutomations"}, h: s.importRecords},
		{method: "GET", path: "/api/v1/forms/:form/records/:id", access: authed, action: actRead, tag: "records", op: "getRecord", summary: "One record (live or in the recycle bin).", resp: "Record", h: s.getRecord},
		{method: "PATCH", path: "/api/v1/forms/:form/records/:id", access: authed, action: actWrite, tag: "records", op: "updateRecord", summary: "Change some fields of a record; version is the one read (409 if stale).", req: "RecordUpdate", resp: "Record", h: s.updateRecord},
		{method: "DELETE", path: "/api/v1/forms/:form/records/:id", access: authed, action: actWrite, tag: "records", op: "deleteRecord", summary: "Move a record to the recycle bin (optional ?version=n).", query: []string{"version"}, h: s.deleteRecord},
		{method: "POST", path: "/api/v1/forms/:form/records/:id/restore", access: authed, action: actWrite, tag: "records", op: "restoreRecord", summary: "Take a record out of the recycle bin (optional ?version=n).", query: []string{"version"}, resp: "Record", h: s.restoreRecord},
		{method: "GET", path: "/api/v1/forms/:form/records/:id/history", access: authed, action: actRead, tag: "records", op: "recordHistory", summary: "The changes of a record, oldest first.", resp: "HistoryList", h: s.recordHistory},

		{method: "POST", path: "/api/v1/files", access: authed, action: actWrite, tag: "files", op: "uploadFile", summary: "Upload a file (multipart field \"file\"); the type is sniffed from the content.", req: "multipart", resp: "FileInfo", status: 201, h: s.uploadFile},
		{method: "GET", path: "/api/v1/files/:id", access: authed, action: actRead, tag: "files", op: "downloadFile", summary: "Download a file. A file attached to a record is served only with the record, field and file named (?form=&record=&field=), under the record's permission; without them only to its uploader or an admin.", query: []string{"form", "record", "field"}, resp: "binary", h: s.downloadFile},

		{method: "GET", path: "/api/v1/jobs/consumers", access: authed, action: actRead, tag: "jobs", op: "listJobConsumers", summary: "Background work: the outbox consumers with position, lag (events, seconds) and state (admins). Instance-wide figures, read-only.", resp: "JobConsumerList", h: s.listJobConsumers},
		{method: "GET", path: "/api/v1/jobs/queues", access: authed, action: actRead, tag: "jobs", op: "listJobQueues", summary: "Background work: the store queues with their depth (admins). Instance-wide figures, read-only.", resp: "JobQueueList", h: s.listJobQueues},
		{method: "GET", path: "/api/v1/jobs/dead-letters", access: authed, action: actRead, tag: "jobs", op: "listDeadLetters", summary: "Dead letters of events of the current workspace, newest failure first, at most 200 (admins).", resp: "JobDeadLetterList", h: s.listDeadLetters},
		{method: "POST", path: "/api/v1/jobs/dead-letters/:id/retry", access: authed, action: actAdmin, tag: "jobs", op: "retryDeadLetter", summary: "Hand a dead letter's event to its consumer once more, now (admins; only the workspace's own, 404 otherwise). ok true: handled and removed; ok false: kept with the new error.", resp: "JobRetryResult", h: s.retryDeadLetter},
		{method: "POST", path: "/api/v1/jobs/dead-letters/:id/discard", access: authed, action: actAdmin, tag: "jobs", op: "discardDeadLetter", summary: "Delete a dead letter for good (admins; only the workspace's own, 404 otherwise).", h: s.discardDeadLetter},
		{method: "GET", path: "/api/v1/jobs/task-dead-letters", access: authed, action: actRead, tag: "jobs", op: "listTaskDeadLetters", summary: "Dead tasks of the current workspace (timers, one-off jobs and schedule ticks that failed their last attempt), newest failure first, at most 200 (admins).", resp: "JobTaskDeadLetterList", h: s.listTaskDeadLetters},
		{method: "POST", path: "/api/v1/jobs/task-dead-letters/:id/retry", access: authed, action: actAdmin, tag: "jobs", op: "retryTaskDeadLetter", summary: "Queue a dead task again, due now, with fresh attempts, and remove the dead letter (admins; only the workspace's own, 404 otherwise). The task runs in the background.", resp: "JobTaskRetryResult", status: 202, h: s.retryTaskDeadLetter},
		{method: "POST", path: "/api/v1/jobs/task-dead-letters/:id/discard", access: authed, action: actAdmin, tag: "jobs", op: "discardTaskDeadLetter", summary: "Delete a dead task for good (admins; only the workspace's own, 404 otherwise).", h: s.discardTaskDeadLetter},
	}
	// Each capability's routes, then the UI's catch-all last.
	routes = append(routes, s.reportRoutes()...)
	routes = append(routes, s.approvalsRoutes()...)
	routes = append(routes, s.notifyRoutes()...)
	routes = append(routes, s.webhookRoutes()...)
	routes = append(routes, s.stagesRoutes()...)
	routes = append(routes, s.liveRoutes()...)
	routes = append(routes, s.recordsBulkRoutes()...)
	routes = append(routes, s.automationRoutes()...)
	routes = append(routes, s.dashboardsRoutes()...)
	routes = append(routes, s.templateRoutes()...)
	routes = append(routes, s.publicRoutes()...)
	return append(routes,
		route{method: "GET", path: "/", access: public, action: actRead, tag: "ui", op: "uiIndex", summary: "The browser app.", resp: "html", h: s.ui},
		route{method: "GET", path: "/*", access: public, action: actRead, tag: "ui", op: "uiFallback", summary: "The browser app's files; other paths get index.html (history API routing).", resp: "html", h: s.ui},
	)
}

// register adds every route of the table to the router.
func (s *Server) register() {
	s.routes = s.routeTable()
	for _, r := range s.routes {
		handlers := []fiber.Handler{}
		if !safeMethod(r.method) && r.action != actRead {
			handlers = append(handlers, s.clearFullOnSuccess)
		}
		if r.access == authed {
			act := r.action
			handlers = append(handlers, func(c *fiber.Ctx) error {
				c.Locals(localAction, act)
				return c.Next()
			}, s.requireAuth)
		}
		handlers = append(handlers, r.h)
		s.app.Add(r.method, r.path, handlers...)
	}
}

// clearFullOnSuccess clears the storage-full flag after a write request
// succeeds: space was freed.
func (s *Server) clearFullOnSuccess(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil && c.Response().StatusCode() < 400 && s.full.isSet() {
		s.full.clear()
	}
	return err
}
