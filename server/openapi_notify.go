package server

import "github.com/formloom/formloom/engine/notify"

// notifySchemas are the schemas of the notification routes.
func notifySchemas() map[string]any {
	email := map[string]any{"enum": []any{notify.EmailOff, notify.EmailInstant, notify.EmailDigest}}
	channel := obj(map[string]any{"kind": map[string]any{"type": "string", "description": "a kind, or * for kinds not listed"}, "inApp": tBool, "email": email}, "kind", "inApp", "email")
	return map[string]any{
		"Notification": obj(map[string]any{"id": tStr, "kind": tStr, "title": tStr, "body": tStr, "form": tStr, "record": tStr,
			"severity": map[string]any{"enum": []any{"info", "warning", "critical"}}, "read": tBool, "readAt": tTime, "createdAt": tTime,
			"link": map[string]any{"type": "string", "description": "the record's address in the browser app; absent without a record"}},
			"id", "kind", "title", "severity", "read", "createdAt"),
		"NotificationPage":    obj(map[string]any{"items": arr(ref("Notification")), "nextCursor": tStr}, "items"),
		"NotificationCount":   obj(map[string]any{"count": tInt}, "count"),
		"NotificationsMarked": obj(map[string]any{"marked": tInt}, "marked"),
		"NotificationChannel": channel,
		"NotificationPreferences": obj(map[string]any{"language": map[string]any{"enum": []any{"", "zh-CN", "en"}}, "kinds": arr(ref("NotificationChannel")),
			"version": tInt, "emailEnabled": tBool, "digestHour": tInt, "knownKinds": arr(tStr)},
			"language", "kinds", "version", "emailEnabled", "digestHour", "knownKinds"),
		"NotificationPreferencesInput": obj(map[string]any{"language": map[string]any{"enum": []any{"", "zh-CN", "en"}}, "kinds": arr(ref("NotificationChannel")), "version": tInt}, "kinds", "version"),
	}
}
