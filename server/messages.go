package server

import "github.com/formloom/formloom/engine/i18n"

// The server's own messages: HTTP API error codes and import answers. The
// server answers with the bare code ("not_found") and renders the message
// from "server_" + code, so these never collide with the engine's field and
// design codes. They live here, not in engine/i18n, because the engine
// knows nothing of HTTP; engine/i18n only holds the lookup and each layer
// registers its own catalogue with i18n.Register.
func init() {
	i18n.Register(i18n.ZhCN, map[string]string{
		"server_unauthenticated":        "请先登录，或提供有效的访问令牌",
		"server_login_failed":           "邮箱或密码不正确",
		"server_rate_limited":           "尝试次数过多，请 {seconds} 秒后再试",
		"server_csrf":                   "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
		"server_scope":                  "该访问令牌的权限范围不允许此操作",
		"server_forbidden":              "你没有权限执行此操作",
		"server_not_found":              "要访问的内容不存在或已被删除",
		"server_route_not_found":        "接口不存在",
		"server_method_not_allowed":     "该接口不支持此请求方法",
		"server_conflict":               "数据已被其他人修改，请刷新后重试",
		"server_not_published":          "表单尚未发布，请先发布表单",
		"server_invalid":                "提交的内容有误，请检查后重试",
		"server_bad_json":               "请求内容不是有效的 JSON：{reason}",
		"server_bad_request":            "请求格式不正确",
		"server_bad_parameter":          "参数“{name}”的值无效",
		"server_unsupported_media_type": "不支持的内容类型，请使用 {expected}",
		"server_body_too_large":         "请求内容过大",
		"server_setup_done":             "系统已完成初始化，请直接登录",
		"server_setup_token":            "初始化令牌无效，请使用服务启动时打印的链接",
		"server_session_only":           "此操作需要登录会话，访问令牌不能执行",
		"server_timeout":                "请求超时",
		"server_unavailable":            "服务暂时不可用，请稍后再试",
		"server_internal":               "服务器内部错误，请稍后再试",
		"server_import_rejected":        "有 {count} 处错误，未导入任何数据，请修改后重新上传",
		"server_idempotency_key_reused": "该 Idempotency-Key 已用于另一个不同内容的请求；请换一个新的键",
	})
	i18n.Register(i18n.En, map[string]string{
		"server_unauthenticated":        "Sign in, or send a valid API token",
		"server_login_failed":           "Wrong email or password",
		"server_rate_limited":           "Too many attempts; try again in {seconds} seconds",
		"server_csrf":                   "The request has no valid CSRF token; reload the page and try again",
		"server_scope":                  "The API token's scopes do not allow this",
		"server_forbidden":              "You are not allowed to do this",
		"server_not_found":              "The item does not exist or was deleted",
		"server_route_not_found":        "No such API endpoint",
		"server_method_not_allowed":     "This endpoint does not accept this method",
		"server_conflict":               "Someone else changed this item; reload it and try again",
		"server_not_published":          "The form is not published yet; publish it first",
		"server_invalid":                "Some input is invalid; check it and try again",
		"server_bad_json":               "The request body is not valid JSON: {reason}",
		"server_bad_request":            "The request is malformed",
		"server_bad_parameter":          "The value of the parameter “{name}” is invalid",
		"server_unsupported_media_type": "Unsupported content type; use {expected}",
		"server_body_too_large":         "The request body is too large",
		"server_setup_done":             "Setup is already done; sign in instead",
		"server_setup_token":            "Wrong setup token; use the link printed when the server started",
		"server_session_only":           "This needs a signed-in session; an API token cannot do it",
		"server_timeout":                "The request timed out",
		"server_unavailable":            "The service is unavailable; try again later",
		"server_internal":               "Internal server error; try again later",
		"server_import_rejected":        "{count} problems found; nothing was imported. Fix them and upload the file again",
		"server_idempotency_key_reused": "This Idempotency-Key was already used for a request with another body; use a new key",
	})
}
