package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of the webhook routes.
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_bad_signature":       "签名校验失败",
		"server_public_closed":       "此表单已停止收集",
		"server_public_rate_limited": "提交过于频繁，请稍后再试",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_bad_signature":       "The signature does not verify",
		"server_public_closed":       "This form no longer takes submissions",
		"server_public_rate_limited": "Too many submissions; please try again later",
	})
}
