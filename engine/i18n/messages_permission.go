package i18n

// Codes of permissions (engine/permission*.go).
func init() {
	Register(ZhCN, map[string]string{
		"read_only_permission":  "你没有修改该字段的权限",
		"in_use":                "仍在使用中：{members} 名成员持有，{sets} 个权限组引用",
		"permission_needs_view": "权限“{action}”需要同时勾选“查看”",
		"not_published":         "表单尚未发布",
		"outside_rows":          "保存后这条数据将超出你可管理的数据范围；如需交给他人，请使用“转交”",
		"placeholder":           "占位符 {value} 不能用于该字段或运算符",
		"hidden_field_invalid":  "有你无权查看的字段未通过校验（如必填或不能重复），请联系管理员",
		"role_name_taken":       "已有名为“{name}”的角色，请换一个名称",
	})
	Register(En, map[string]string{
		"read_only_permission":  "You do not have permission to change this field",
		"in_use":                "Still in use: held by {members} members and used by {sets} permission sets",
		"permission_needs_view": "The action “{action}” also needs “view”",
		"not_published":         "The form is not published yet",
		"outside_rows":          "After this change the record would be outside the data you may manage; to hand it to someone else, transfer it",
		"placeholder":           "The placeholder {value} cannot be used with this field or operator",
		"hidden_field_invalid":  "A field you cannot see did not pass its checks (required, unique…); ask an admin",
		"role_name_taken":       "A role named “{name}” already exists; choose another name",
	})
}
