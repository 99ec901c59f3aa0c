package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of operations: a read-only start, a draining process, a stopped
// background runtime (503 on a write or on /readyz).
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_read_only":          "服务器以只读方式启动（用于检查数据），无法保存。请联系管理员",
		"server_shutting_down":      "服务器正在停止，请稍后重试",
		"server_background_stopped": "后台任务已停止：事件暂时不会被处理。请联系管理员查看日志",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_read_only":          "The server was started read-only (for inspection), so nothing can be saved. Ask an administrator",
		"server_shutting_down":      "The server is shutting down; try again in a moment",
		"server_background_stopped": "Background work has stopped: events are not being handled for now. Ask an administrator to check the logs",
	})
}
