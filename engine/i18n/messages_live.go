package i18n

// Codes of live updates (engine/live).
func init() {
	Register(ZhCN, map[string]string{
		"live_forms":          "请至少指定一个表单",
		"live_too_many_forms": "最多同时关注 {max} 个表单",
		"live_form":           "找不到表单 {form} 或它尚未发布",
		"live_last_event_id":  "续传位置应为非负整数",
	})
	Register(En, map[string]string{
		"live_forms":          "Name at least one form",
		"live_too_many_forms": "At most {max} forms can be watched at once",
		"live_form":           "Form {form} was not found or is not published",
		"live_last_event_id":  "The resume point must be a non-negative whole number",
	})
}
