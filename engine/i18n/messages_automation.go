package i18n

// Codes of automations and alerts (engine/automation).
func init() {
	Register(ZhCN, map[string]string{
		"automation_trigger":         "不支持的触发方式“{value}”",
		"automation_cron":            "定时表达式无效：{reason}",
		"automation_field":           "字段“{field}”不存在",
		"automation_field_type":      "字段“{field}”的类型不适用于此操作（需要{want}）",
		"automation_action_kind":     "不支持的动作类型“{value}”",
		"automation_action_config":   "动作配置无效：{reason}",
		"automation_actor":           "执行身份无效：{reason}",
		"automation_form":            "表单“{value}”不存在或未发布",
		"automation_template":        "模板中的占位符“{name}”不是本表单的字段",
		"automation_too_many":        "最多 {max} 项",
		"automation_not_published":   "自动化尚未发布",
		"automation_alert_state":     "预警当前为“{state}”，不能执行此操作",
		"automation_range":           "取值应在 {min} 到 {max} 之间",
		"automation_loop_depth":      "自动化连锁触发超过 {max} 层，已停止（可能存在循环）",
		"automation_loop_cycle":      "自动化形成循环（{origin} 已在本链中），已停止",
		"automation_condition_error": "条件无法计算：{reason}",
		"automation_action_failed":   "动作执行失败：{reason}",
		"automation_actor_gone":      "执行身份不再是工作区的有效成员",
		"automation_not_scheduled":   "只有定时触发的自动化可以立即运行",
		"automation_disabled":        "自动化已停用，启用后才能运行",
	})
	Register(En, map[string]string{
		"automation_trigger":         "Unsupported trigger \"{value}\"",
		"automation_cron":            "Invalid schedule: {reason}",
		"automation_field":           "Field \"{field}\" does not exist",
		"automation_field_type":      "Field \"{field}\" has the wrong type for this action (needs {want})",
		"automation_action_kind":     "Unsupported action kind \"{value}\"",
		"automation_action_config":   "Invalid action settings: {reason}",
		"automation_actor":           "Invalid actor: {reason}",
		"automation_form":            "Form \"{value}\" does not exist or is not published",
		"automation_template":        "The placeholder \"{name}\" is not a field of this form",
		"automation_too_many":        "At most {max} items",
		"automation_not_published":   "The automation is not published yet",
		"automation_alert_state":     "The alert is {state}; this is not possible now",
		"automation_range":           "Must be between {min} and {max}",
		"automation_loop_depth":      "The chain of automations went deeper than {max} levels and was stopped (a loop?)",
		"automation_loop_cycle":      "The automations form a cycle ({origin} is already in this chain); stopped",
		"automation_condition_error": "The condition cannot be evaluated: {reason}",
		"automation_action_failed":   "The action failed: {reason}",
		"automation_actor_gone":      "The actor is no longer an active member of the workspace",
		"automation_not_scheduled":   "Only a scheduled automation can be run now",
		"automation_disabled":        "The automation is disabled; enable it to run it",
	})
}
