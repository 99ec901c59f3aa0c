package server

import (
	"encoding/json"
	"maps"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/store"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z]+)`)

// openapiPath turns a Fiber path into an OpenAPI path template.
func openapiPath(p string) string {
	p = fiberParam.ReplaceAllString(p, "{$1}")
	return strings.Replace(p, "*", "{path}", 1)
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func nullable(s map[string]any) map[string]any {
	return map[string]any{"oneOf": []any{s, map[string]any{"type": "null"}}}
}

func arr(items any) map[string]any { return map[string]any{"type": "array", "items": items} }

func list(name string) map[string]any { return obj(map[string]any{"items": arr(ref(name))}, "items") }

var (
	tStr  = map[string]any{"type": "string"}
	tInt  = map[string]any{"type": "integer"}
	tBool = map[string]any{"type": "boolean"}
	tTime = map[string]any{"type": "string", "format": "date-time"}
	tAny  = map[string]any{}
	tObj  = map[string]any{"type": "object"}
)

// allSchemas are the core's components and each capability's.
func allSchemas() map[string]any {
	all := schemas()
	for _, part := range []map[string]any{reportSchemas(), approvalsSchemas(), notifySchemas(), stagesSchemas(), automationSchemas(), dashboardsSchemas(), templateSchemas(), publicSchemas()} {
		for k, v := range part {
			all[k] = v
		}
	}
	return all
}

// schemas are the components of the document, by name.
func schemas() map[string]any {
	ops := make([]any, len(store.Ops))
	for i, o := range store.Ops {
		ops[i] = string(o)
	}
	actions := make([]any, len(engine.RecordActions))
	for i, a := range engine.RecordActions {
		actions[i] = string(a)
	}
	presets := []any{}
	for _, p := range presetOrder {
		presets = append(presets, string(p))
	}
	presets = append(presets, string(engine.PresetCustom))
	fieldAccess := map[string]any{"enum": []any{string(engine.FieldEdit), string(engine.FieldView), string(engine.FieldHidden)}}
	m := map[string]any{
		"Error": obj(map[string]any{"error": obj(map[string]any{"code": tStr, "message": tStr,
			"fields": arr(obj(map[string]any{"path": tStr, "code": tStr, "message": tStr}, "path", "code", "message"))}, "code", "message")}, "error"),
		"Health":          obj(map[string]any{"status": tStr, "version": tStr, "backend": tStr}, "status"),
		"SetupStatus":     obj(map[string]any{"needed": tBool}, "needed"),
		"SetupInput":      obj(map[string]any{"token": tStr, "email": tStr, "name": tStr, "password": tStr, "workspace": ref("WorkspaceInput")}, "token", "email", "name", "password", "workspace"),
		"LoginInput":      obj(map[string]any{"email": tStr, "password": tStr}, "email", "password"),
		"LoginResult":     obj(map[string]any{"token": tStr, "csrfToken": tStr, "user": ref("User"), "workspace": tStr}, "token", "user"),
		"User":            obj(map[string]any{"id": tStr, "email": tStr, "name": tStr, "disabled": tBool, "version": tInt, "createdAt": tTime}),
		"Me":              obj(map[string]any{"user": ref("User"), "workspace": map[string]any{"oneOf": []any{ref("Workspace"), map[string]any{"type": "null"}}}, "role": tStr, "authMethod": tStr, "scopes": arr(tStr), "workspaces": arr(ref("Workspace"))}),
		"WorkspaceSwitch": obj(map[string]any{"workspace": tStr}, "workspace"),
		"TokenInput":      obj(map[string]any{"name": tStr, "scopes": arr(map[string]any{"enum": []any{"read", "write", "admin"}}), "expiresAt": tTime}, "name"),
		"TokenInfo":       obj(map[string]any{"id": tStr, "name": tStr, "workspace": tStr, "scopes": arr(tStr), "createdAt": tTime, "expiresAt": tTime}),
		"TokenCreated":    obj(map[string]any{"id": tStr, "name": tStr, "workspace": tStr, "scopes": arr(tStr), "createdAt": tTime, "expiresAt": tTime, "token": tStr}, "id", "token"),
		"TokenList":       list("TokenInfo"),
		"Workspace":       obj(map[string]any{"id": tStr, "name": tStr, "timeZone": tStr, "language": tStr, "version": tInt, "createdAt": tTime, "role": tStr}),
		"WorkspaceInput":  obj(map[string]any{"name": tStr, "timeZone": tStr, "language": map[string]any{"enum": []any{"zh-CN", "en"}}}, "name"),
		"WorkspaceUpdate": obj(map[string]any{"name": tStr, "timeZone": tStr, "language": tStr, "version": tInt}, "name", "version"),
		"WorkspaceList":   list("Workspace"),
		"WorkspaceUser": obj(map[string]any{"id": tStr, "email": tStr, "name": tStr, "disabled": tBool, "memberId": tStr, "role": tStr, "departments": arr(tStr),
			"roles": arr(tStr), "adminApps": arr(tStr), "memberVersion": tInt, "memberDisabled": tBool}),
		"UserAdded":      obj(map[string]any{"email": tStr, "role": tStr, "departments": arr(tStr)}, "email", "role"),
		"Invitation":     obj(map[string]any{"id": tStr, "workspace": tStr, "workspaceName": tStr, "inviterName": tStr, "role": tStr, "createdAt": tTime}),
		"InvitationList": list("Invitation"),
		"UserList":       list("WorkspaceUser"),
		"NewUser":        obj(map[string]any{"email": tStr, "name": tStr, "password": tStr, "role": map[string]any{"enum": []any{"admin", "member"}}, "departments": arr(tStr)}, "email"),
		"MemberUpdate": obj(map[string]any{"role": map[string]any{"enum": []any{"admin", "member"}}, "departments": arr(tStr), "version": tInt,
			"name": tStr, "disabled": tBool, "memberDisabled": tBool, "userVersion": tInt}),
		"PasswordReset":    obj(map[string]any{"password": map[string]any{"type": "string", "minLength": 8, "maxLength": 256}}, "password"),
		"Department":       obj(map[string]any{"id": tStr, "name": tStr, "parent": tStr, "heads": arr(tStr), "version": tInt}),
		"DepartmentHeads":  obj(map[string]any{"heads": arr(tStr), "version": tInt}, "heads", "version"),
		"DepartmentInput":  obj(map[string]any{"name": tStr, "parent": tStr}, "name"),
		"DepartmentUpdate": obj(map[string]any{"name": tStr, "parent": tStr, "version": tInt}, "name", "version"),
		"DepartmentList":   list("Department"),
		"App":              obj(map[string]any{"id": tStr, "name": tStr, "description": tStr, "icon": tStr, "version": tInt, "createdAt": tTime, "updatedAt": tTime}),
		"AppInput":         obj(map[string]any{"name": tStr, "description": tStr, "icon": tStr}, "name"),
		"AppUpdate":        obj(map[string]any{"name": tStr, "description": tStr, "icon": tStr, "version": tInt}, "name", "version"),
		"AppList":          list("App"),
		"Definition":       obj(map[string]any{"fields": arr(tObj), "columns": tInt, "submitRules": arr(tObj)}),
		"Form":             obj(map[string]any{"id": tStr, "app": tStr, "name": tStr, "description": tStr, "draft": ref("Definition"), "published": tInt, "version": tInt, "createdAt": tTime, "updatedAt": tTime}),
		"FormInput":        obj(map[string]any{"name": tStr, "description": tStr, "definition": ref("Definition")}, "name"),
		"FormUpdate":       obj(map[string]any{"name": tStr, "description": tStr, "definition": ref("Definition"), "version": tInt}, "name", "version"),
		"FormList":         list("Form"),
		"PublishInput":     obj(map[string]any{"version": tInt}, "version"),
		"Change":           obj(map[string]any{"kind": tStr, "field": tStr, "props": arr(tStr), "from": tStr, "to": tStr}),
		"Published":        obj(map[string]any{"form": tStr, "number": tInt, "changes": arr(ref("Change")), "publishedAt": tTime, "publishedBy": tStr}),
		"VersionInfo":      obj(map[string]any{"number": tInt, "definition": ref("Definition"), "archived": arr(tObj), "changes": arr(ref("Change")), "publishedBy": tStr, "publishedAt": tTime}),
		"VersionList":      list("VersionInfo"),
		"ExpressionInput":  obj(map[string]any{"expression": tStr, "definition": ref("Definition")}, "expression"),
		"ExpressionResult": obj(map[string]any{"type": tStr, "diagnostics": arr(obj(map[string]any{"line": tInt, "column": tInt, "message": tStr, "code": tStr, "key": tStr, "params": tObj}))}),
		"Record": obj(map[string]any{"id": tStr, "version": tInt, "formVersion": tInt, "data": tObj, "createdAt": tTime, "createdBy": tStr,
			"ownedBy": tStr, "updatedAt": tTime, "updatedBy": tStr, "deletedAt": tTime}, "id", "version", "data"),
		"RecordCreate": obj(map[string]any{"data": tObj}, "data"),
		"RecordUpdate": obj(map[string]any{"data": tObj, "version": tInt}, "data", "version"),
		"Filter": map[string]any{"type": "object", "description": "Exactly one of and, or, not, or a condition field/op/value.",
			"properties": map[string]any{"and": arr(ref("Filter")), "or": arr(ref("Filter")), "not": ref("Filter"),
				"field": tStr, "op": map[string]any{"enum": ops}, "value": tAny}, "additionalProperties": false},
		"RecordAggregate": obj(map[string]any{"filter": ref("Filter"),
			"groupBy": arr(obj(map[string]any{"field": tStr, "bucket": map[string]any{"enum": []any{"day", "week", "month", "quarter", "year"}}, "timeZone": tStr}, "field")),
			"metrics": arr(obj(map[string]any{"op": map[string]any{"enum": []any{"count", "sum", "avg", "min", "max"}}, "field": tStr, "weight": tStr}, "op")),
			"deleted": map[string]any{"enum": []any{"exclude", "only", "include"}}}, "metrics"),
		"AggregateResult": obj(map[string]any{"groups": arr(obj(map[string]any{"keys": arr(tAny), "values": arr(tAny)}, "keys", "values")), "truncated": tBool}, "groups"),
		"RecordQuery": obj(map[string]any{"filter": ref("Filter"), "sort": arr(obj(map[string]any{"field": tStr, "desc": tBool}, "field")),
			"limit": map[string]any{"type": "integer", "minimum": 0, "maximum": store.MaxPageSize}, "offset": tInt, "cursor": tStr, "total": tBool,
			"deleted": map[string]any{"enum": []any{"exclude", "only", "include"}}}),
		"BulkDelete": obj(map[string]any{"ids": map[string]any{"type": "array", "items": tStr, "minItems": 1, "maxItems": engine.MaxBulkRecords}}, "ids"),
		"BulkResult": obj(map[string]any{"items": arr(obj(map[string]any{"id": tStr, "ok": tBool,
			"error": obj(map[string]any{"code": tStr, "message": tStr}, "code", "message")}, "id", "ok")), "succeeded": tInt, "failed": tInt}, "items", "succeeded", "failed"),
		"RecordExport": obj(map[string]any{"filter": ref("Filter"), "sort": arr(obj(map[string]any{"field": tStr, "desc": tBool}, "field")),
			"deleted": map[string]any{"enum": []any{"exclude", "only", "include"}}, "format": map[string]any{"enum": []any{"csv", "xlsx"}},
			"limit": tInt, "offset": tInt, "cursor": tStr, "total": tBool}),
		"ImportReport": obj(map[string]any{"format": tStr, "rows": tInt, "created": tInt, "dryRun": tBool, "skipAutomations": tBool, "valid": tBool,
			"columns":         arr(obj(map[string]any{"index": tInt, "header": tStr, "field": tStr, "ignored": tBool, "reason": tStr, "message": tStr}, "index", "header")),
			"errors":          arr(obj(map[string]any{"row": tInt, "column": tStr, "path": tStr, "code": tStr, "message": tStr}, "row", "column", "path", "code", "message")),
			"errorsTruncated": tBool, "ids": arr(tStr)}, "rows", "created", "valid", "columns", "errors"),
		"RecordPage":   obj(map[string]any{"items": arr(ref("Record")), "nextCursor": tStr, "total": tInt}, "items"),
		"HistoryEntry": obj(map[string]any{"id": tStr, "record": tStr, "version": tInt, "action": tStr, "actor": tStr, "actorName": tStr, "source": tStr, "formVersion": tInt, "at": tTime, "changes": arr(tObj)}),
		"HistoryList":  list("HistoryEntry"),
		"JobConsumer": obj(map[string]any{"name": tStr, "position": tInt, "lagEvents": tInt, "lagCapped": tBool, "lagSeconds": map[string]any{"type": "number"},
			"state": map[string]any{"enum": []any{"running", "elsewhere", "idle"}}, "deadLetters": tInt, "handled": tInt, "failures": tInt, "panics": tInt},
			"name", "position", "lagEvents", "lagSeconds", "state"),
		"JobConsumerList": list("JobConsumer"),
		"JobQueue":        obj(map[string]any{"name": tStr, "depth": tInt}, "name", "depth"),
		"JobQueueList":    list("JobQueue"),
		"JobDeadLetter": obj(map[string]any{"id": tStr, "consumer": tStr, "eventId": tStr, "eventType": tStr, "collection": tStr, "docId": tStr,
			"eventAt": tTime, "attempts": tInt, "lastError": tStr, "failedAt": tTime}, "id", "consumer", "eventId", "attempts", "lastError"),
		"JobDeadLetterList": list("JobDeadLetter"),
		"JobRetryResult":    obj(map[string]any{"ok": tBool, "deadLetter": ref("JobDeadLetter")}, "ok"),
		"WorkspaceRole":     obj(map[string]any{"id": tStr, "name": tStr, "description": tStr, "version": tInt}, "id", "name", "version"),
		"RoleList":          list("WorkspaceRole"),
		"RoleInput":         obj(map[string]any{"name": tStr, "description": tStr}, "name"),
		"RoleUpdate":        obj(map[string]any{"name": tStr, "description": tStr, "version": tInt}, "name", "version"),
		"MemberAccess":      obj(map[string]any{"roles": arr(tStr), "adminApps": arr(tStr), "version": tInt}, "roles", "adminApps", "version"),
		"Member":            obj(map[string]any{"id": tStr, "workspace": tStr, "userId": tStr, "role": tStr, "departments": arr(tStr), "disabled": tBool, "roles": arr(tStr), "adminApps": arr(tStr), "version": tInt}),
		"RecordAction":      map[string]any{"enum": actions},
		"FieldAccess":       fieldAccess,
		"PermissionPreset": obj(map[string]any{"preset": tStr, "actions": arr(ref("RecordAction")), "fieldDefault": fieldAccess,
			"fields": map[string]any{"type": "object", "additionalProperties": fieldAccess}, "rows": nullable(ref("Filter"))}, "preset", "actions", "fieldDefault"),
		"PermissionPresetList": list("PermissionPreset"),
		"Grant": obj(map[string]any{"kind": map[string]any{"enum": []any{"everyone", "role", "department", "member"}},
			"id": map[string]any{"type": "string", "description": "role id, department id or user id; absent for everyone"}}, "kind"),
		"PermissionSet": obj(map[string]any{"id": tStr, "name": tStr, "preset": map[string]any{"enum": presets},
			"actions": arr(ref("RecordAction")), "fieldDefault": fieldAccess,
			"fields": map[string]any{"type": "object", "additionalProperties": fieldAccess},
			"rows": map[string]any{"description": "A filter over field keys and ownedBy, createdBy, updatedBy, createdAt…, with the placeholders $me, $myDepartments, $myDepartmentsAndBelow; null: every row.",
				"oneOf": []any{ref("Filter"), map[string]any{"type": "null"}}},
			"grants": arr(ref("Grant"))}),
		"FormPermissions":    obj(map[string]any{"form": tStr, "configured": tBool, "sets": arr(ref("PermissionSet")), "version": tInt}, "form", "configured", "sets", "version"),
		"PermissionSetInput": obj(map[string]any{"set": ref("PermissionSet"), "version": tInt}, "set", "version"),
		"PermissionSetSaved": obj(map[string]any{"form": tStr, "configured": tBool, "sets": arr(ref("PermissionSet")), "version": tInt, "set": ref("PermissionSet")},
			"form", "configured", "sets", "version", "set"),
		"EffectivePermission": obj(map[string]any{"form": tStr, "actions": arr(ref("RecordAction")),
			"fields": map[string]any{"type": "object", "additionalProperties": fieldAccess}, "manage": tBool}, "form", "actions", "fields", "manage"),
		"RecordTransfer": obj(map[string]any{"ids": map[string]any{"type": "array", "items": tStr, "minItems": 1, "maxItems": engine.MaxBulkRecords}, "owner": tStr}, "ids", "owner"),
		"FileInfo":       obj(map[string]any{"id": tStr, "name": tStr, "size": tInt, "contentType": tStr, "sha256": tStr, "createdAt": tTime, "createdBy": tStr}),

		// Dead tasks of the background work (timers, one-off jobs, schedule ticks).
		"JobTaskDeadLetter": obj(map[string]any{"id": tStr, "job": tStr, "kind": map[string]any{"enum": []any{"timer", "schedule", "job"}},
			"timer": tStr, "schedule": tStr, "tick": tTime, "dueAt": tTime, "attempts": tInt, "lastError": tStr, "failedAt": tTime, "payload": tObj},
			"id", "job", "kind", "attempts", "lastError", "failedAt"),
		"JobTaskDeadLetterList": list("JobTaskDeadLetter"),
		"JobTaskRetryResult":    obj(map[string]any{"queued": tBool}, "queued"),
	}
	maps.Copy(m, webhookSchemas())
	maps.Copy(m, recordsBulkSchemas())
	return m
}

// buildOpenAPI describes every route of the table.
func (s *Server) buildOpenAPI() map[string]any {
	paths := map[string]any{}
	errResp := map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	for _, r := range s.routes {
		p := openapiPath(r.path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{"operationId": r.op, "summary": r.summary, "tags": []string{r.tag}}
		var params []any
		for _, m := range fiberParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": tStr})
		}
		if strings.Contains(r.path, "*") {
			params = append(params, map[string]any{"name": "path", "in": "path", "required": true, "schema": tStr})
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": tStr})
		}
		for _, h := range r.headers {
			params = append(params, map[string]any{"name": h, "in": "header", "required": false, "schema": tStr})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch r.req {
		case "":
		case "multipart":
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": obj(map[string]any{"file": map[string]any{"type": "string", "format": "binary"}}, "file")}}}
		default:
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(r.req)}}}
		}
		status := r.status
		if status == 0 {
			status = 200
		}
		var ok map[string]any
		switch r.resp {
		case "":
			status = 204
			ok = map[string]any{"description": "Done"}
		case "text":
			ok = map[string]any{"description": "OK", "content": map[string]any{"text/plain": map[string]any{"schema": tStr}}}
		case "event-stream":
			ok = map[string]any{"description": "A stream of Server-Sent Events", "content": map[string]any{"text/event-stream": map[string]any{"schema": tStr}}}
		case "html":
			ok = map[string]any{"description": "OK", "content": map[string]any{"text/html": map[string]any{"schema": tStr}}}
		case "binary":
			ok = map[string]any{"description": "The file", "content": map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
		case "download":
			file := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
			ok = map[string]any{"description": "The file, as an attachment", "content": map[string]any{"text/csv": file,
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": file}}
		case "object":
			ok = map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": tObj}}}
		default:
			ok = map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": ref(r.resp)}}}
		}
		op["responses"] = map[string]any{itoa(status): ok, "default": errResp}
		if r.access == public {
			op["security"] = []any{}
		} else {
			op["x-formloom-action"] = r.action
		}
		item[strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Formloom API", "version": s.cfg.Version,
			"description": "JSON API of Formloom. Errors have one shape (Error) with messages in the Accept-Language (zh-CN or en). " +
				"Status codes: 400 malformed JSON or parameter, 401 no valid credential, 403 forbidden (role, CSRF, token scope: " +
				"each operation's x-formloom-action read, write or admin is what a token's scopes are checked against), " +
				"404 not found, 409 stale version, form not yet published or setup already done, 413 body too large, " +
				"415 unsupported content type, 422 validation errors with fields, 429 too many login attempts, 507 storage full."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": allSchemas(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API token (flt_…) or a session token (fls_…)."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": cookieSession, "description": "Browser session; writes must send X-CSRF-Token."},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// openapiJSON renders the document once.
func (s *Server) openapiJSON() ([]byte, error) {
	s.openapiOnce.Do(func() { s.openapiDoc, s.openapiErr = json.Marshal(s.buildOpenAPI()) })
	return s.openapiDoc, s.openapiErr
}

func (s *Server) openapiHandler(c *fiber.Ctx) error {
	b, err := s.openapiJSON()
	if err != nil {
		return err
	}
	c.Type("json")
	return c.Send(b)
}
