package i18n

// Codes of template parts (engine/template_part_keys.go): an item of a
// template that refers to something the template does not have, or that
// cannot be read at all.
func init() {
	Register(ZhCN, map[string]string{
		"template_ref":       "模板的 {kind} 中没有“{value}”",
		"template_spec":      "无法读取此项：{reason}",
		"template_duplicate": "键“{value}”在模板中重复",
		"template_secret":    "模板不能携带密钥：“{name}”的值看起来是密钥，请删除，安装后再由管理员填写",
	})
	Register(En, map[string]string{
		"template_ref":       "The template has no {kind} “{value}”",
		"template_spec":      "This item cannot be read: {reason}",
		"template_duplicate": "The key “{value}” appears twice in the template",
		"template_secret":    "A template cannot carry secrets: the value of “{name}” looks like one; leave it out and let an admin set it after installing",
	})
}
