package server

// stagesRoutes are the routes of stage pipelines (docs/workflows.md).
// Moving a record is a plain PATCH of its stage field (updateRecord): the
// gates run inside the write pipeline, so these routes only read, design
// and check.
func (s *Server) stagesRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/forms/:form/stages", access: authed, action: actRead, tag: "stages", op: "getStagePipeline", summary: "The form's stage pipeline: the published one (what writes obey, with stage labels) and, for designers, the draft's with its problems.", resp: "StageDesign", h: s.getStages},
		{method: "PUT", path: "/api/v1/forms/:form/stages", access: authed, action: actAdmin, tag: "stages", op: "putStagePipeline", summary: "Put a pipeline (null removes it) into the form's draft (designers); it is published with the form's next version. version is the form's draft version (409 if stale); 422 with paths into the pipeline.", req: "StagePipelineInput", resp: "StageDesign", h: s.putStages},
		{method: "GET", path: "/api/v1/forms/:form/stages/summary", access: authed, action: actRead, tag: "stages", op: "stageSummary", summary: "Live records per stage over the records the caller sees (stage \"\": no stage).", resp: "StageSummary", h: s.stageSummary},
		{method: "GET", path: "/api/v1/forms/:form/stages/transitions", access: authed, action: actRead, tag: "stages", op: "stageTransitions", summary: "The form's stored stage transitions (the moves of existing records; a create stores none), newest first (from, to, since, until as RFC 3339, limit, cursor); needs the history permission over all of the form's records.", resp: "StageTransitionPage", query: []string{"from", "to", "since", "until", "limit", "cursor"}, h: s.stageTransitions},
		{method: "GET", path: "/api/v1/forms/:form/records/:id/stages", access: authed, action: actRead, tag: "stages", op: "recordStageHistory", summary: "A record's stage transitions, oldest first (from, to, at, by, time in the previous stage); the first is its entry into the stage it was created in, derived from the record (created: true, no id).", resp: "StageTransitionList", h: s.recordStages},
		{method: "GET", path: "/api/v1/forms/:form/records/:id/stages/check", access: authed, action: actRead, tag: "stages", op: "checkStageMove", summary: "The gates a move of the record to stage ?to= would fail, as per-field errors in the request's language (empty: the gates pass).", resp: "StageCheck", query: []string{"to"}, h: s.checkStage},
	}
}
