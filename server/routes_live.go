package server

// liveRoutes are the live-updates stream (engine/live).
func (s *Server) liveRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/live", access: authed, action: actRead, tag: "live", op: "liveEvents",
			summary: "Server-Sent Events about changes to the records of some forms (forms=a,b; at most 50) that the caller may see now: " +
				"each message's data is {id, type, form, recordId, version, at} with no field value (refetch the record through the API); " +
				"type is record.created, record.updated, record.deleted, record.restored or workflow.stage_changed, or live.reset " +
				"(events may have been missed: refetch everything shown), or live.end with a reason before the server ends the stream. " +
				"The SSE id is the outbox position: reconnect with the Last-Event-ID header (or lastEventId=) to get what was missed. " +
				"A comment line comes every 15 s as a heartbeat. 503 live_busy past the process's connection limit (Retry-After).",
			query: []string{"forms", "lastEventId"}, resp: "event-stream", h: s.liveStream},
	}
}
