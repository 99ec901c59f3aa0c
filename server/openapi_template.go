package server

// templateSchemas are the OpenAPI schemas of app templates
// (docs/templates.md has the bundle format and the merge).
func templateSchemas() map[string]any {
	texts := map[string]any{"type": "object", "additionalProperties": tStr}
	counts := map[string]any{"type": "object", "additionalProperties": tInt}
	summary := map[string]any{"key": tStr, "version": tStr, "name": texts, "description": texts, "icon": tStr, "color": tStr, "counts": counts}
	detail := map[string]any{
		"forms": arr(obj(map[string]any{"key": tStr, "name": tStr,
			"fields": arr(obj(map[string]any{"key": tStr, "type": tStr, "label": tStr}, "key", "type", "label"))}, "key", "name", "fields")),
		"parts": map[string]any{"type": "object", "additionalProperties": arr(obj(map[string]any{"key": tStr, "name": tStr}, "key", "name"))},
	}
	for k, v := range summary {
		detail[k] = v
	}
	source := map[string]any{"key": tStr, "bundle": ref("TemplateBundle")}
	install := map[string]any{"sampleData": tBool, "locale": map[string]any{"type": "string", "examples": []any{"zh-CN", "en"}}, "appName": tStr}
	upgrade := map[string]any{"resolutions": map[string]any{"type": "object", "additionalProperties": map[string]any{"enum": []any{"ours", "theirs"}}}}
	for k, v := range source {
		install[k], upgrade[k] = v, v
	}
	return map[string]any{
		"TemplateSummary": obj(summary, "key", "version", "name", "counts"),
		"TemplateList":    obj(map[string]any{"templates": arr(ref("TemplateSummary"))}, "templates"),
		"TemplateDetail":  obj(detail, "key", "version", "name", "counts", "forms", "parts"),
		"TemplateBundle": obj(map[string]any{"format": map[string]any{"const": 1}, "template": tObj, "forms": arr(tObj), "roles": arr(tObj),
			"parts":  map[string]any{"type": "object", "additionalProperties": arr(obj(map[string]any{"key": tStr, "spec": tObj}, "key", "spec"))},
			"sample": tObj, "i18n": tObj}, "format", "template", "forms"),
		"TemplateCheck":     obj(map[string]any{"ok": tBool, "summary": ref("TemplateSummary")}, "ok", "summary"),
		"TemplateSource":    obj(source),
		"TemplateInstall":   obj(install),
		"TemplateInstalled": obj(map[string]any{"appId": tStr, "counts": counts}, "appId", "counts"),
		"TemplateInstallation": obj(map[string]any{"app": tStr, "key": tStr, "version": tStr, "locale": tStr, "installedAt": tTime, "upgradedAt": tTime,
			"refs": map[string]any{"type": "object", "additionalProperties": texts}}, "app", "key", "version", "installedAt", "refs"),
		"TemplateChange": obj(map[string]any{"kind": tStr, "key": tStr, "op": map[string]any{"enum": []any{"add", "remove", "change", "keep"}}, "path": tStr, "detail": tObj}, "kind", "key", "op"),
		"TemplateConflict": obj(map[string]any{"id": tStr, "kind": tStr, "key": tStr, "path": tStr, "base": tAny, "ours": tAny, "theirs": tAny},
			"id", "kind", "key", "base", "ours", "theirs"),
		"UpgradePlan":     obj(map[string]any{"from": tStr, "to": tStr, "changes": arr(ref("TemplateChange")), "conflicts": arr(ref("TemplateConflict"))}, "from", "to", "changes", "conflicts"),
		"TemplateUpgrade": obj(upgrade),
		"UpgradeResult":   obj(map[string]any{"version": tStr, "applied": tInt}, "version", "applied"),
	}
}
