package i18n

// Codes of the webhooks capability (engine/webhook).
func init() {
	Register(ZhCN, map[string]string{
		"webhook_url":         "地址无效或不允许：{reason}",
		"webhook_scheme":      "只允许 http 或 https 地址",
		"webhook_event":       "事件类型 {event} 无效",
		"webhook_header":      "请求头 {name} 无效或不可自定义",
		"webhook_filter_form": "过滤条件只能用于指定表单的数据事件",
		"webhook_required":    "必填",
		"webhook_too_long":    "超出上限 {max}",
		"webhook_too_many":    "最多 {max} 项",
		"webhook_mapping":     "字段 {field} 不在表单中",
		"webhook_mapping_run": "无法从推送内容取值：{reason}",
		"webhook_signature":   "签名校验方式 {verify} 无效",
		"webhook_actor":       "执行身份不可用",
		"webhook_actor_form":  "执行身份无权查看或填写该表单的数据",
		"webhook_form":        "找不到表单或端点",
		"webhook_status":      "状态 {status} 无效",
		// Public links (engine/webhook/publink.go).
		"public_field_type":      "{type} 类型的字段 {field} 不能放在公开表单中（关联、成员、部门、附件和计算字段会泄露内部数据或无法由访客填写）",
		"public_required_hidden": "必填字段「{label}」没有默认值，公开表单必须显示它",
		"public_unknown_field":   "公开表单中没有字段 {field}",
		"public_limit":           "应在 {min} 到 {max} 之间",
		"public_no_fields":       "至少选择一个字段",
		"public_preset_shown":    "字段 {field} 已在表单中显示，不能再设固定值",
	})
	Register(En, map[string]string{
		"webhook_url":         "The URL is invalid or not allowed: {reason}",
		"webhook_scheme":      "Only http and https URLs are allowed",
		"webhook_event":       "Event type {event} is not valid",
		"webhook_header":      "Header {name} is invalid or cannot be customised",
		"webhook_filter_form": "A filter needs one form and record events only",
		"webhook_required":    "Required",
		"webhook_too_long":    "Over the limit of {max}",
		"webhook_too_many":    "At most {max} items",
		"webhook_mapping":     "Field {field} is not in the form",
		"webhook_mapping_run": "Could not take a value from the payload: {reason}",
		"webhook_signature":   "Signature verification {verify} is not valid",
		"webhook_actor":       "The acting user cannot act",
		"webhook_actor_form":  "The acting user may not read (or, for inbound hooks, create) this form's records",
		"webhook_form":        "The form or endpoint was not found",
		"webhook_status":      "Status {status} is not valid",
		// Public links (engine/webhook/publink.go).
		"public_field_type":      "Field {field} of type {type} cannot be on a public form (relations, users, departments, files and computed fields would reveal internal data or cannot be filled in by a visitor)",
		"public_required_hidden": "The required field \"{label}\" has no default, so the public form must show it",
		"public_unknown_field":   "The public form has no field {field}",
		"public_limit":           "Must be between {min} and {max}",
		"public_no_fields":       "Choose at least one field",
		"public_preset_shown":    "Field {field} is shown on the form, so it cannot also have a fixed value",
	})
}
