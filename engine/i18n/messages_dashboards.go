package i18n

// Codes of dashboards (engine/report).
func init() {
	Register(ZhCN, map[string]string{
		"report_no_pipeline": "漏斗图需要表单设置了阶段流程",
	})
	Register(En, map[string]string{
		"report_no_pipeline": "A funnel chart needs a form with a stage pipeline",
	})
}
