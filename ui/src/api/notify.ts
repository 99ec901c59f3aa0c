// Types and calls of the notification routes (OpenAPI: the "notifications" tag).
import { request } from './client';

export type NotificationSeverity = 'info' | 'warning' | 'critical';
export type EmailChoice = 'off' | 'instant' | 'digest';

/** Notification is one inbox item (schema Notification). */
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body?: string;
  form?: string;
  record?: string;
  severity: NotificationSeverity;
  read: boolean;
  readAt?: string;
  createdAt: string;
  /** link is the record's address in the app, absent without a record. */
  link?: string;
}

export interface NotificationPage { items: Notification[]; nextCursor?: string }

/** NotificationChannel is how one kind ("*": every other kind) reaches the user. */
export interface NotificationChannel { kind: string; inApp: boolean; email: EmailChoice }

export interface NotificationPreferences {
  language: '' | 'zh-CN' | 'en';
  kinds: NotificationChannel[];
  version: number;
  emailEnabled: boolean;
  digestHour: number;
  knownKinds: string[];
}

export type NotificationPreferencesInput = Pick<NotificationPreferences, 'language' | 'kinds' | 'version'>;

/** CHANGED is the window event after the inbox changed here: the bell counts again. */
export const CHANGED = 'formloom:notifications-changed';
export function announceChange(): void { window.dispatchEvent(new Event(CHANGED)); }

export const notifyApi = {
  list: (o: { unread?: boolean; cursor?: string; limit?: number } = {}) => {
    const q = new URLSearchParams();
    if (o.unread) q.set('unread', 'true');
    if (o.cursor) q.set('cursor', o.cursor);
    if (o.limit) q.set('limit', String(o.limit));
    const s = q.toString();
    return request<NotificationPage>('GET', '/me/notifications' + (s ? '?' + s : ''));
  },
  unreadCount: async (signal?: AbortSignal) => (await request<{ count: number }>('GET', '/me/notifications/unread-count', undefined, { signal })).count,
  markRead: (id: string) => request<Notification>('POST', `/me/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: async () => (await request<{ marked: number }>('POST', '/me/notifications/read-all')).marked,
  preferences: () => request<NotificationPreferences>('GET', '/me/notification-preferences'),
  savePreferences: (p: NotificationPreferencesInput) => request<NotificationPreferences>('PUT', '/me/notification-preferences', p),
};
