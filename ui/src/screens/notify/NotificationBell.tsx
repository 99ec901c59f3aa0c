import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Badge, Button } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CHANGED, notifyApi } from '../../api/notify';

// The popover or drawer and the inbox load after the first paint, apart
// from the first load.
const BellOverlay = lazy(() => import('./BellOverlay'));

/** POLL is how often the bell counts again while the tab is visible. */
const POLL = 30_000;

/**
 * NotificationBell shows the unread count in the top bar and opens the
 * inbox: a popover on a desktop, a drawer on a phone. It counts again every
 * half minute while the tab is visible, when the window gets the focus, and
 * after the inbox changed in this tab (one cheap count query, no stream).
 */
export function NotificationBell({ phone }: { phone: boolean }) {
  const { t } = useTranslation();
  const [count, setCount] = useState(0);
  const [open, setOpen] = useState(false);
  const refresh = useCallback(() => {
    notifyApi.unreadCount().then(setCount).catch(() => undefined); // a failed poll keeps the last count
  }, []);
  useEffect(() => {
    refresh();
    const tick = setInterval(() => { if (document.visibilityState === 'visible') refresh(); }, POLL);
    const onVisible = () => { if (document.visibilityState === 'visible') refresh(); };
    window.addEventListener('focus', refresh);
    window.addEventListener(CHANGED, refresh);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(tick);
      window.removeEventListener('focus', refresh);
      window.removeEventListener(CHANGED, refresh);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);
  const bell = (onClick?: () => void) => (
    <Badge count={count} size="small" overflowCount={99} offset={[-6, 6]}>
      <Button type="text" icon={<BellOutlined style={{ fontSize: 18 }} />} data-testid="notify-bell" data-count={count}
        aria-label={count > 0 ? `${t('notify.bell')} (${t('notify.unread', { count })})` : t('notify.bell')} onClick={onClick} />
    </Badge>
  );
  // Until the overlay's code is there, the bell shows (and counts) alone; a
  // click meanwhile opens the inbox once it has loaded. On a desktop the
  // popover handles the clicks after that.
  return (
    <Suspense fallback={bell(() => setOpen(true))}>
      <BellOverlay phone={phone} open={open} setOpen={setOpen}>{bell(phone ? () => setOpen(true) : undefined)}</BellOverlay>
    </Suspense>
  );
}
