package server

// approvalsRoutes are the routes of approval flows (docs/workflows.md).
// Designing needs the admin scope; deciding, starting and the inbox the
// write or read scope; who may do what is decided by engine/workflow.
func (s *Server) approvalsRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/forms/:form/flows", access: authed, action: actRead, tag: "approvals", op: "listFlows", summary: "The approval flows of a form, by name.", resp: "FlowList", h: s.listFlows},
		{method: "POST", path: "/api/v1/forms/:form/flows", access: authed, action: actAdmin, tag: "approvals", op: "createFlow", summary: "Create an approval flow with its first draft (form designers).", req: "FlowInput", resp: "Flow", status: 201, h: s.createFlow},
		{method: "GET", path: "/api/v1/flows/:flow", access: authed, action: actRead, tag: "approvals", op: "getFlow", summary: "An approval flow with its draft.", resp: "Flow", h: s.getFlow},
		{method: "PUT", path: "/api/v1/flows/:flow", access: authed, action: actAdmin, tag: "approvals", op: "saveFlow", summary: "Replace a flow's draft and settings (form designers); version is the one read (409 if stale).", req: "FlowInput", resp: "Flow", h: s.saveFlow},
		{method: "DELETE", path: "/api/v1/flows/:flow", access: authed, action: actAdmin, tag: "approvals", op: "deleteFlow", summary: "Move a flow to the recycle bin (form designers); running instances go on.", h: s.deleteFlow},
		{method: "POST", path: "/api/v1/flows/:flow/validate", access: authed, action: actAdmin, tag: "approvals", op: "validateFlow", summary: "Check the draft (or the draft in the body) against the form: valid, or per-node errors.", req: "FlowValidateInput", resp: "FlowValidation", h: s.validateFlow},
		{method: "POST", path: "/api/v1/flows/:flow/publish", access: authed, action: actAdmin, tag: "approvals", op: "publishFlow", summary: "Publish the draft as the flow's next immutable version (422 with per-node errors if invalid).", resp: "FlowVersion", status: 201, h: s.publishFlow},
		{method: "GET", path: "/api/v1/flows/:flow/versions", access: authed, action: actRead, tag: "approvals", op: "listFlowVersions", summary: "A flow's published versions, newest first (without designs).", resp: "FlowVersionList", h: s.listFlowVersions},
		{method: "GET", path: "/api/v1/flows/:flow/versions/:n", access: authed, action: actRead, tag: "approvals", op: "getFlowVersion", summary: "One published version of a flow with its design.", resp: "FlowVersion", h: s.getFlowVersion},
		{method: "POST", path: "/api/v1/flows/:flow/start", access: authed, action: actWrite, tag: "approvals", op: "startFlow", summary: "Start a flow on a record the caller sees; the caller is the initiator (choices: assignees by node for initiator-choice nodes).", req: "StartInput", resp: "Instance", status: 201, h: s.startFlow},
		{method: "GET", path: "/api/v1/forms/:form/records/:id/approvals", access: authed, action: actRead, tag: "approvals", op: "recordApprovals", summary: "The approval instances of a record, newest first (without timelines).", resp: "InstanceList", h: s.recordApprovals},
		{method: "GET", path: "/api/v1/approvals/:id", access: authed, action: actRead, tag: "approvals", op: "getApproval", summary: "An approval instance with its timeline and tasks (the initiator, assignees, admins, members who see the record).", resp: "Instance", h: s.getApproval},
		{method: "POST", path: "/api/v1/approvals/:id/withdraw", access: authed, action: actWrite, tag: "approvals", op: "withdrawApproval", summary: "Withdraw a running instance (its initiator).", req: "CommentInput", resp: "Instance", h: s.withdrawApproval},
		{method: "POST", path: "/api/v1/approvals/:id/end", access: authed, action: actWrite, tag: "approvals", op: "endApproval", summary: "End a running instance (admins of the app).", req: "CommentInput", resp: "Instance", h: s.endApproval},
		{method: "POST", path: "/api/v1/approvals/:id/reactivate", access: authed, action: actWrite, tag: "approvals", op: "reactivateApproval", summary: "Run a rejected, withdrawn or ended instance again at the nodes active when it stopped (admins of the app).", req: "CommentInput", resp: "Instance", h: s.reactivateApproval},
		{method: "GET", path: "/api/v1/tasks", access: authed, action: actRead, tag: "approvals", op: "listTasks", summary: "The signed-in user's inbox: box todo (oldest first), done, cc, or started (instances, newest first); limit (at most 200), cursor.", resp: "InboxPage", query: []string{"box", "limit", "cursor"}, h: s.listTasks},
		{method: "GET", path: "/api/v1/tasks/counts", access: authed, action: actRead, tag: "approvals", op: "taskCounts", summary: "The sizes of the signed-in user's inbox boxes.", resp: "TaskCounts", h: s.taskCounts},
		{method: "POST", path: "/api/v1/tasks/batch-approve", access: authed, action: actWrite, tag: "approvals", op: "batchApprove", summary: "Approve up to 100 of the user's own tasks, one by one; answers a result per task.", req: "BatchApproveInput", resp: "BatchApproveResult", h: s.batchApprove},
		{method: "GET", path: "/api/v1/tasks/:id", access: authed, action: actRead, tag: "approvals", op: "getTask", summary: "A task with the record masked by the node's field permissions, the permissions, the actions the caller may take now and the return targets.", resp: "TaskDetail", h: s.getTask},
		{method: "POST", path: "/api/v1/tasks/:id/:action", access: authed, action: actWrite, tag: "approvals", op: "actOnTask", summary: "Act on a task as its assignee: approve, reject (comment required), return (node), transfer (to), add (users, position before|after), cc (users), read (a CC task). 403 for anyone else, 409 task_closed if it was decided.", req: "TaskActInput", resp: "Task", h: s.actOnTask},
	}
}
