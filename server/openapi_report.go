package server

// reportSchemas are the OpenAPI components of saved views.
func reportSchemas() map[string]any {
	layout := map[string]any{"enum": []any{"table", "kanban", "calendar"}}
	config := obj(map[string]any{"layout": layout, "filter": ref("Filter"),
		"sort":     arr(obj(map[string]any{"field": tStr, "desc": tBool}, "field")),
		"columns":  arr(obj(map[string]any{"key": tStr, "width": tInt}, "key")),
		"groupBy":  tStr,
		"kanban":   obj(map[string]any{"field": tStr, "sumField": tStr, "cardFields": arr(tStr)}, "field"),
		"calendar": obj(map[string]any{"field": tStr}, "field")})
	input := map[string]any{"name": tStr, "shared": tBool, "defaultFor": arr(tStr), "config": config}
	update := map[string]any{"version": tInt}
	for k, v := range input {
		update[k] = v
	}
	view := map[string]any{"id": tStr, "form": tStr, "owner": tStr, "version": tInt}
	for k, v := range input {
		view[k] = v
	}
	return map[string]any{
		"ViewInput":  obj(input, "name", "config"),
		"ViewUpdate": obj(update, "name", "config", "version"),
		"View":       obj(view, "id", "form", "name", "shared", "owner", "config", "version"),
		"ViewList":   obj(map[string]any{"items": arr(ref("View")), "default": tStr}, "items", "default"),
	}
}
