package server

import "github.com/formloom/formloom/engine"

// recordsBulkSchemas are the OpenAPI schemas of the bulk record writes.
func recordsBulkSchemas() map[string]any {
	items := func(item map[string]any) map[string]any {
		return map[string]any{"type": "array", "items": item, "minItems": 1, "maxItems": engine.MaxBulkWrites}
	}
	fieldErr := obj(map[string]any{"path": tStr, "code": tStr, "message": tStr}, "path", "code", "message")
	return map[string]any{
		"BulkCreate": obj(map[string]any{"items": items(obj(map[string]any{"data": tObj}, "data"))}, "items"),
		"BulkUpdate": obj(map[string]any{"items": items(obj(map[string]any{"id": tStr, "version": tInt, "data": tObj}, "id", "version", "data"))}, "items"),
		"BulkWriteResult": obj(map[string]any{"items": arr(obj(map[string]any{"index": tInt, "ok": tBool, "id": tStr, "record": ref("Record"),
			"error": obj(map[string]any{"code": tStr, "message": tStr, "fields": arr(fieldErr)}, "code", "message")}, "index", "ok")),
			"succeeded": tInt, "failed": tInt}, "items", "succeeded", "failed"),
	}
}
