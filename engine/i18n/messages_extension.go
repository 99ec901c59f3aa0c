package i18n

// Codes of form design extensions (engine/form_extension.go).
func init() {
	Register(ZhCN, map[string]string{
		"unknown_extension": "表单设置“{name}”无法识别（没有启用对应的功能）",
	})
	Register(En, map[string]string{
		"unknown_extension": "The form setting “{name}” is not recognised (no capability provides it)",
	})
}
