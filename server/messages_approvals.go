package server

import "github.com/formloom/formloom/engine/i18n"

// Messages of the approval routes.
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_task_closed": "该待办已处理（可能已被他人处理或流程已结束）",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_task_closed": "This task has already been dealt with (by someone else, or the flow has ended)",
	})
}
