package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of a full store (507 on a write, 503 on /readyz).
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_storage_full": "存储空间已满，暂时无法保存。请联系管理员释放磁盘空间后重试",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_storage_full": "Storage is full, so nothing can be saved for now. Ask an administrator to free disk space, then try again",
	})
}
