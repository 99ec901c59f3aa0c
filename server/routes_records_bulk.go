package server

// recordsBulkRoutes are the integrators' bulk writes: up to 100 records per
// request, each item its own unit of work with its own result.
func (s *Server) recordsBulkRoutes() []route {
	const base = "/api/v1/forms/:form/records"
	return []route{
		{method: "POST", path: base + "/bulk-create", access: authed, action: actWrite, tag: "records", op: "bulkCreateRecords", summary: "Create up to 100 records ({\"items\":[{\"data\":{…}}]}). Per item, not all or nothing: each record is its own write with its own history entry and event; the answer has one result per item, in order, with the record or the error and its per-field problems.", req: "BulkCreate", resp: "BulkWriteResult", h: s.bulkCreateRecords},
		{method: "POST", path: base + "/bulk-update", access: authed, action: actWrite, tag: "records", op: "bulkUpdateRecords", summary: "Change up to 100 records ({\"items\":[{\"id\",\"version\",\"data\"}]}; the bulk-edit action). Per item like bulk-create: a stale version is that item's conflict, the others go on.", req: "BulkUpdate", resp: "BulkWriteResult", h: s.bulkUpdateRecords},
	}
}
