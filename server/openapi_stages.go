package server

// stagesSchemas are the OpenAPI schemas of stage pipelines
// (docs/workflows.md, "Stage pipelines", has their meaning).
func stagesSchemas() map[string]any {
	tNum := map[string]any{"type": "number"}
	msg := map[string]any{"type": "object", "additionalProperties": tStr}
	stage := obj(map[string]any{"value": tStr, "probability": tNum,
		"forecast": map[string]any{"enum": []any{"", "pipeline", "best_case", "commit", "closed", "omitted"}},
		"flag":     map[string]any{"enum": []any{"", "open", "won", "lost"}},
		"required": arr(tStr), "condition": tStr, "message": msg, "guidance": tStr, "checklist": arr(tStr), "next": arr(tStr)}, "value")
	stageView := obj(map[string]any{"value": tStr, "label": tStr, "probability": tNum, "forecast": tStr, "flag": tStr,
		"required": arr(tStr), "condition": tStr, "message": msg, "guidance": tStr, "checklist": arr(tStr), "next": arr(tStr)}, "value", "label")
	fieldErr := obj(map[string]any{"path": tStr, "code": tStr, "message": tStr}, "path", "code", "message")
	transition := obj(map[string]any{"id": tStr, "form": tStr, "record": tStr, "field": tStr, "from": tStr, "to": tStr,
		"fromFlag": tStr, "toFlag": tStr, "at": tTime, "by": tStr, "byName": tStr, "source": tStr, "durationMs": tInt,
		"probability": tNum, "formVersion": tInt, "created": tBool}, "id", "record", "from", "to", "at", "by")
	return map[string]any{
		"StagePipeline": obj(map[string]any{"field": tStr, "transitions": map[string]any{"enum": []any{"", "forward", "any", "list"}},
			"enteredAtField": tStr, "stages": arr(stage)}, "field", "stages"),
		"StagePipelineInput": obj(map[string]any{"pipeline": nullable(ref("StagePipeline")), "version": tInt}, "version"),
		"StageDesign": obj(map[string]any{"published": nullable(ref("StagePipeline")), "formVersion": tInt, "draft": nullable(ref("StagePipeline")),
			"draftVersion": tInt, "problems": arr(fieldErr), "stages": arr(stageView)}, "formVersion"),
		"StageSummary":        obj(map[string]any{"items": arr(obj(map[string]any{"stage": tStr, "label": tStr, "flag": tStr, "probability": tNum, "count": tInt}, "stage", "count"))}, "items"),
		"StageTransition":     transition,
		"StageTransitionList": list("StageTransition"),
		"StageTransitionPage": obj(map[string]any{"items": arr(ref("StageTransition")), "nextCursor": tStr}, "items"),
		"StageCheck":          obj(map[string]any{"to": tStr, "ok": tBool, "fields": arr(fieldErr)}, "to", "ok", "fields"),
	}
}
