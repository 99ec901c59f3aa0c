package i18n

// Codes of stage pipelines (engine/workflow/stage_errors.go).
func init() {
	Register(ZhCN, map[string]string{
		"stage_required":        "进入阶段“{stage}”前必须填写“{field}”",
		"stage_condition":       "不能进入阶段“{stage}”：{message}",
		"stage_condition_error": "不能进入阶段“{stage}”：进入条件{reason}",
		"stage_transition":      "不能从阶段“{from}”直接进入“{to}”",
		"stage_unknown":         "“{value}”不是阶段流程中的阶段",
		"stage_design":          "阶段流程设置无法读取：{reason}",
		"stage_field_type":      "阶段字段“{field}”必须是单选字段",
		"stage_entered_at_type": "“进入阶段时间”字段“{field}”必须是日期时间字段",
		"stage_transitions":     "未知的阶段流转规则“{value}”（可选 forward、any、list）",
		"stage_too_many":        "最多 {max} 项",
		"stage_unknown_option":  "“{value}”不是字段“{field}”的选项",
		"stage_duplicate":       "阶段“{value}”重复",
		"stage_forecast":        "未知的预测分类“{value}”",
		"stage_flag":            "未知的阶段标记“{value}”（可选 open、won、lost）",
	})
	Register(En, map[string]string{
		"stage_required":        "“{field}” is required to enter the stage “{stage}”",
		"stage_condition":       "Cannot enter the stage “{stage}”: {message}",
		"stage_condition_error": "Cannot enter the stage “{stage}”: its entry condition {reason}",
		"stage_transition":      "Cannot move from the stage “{from}” to “{to}”",
		"stage_unknown":         "“{value}” is not a stage of the pipeline",
		"stage_design":          "The stage pipeline setting cannot be read: {reason}",
		"stage_field_type":      "The stage field “{field}” must be a single-select field",
		"stage_entered_at_type": "The “entered stage at” field “{field}” must be a date-time field",
		"stage_transitions":     "Unknown transition rule “{value}” (forward, any or list)",
		"stage_too_many":        "At most {max} items",
		"stage_unknown_option":  "“{value}” is not an option of the field “{field}”",
		"stage_duplicate":       "The stage “{value}” is listed twice",
		"stage_forecast":        "Unknown forecast category “{value}”",
		"stage_flag":            "Unknown stage flag “{value}” (open, won or lost)",
	})
}
