package server

// notifyRoutes are the signed-in user's notification inbox and
// preferences in the current workspace (engine/notify).
func (s *Server) notifyRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/me/notifications", access: authed, action: actRead, tag: "notifications", op: "listNotifications", summary: "The signed-in user's notifications in the current workspace, newest first (unread=true for unread only; limit 1-100, default 20; cursor from nextCursor).", resp: "NotificationPage", query: []string{"unread", "cursor", "limit"}, h: s.listNotifications},
		{method: "GET", path: "/api/v1/me/notifications/unread-count", access: authed, action: actRead, tag: "notifications", op: "unreadNotificationCount", summary: "How many of the signed-in user's notifications in the current workspace are unread (cheap: polled by the bell).", resp: "NotificationCount", h: s.unreadNotificationCount},
		{method: "POST", path: "/api/v1/me/notifications/read-all", access: authed, action: actWrite, tag: "notifications", op: "markAllNotificationsRead", summary: "Mark every unread notification of the signed-in user in the current workspace read.", resp: "NotificationsMarked", h: s.markAllNotificationsRead},
		{method: "POST", path: "/api/v1/me/notifications/:id/read", access: authed, action: actWrite, tag: "notifications", op: "markNotificationRead", summary: "Mark one of the signed-in user's notifications read (anyone else's is 404).", resp: "Notification", h: s.markNotificationRead},
		{method: "GET", path: "/api/v1/me/notification-preferences", access: authed, action: actRead, tag: "notifications", op: "getNotificationPreferences", summary: "The signed-in user's notification preferences in the current workspace: per kind in-app, and email off, instant or in the daily digest.", resp: "NotificationPreferences", h: s.getNotificationPreferences},
		{method: "PUT", path: "/api/v1/me/notification-preferences", access: authed, action: actWrite, tag: "notifications", op: "putNotificationPreferences", summary: "Replace the signed-in user's notification preferences in the current workspace (version: the one read, 0 before the first save).", req: "NotificationPreferencesInput", resp: "NotificationPreferences", h: s.putNotificationPreferences},
	}
}
