package i18n

// Texts of a chart's spreadsheet export (engine/report chart_export.go):
// the column headers and cell labels are the browser's CSV export's
// (ui/src/i18n/dashboards.*.ts and data.* of ui/src/i18n/*.ts), so the two
// files of one chart read the same.
func init() {
	Register(ZhCN, map[string]string{
		"report_export_op_count":    "计数",
		"report_export_op_sum":      "求和",
		"report_export_op_avg":      "平均值",
		"report_export_op_min":      "最小值",
		"report_export_op_max":      "最大值",
		"report_export_op_weighted": "加权求和",
		"report_export_op_expr":     "表达式",
		"report_export_createdAt":   "创建时间",
		"report_export_updatedAt":   "更新时间",
		"report_export_createdBy":   "创建人",
		"report_export_updatedBy":   "更新人",
		"report_export_ownedBy":     "所有者",
		"report_export_empty":       "（空）",
		"report_export_stage":       "阶段",
		"report_export_count":       "当前",
		"report_export_reached":     "到达",
		"report_export_conversion":  "转化率",
		"report_export_amount":      "金额",
		"report_export_kind_metric": "指标卡",
		"report_export_kind_bar":    "柱状图",
		"report_export_kind_line":   "折线图",
		"report_export_kind_pie":    "饼图",
		"report_export_kind_table":  "表格 / 透视表",
		"report_export_kind_funnel": "阶段漏斗",
	})
	Register(En, map[string]string{
		"report_export_op_count":    "Count",
		"report_export_op_sum":      "Sum",
		"report_export_op_avg":      "Average",
		"report_export_op_min":      "Minimum",
		"report_export_op_max":      "Maximum",
		"report_export_op_weighted": "Weighted sum",
		"report_export_op_expr":     "Expression",
		"report_export_createdAt":   "Created",
		"report_export_updatedAt":   "Updated",
		"report_export_createdBy":   "Created by",
		"report_export_updatedBy":   "Updated by",
		"report_export_ownedBy":     "Owner",
		"report_export_empty":       "(empty)",
		"report_export_stage":       "Stage",
		"report_export_count":       "Now",
		"report_export_reached":     "Reached",
		"report_export_conversion":  "Conversion",
		"report_export_amount":      "Amount",
		"report_export_kind_metric": "Metric card",
		"report_export_kind_bar":    "Bar",
		"report_export_kind_line":   "Line",
		"report_export_kind_pie":    "Pie",
		"report_export_kind_table":  "Table / pivot",
		"report_export_kind_funnel": "Stage funnel",
	})
}
