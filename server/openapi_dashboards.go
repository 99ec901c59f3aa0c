package server

// dashboardsSchemas are the OpenAPI schemas of dashboards
// (docs/dashboards.md has their meaning).
func dashboardsSchemas() map[string]any {
	tNum := map[string]any{"type": "number"}
	values := map[string]any{"type": "object", "additionalProperties": ref("DashboardFilterValue")}
	bucket := map[string]any{"enum": []any{"", "day", "week", "month", "quarter", "year"}}
	groupKey := obj(map[string]any{"field": tStr, "bucket": bucket, "timeZone": tStr}, "field")
	measure := obj(map[string]any{"id": tStr, "label": tStr,
		"op":    map[string]any{"enum": []any{"count", "sum", "avg", "min", "max", "weighted", "expr"}},
		"field": tStr, "weight": tStr, "scale": tNum, "expr": tStr}, "id", "op")
	chart := obj(map[string]any{"id": tStr, "title": tStr,
		"kind": map[string]any{"enum": []any{"metric", "bar", "line", "pie", "table", "funnel"}},
		"form": tStr, "source": map[string]any{"type": "string", "description": "a chart source counted instead of the form's records (alerts)"},
		"groupBy": arr(groupKey), "measures": arr(measure), "filter": ref("Filter"), "limit": tInt, "sortByValue": tBool,
		"layout": obj(map[string]any{"x": tInt, "y": tInt, "w": tInt, "h": tInt}, "x", "y", "w", "h"),
		"funnel": obj(map[string]any{"amount": tStr, "owner": tStr})}, "id", "kind", "form", "layout")
	filter := obj(map[string]any{"id": tStr, "kind": map[string]any{"enum": []any{"date_range", "user", "department"}}, "label": tStr,
		"fields": map[string]any{"type": "object", "additionalProperties": tStr}}, "id", "kind")
	input := map[string]any{"title": tStr, "roles": arr(tStr), "filters": arr(filter), "charts": arr(ref("Chart"))}
	update := map[string]any{"version": tInt}
	dashboard := map[string]any{"id": tStr, "app": tStr, "owner": tStr, "version": tInt}
	for k, v := range input {
		update[k], dashboard[k] = v, v
	}
	stage := obj(map[string]any{"value": tStr, "label": tStr, "flag": tStr, "probability": tNum, "count": tInt, "amount": tNum,
		"reached": tInt, "conversion": tNum, "avgDurationMs": tNum}, "value", "label", "flag", "count", "reached")
	leader := obj(map[string]any{"owner": tAny, "label": tStr, "won": tInt, "wonAmount": tNum, "lost": tInt, "open": tInt,
		"weighted": tNum, "winRate": tNum}, "owner", "won", "wonAmount", "lost", "open", "weighted")
	funnel := obj(map[string]any{"field": tStr, "stages": arr(stage), "overall": tNum, "winRate": tNum, "weighted": tNum,
		"avgCycleMs": tNum, "cycleSample": tInt, "history": tBool, "sampled": tBool, "leaders": arr(leader)}, "field", "stages", "history", "leaders")
	errDetail := obj(map[string]any{"code": tStr, "message": tStr,
		"fields": arr(obj(map[string]any{"path": tStr, "code": tStr, "message": tStr}, "path", "code", "message"))}, "code", "message")
	chartData := obj(map[string]any{"chart": tStr, "kind": tStr, "form": tStr, "source": tStr,
		"keys":     arr(obj(map[string]any{"field": tStr, "bucket": tStr, "labels": map[string]any{"type": "object", "additionalProperties": tStr}}, "field")),
		"measures": arr(tStr), "rows": arr(obj(map[string]any{"keys": arr(tAny), "values": arr(tAny)}, "keys", "values")),
		"truncated": tBool, "funnel": funnel, "error": errDetail}, "chart", "kind", "form", "keys", "measures", "rows")
	return map[string]any{
		"Chart":                chart,
		"DashboardFilterValue": obj(map[string]any{"from": tStr, "to": tStr, "value": tStr}),
		"DashboardInput":       obj(input, "title"),
		"DashboardUpdate":      obj(update, "title", "version"),
		"Dashboard":            obj(dashboard, "id", "app", "title", "owner", "charts", "version"),
		"DashboardList":        obj(map[string]any{"items": arr(ref("Dashboard"))}, "items"),
		"DashboardDataInput":   obj(map[string]any{"filters": values}),
		"DashboardData":        obj(map[string]any{"items": arr(ref("ChartData"))}, "items"),
		"ChartData":            chartData,
		"ChartPreviewInput":    obj(map[string]any{"chart": ref("Chart"), "dashboard": tStr, "filters": values}, "chart"),
		"ChartExportInput":     obj(map[string]any{"filters": values, "format": map[string]any{"enum": []any{"xlsx"}}}),
		"DrillInput":           obj(map[string]any{"filters": values, "keys": arr(tAny)}, "keys"),
		"Drill":                obj(map[string]any{"form": tStr, "filter": ref("Filter")}, "form", "filter"),
	}
}
