package i18n

// Codes of app templates (engine/template).
func init() {
	Register(ZhCN, map[string]string{
		"template_format":        "不支持的模板格式版本 {value}（支持 {supported}）",
		"template_json":          "不是有效的模板 JSON：{reason}",
		"template_duplicate_key": "键“{key}”重复",
		"template_unknown_ref":   "引用了模板中不存在的{kind}“{key}”",
		"template_unknown_part":  "本服务器不支持模板部件“{kind}”",
		"template_key":           "键“{value}”无效：只能使用小写字母、数字、_、. 和 -，且以字母或数字开头",
		"template_conflict":      "升级冲突 {id} 尚未选择保留哪一方",
		"template_not_installed": "该应用不是从模板安装的",
		"template_source":        "请只提供模板键（key）或模板包（bundle）之一",
		"template_unknown":       "没有名为“{value}”的模板",
	})
	Register(En, map[string]string{
		"template_format":        "Template format version {value} is not supported (this server reads {supported})",
		"template_json":          "Not valid template JSON: {reason}",
		"template_duplicate_key": "The key “{key}” is given twice",
		"template_unknown_ref":   "Refers to {kind} “{key}”, which the template does not have",
		"template_unknown_part":  "This server does not support the template part “{kind}”",
		"template_key":           "The key “{value}” is invalid: use lower-case letters, digits, _, . and -, starting with a letter or digit",
		"template_conflict":      "Upgrade conflict {id} has no choice yet",
		"template_not_installed": "This app was not installed from a template",
		"template_source":        "Give either a template key or a bundle, not both",
		"template_unknown":       "There is no template named “{value}”",
	})
}
