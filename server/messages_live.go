package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of the live-updates stream.
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_live_busy":   "实时连接数已达上限，请稍后重试",
		"server_live_closed": "服务正在停止，请稍后重新连接",
		"server_live_off":    "此服务未开启实时更新",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_live_busy":   "Too many live connections; try again shortly",
		"server_live_closed": "The server is shutting down; reconnect shortly",
		"server_live_off":    "Live updates are not enabled on this server",
	})
}
