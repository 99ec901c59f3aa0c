package server

// publicSchemas are the OpenAPI schemas of a form's public link.
func publicSchemas() map[string]any {
	link := map[string]any{"id": tStr, "workspace": tStr, "form": tStr, "fields": arr(tStr), "title": tStr, "description": tStr,
		"thanks": tStr, "maxSubmissions": tInt, "perIpHour": tInt, "presets": tObj, "enabled": tBool, "hasToken": tBool, "submissions": tInt,
		"actor": tStr, "version": tInt, "createdAt": tTime, "updatedAt": tTime}
	saved := map[string]any{"token": tStr, "url": tStr}
	for k, v := range link {
		saved[k] = v
	}
	num := map[string]any{"type": "number"}
	option := obj(map[string]any{"value": tStr, "label": tStr, "color": tStr}, "value", "label")
	return map[string]any{
		"PublicLinkInput": obj(map[string]any{"fields": arr(tStr), "title": tStr, "description": tStr, "thanks": tStr,
			"maxSubmissions": tInt, "perIpHour": tInt, "presets": tObj, "enabled": tBool, "actor": tStr, "version": tInt}, "fields"),
		"PublicLink":      obj(link, "id", "form", "fields", "enabled", "hasToken"),
		"PublicLinkSaved": obj(saved, "id", "form", "fields", "enabled", "hasToken"),
		"PublicField": obj(map[string]any{"key": tStr, "type": tStr, "label": tStr, "description": tStr, "required": tBool,
			"options": arr(option), "display": tStr, "default": tAny, "minLength": tInt, "maxLength": tInt, "min": num, "max": num,
			"precision": tInt, "currency": tStr}, "key", "type", "label"),
		"PublicForm": obj(map[string]any{"title": tStr, "description": tStr, "thanks": tStr, "columns": tInt,
			"fields": arr(ref("PublicField")), "honeypot": tStr}, "title", "fields", "honeypot"),
		"PublicSubmission": obj(map[string]any{"values": tObj, "website": tStr}, "values"),
		"PublicResult":     obj(map[string]any{"ok": tBool, "thanks": tStr}, "ok"),
	}
}
