package i18n

// Codes of the notify capability (engine/notify).
func init() {
	Register(ZhCN, map[string]string{
		"notify_kind":           "通知类型 {value} 无效：须以小写字母开头，只含小写字母、数字、下划线和点，最多 63 个字符",
		"notify_severity":       "级别 {value} 无效：可选 info、warning、critical",
		"notify_email_channel":  "邮件方式 {value} 无效：可选 off（关闭）、instant（即时）、digest（每日摘要）",
		"notify_duplicate_kind": "通知类型 {value} 重复出现",
	})
	Register(En, map[string]string{
		"notify_kind":           "Notification kind {value} is invalid: it starts with a lower-case letter and holds only lower-case letters, digits, underscores and dots, at most 63 characters",
		"notify_severity":       "Severity {value} is invalid: use info, warning or critical",
		"notify_email_channel":  "Email choice {value} is invalid: use off, instant or digest",
		"notify_duplicate_kind": "Notification kind {value} is listed twice",
	})
}
