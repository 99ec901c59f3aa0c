package i18n

// Codes of member administration (engine/user_admin.go) and bulk record
// operations (engine/record_bulk.go).
func init() {
	Register(ZhCN, map[string]string{
		"account_shared": "该账号还属于你不是管理员的其他工作区，不能修改其账号（可将其移出本工作区）",
		"self_disable":   "不能停用自己的账号",
		"max_items":      "最多 {max} 项",
	})
	Register(En, map[string]string{
		"account_shared": "This account also belongs to workspaces you do not administer, so you cannot change it (you can remove them from this workspace)",
		"self_disable":   "You cannot disable your own account",
		"max_items":      "At most {max} items",
	})
}
