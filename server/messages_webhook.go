package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of the webhook routes.
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_bad_signature": "签名校验失败",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_bad_signature": "The signature does not verify",
	})
}
