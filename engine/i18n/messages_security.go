package i18n

// Codes of account security: the password policy (auth/password.go),
// account control and invitations (engine/user_admin.go,
// engine/invitation.go). The server's storage_full is in server/.
func init() {
	Register(ZhCN, map[string]string{
		"password_common":     "这是最常见的密码之一（或由它变形而来），很容易被猜到，请换一个：例如几个不相关的词组合在一起",
		"password_personal":   "密码不能包含邮箱或姓名，别人很容易猜到，请换一个",
		"password_weak":       "密码太容易被猜到（如简单的单词、键盘顺序、日期或重复字符），请加长或加入不相关的词",
		"account_not_managed": "该账号不是由本工作区创建的（例如受邀加入），其姓名、密码和停用只能由账号本人或创建它的工作区管理；你可以在本工作区停用其访问或将其移出",
	})
	Register(En, map[string]string{
		"password_common":     "This is one of the most common passwords (or a variant of one) and easy to guess; choose another, for example a few unrelated words together",
		"password_personal":   "The password must not contain the email or the name, which others can guess; choose another",
		"password_weak":       "This password is too easy to guess (a simple word, a keyboard pattern, a date or repeated characters); make it longer or add unrelated words",
		"account_not_managed": "This account was not created by this workspace (it joined by invitation, for example), so only its owner or the workspace that created it may change its name, password or account status; you can disable its access to this workspace or remove it",
	})
}
