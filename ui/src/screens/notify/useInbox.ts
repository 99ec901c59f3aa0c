import { useCallback, useEffect, useState } from 'react';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import { announceChange, notifyApi, type Notification } from '../../api/notify';
import { errorText } from '../../util/errors';

/**
 * useInbox loads pages of the inbox (all or unread only) and marks items
 * read; every change is announced so the bell counts again.
 */
export function useInbox(limit: number, unread: boolean) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (after?: string) => {
    setLoading(true);
    try {
      const p = await notifyApi.list({ unread, cursor: after, limit });
      setItems((prev) => (after && prev ? [...prev, ...p.items] : p.items));
      setCursor(p.nextCursor || undefined);
    } catch (e) { message.error(errorText(e)); setItems((prev) => prev ?? []); } finally { setLoading(false); }
  }, [unread, limit, message]);
  useEffect(() => { void load(); }, [load]);

  const markRead = useCallback(async (n: Notification) => {
    if (n.read) return;
    try {
      const got = await notifyApi.markRead(n.id);
      setItems((prev) => prev?.map((x) => (x.id === n.id ? got : x)) ?? null);
      announceChange();
    } catch (e) { message.error(errorText(e)); }
  }, [message]);

  const markAll = useCallback(async () => {
    try {
      const count = await notifyApi.markAllRead();
      message.success(t('notify.markedAll', { count }));
      announceChange();
      await load();
    } catch (e) { message.error(errorText(e)); }
  }, [load, message, t]);

  return { items, cursor, loading, more: () => load(cursor), markRead, markAll, reload: () => load() };
}
