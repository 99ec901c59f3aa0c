import { Button, Empty, Spin, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { NotificationItem } from './NotificationItem';
import { useInbox } from './useInbox';

/** InboxPanel is the bell's inbox: the latest items, mark read, mark all read, links on. */
export default function InboxPanel({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const inbox = useInbox(10, false);
  const unread = inbox.items?.some((n) => !n.read) ?? false;
  return (
    <div data-testid="notify-panel">
      <div style={{ display: 'flex', alignItems: 'center', padding: '10px 16px', borderBottom: '1px solid rgba(5,5,5,0.06)' }}>
        <Typography.Text strong style={{ flex: 1 }}>{t('notify.inbox')}</Typography.Text>
        <Button size="small" type="link" disabled={!unread} onClick={() => void inbox.markAll()} data-testid="notify-mark-all">{t('notify.markAllRead')}</Button>
      </div>
      <div style={{ maxHeight: 'min(60vh, 480px)', overflowY: 'auto' }}>
        {inbox.items === null ? <div className="fl-center" style={{ minHeight: 120 }}><Spin /></div>
          : inbox.items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notify.empty')} style={{ padding: 24 }} />
            : inbox.items.map((n) => (
              <NotificationItem key={n.id} n={n} onRead={(x) => void inbox.markRead(x)} onOpen={(x) => { void inbox.markRead(x); onClose(); }} />
            ))}
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', padding: '8px 16px' }}>
        <Link to="/notifications" onClick={onClose} data-testid="notify-view-all">{t('notify.viewAll')}</Link>
        <Link to="/settings/notifications" onClick={onClose} data-testid="notify-settings"><SettingOutlined /> {t('notify.settings')}</Link>
      </div>
    </div>
  );
}
