import { useState } from 'react';
import { Button, Card, Empty, Segmented, Space, Spin, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { NotificationItem } from './NotificationItem';
import { useInbox } from './useInbox';

/** NotificationsPage is the whole inbox: all or unread, page by page. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  const [unread, setUnread] = useState(false);
  const inbox = useInbox(30, unread);
  return (
    <div style={{ maxWidth: 800, margin: '0 auto' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0, flex: 1 }}>{t('notify.inbox')}</Typography.Title>
        <Link to="/settings/notifications" data-testid="notify-settings-link"><SettingOutlined /> {t('notify.settings')}</Link>
      </div>
      <Card styles={{ body: { padding: 0 } }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '10px 16px', flexWrap: 'wrap', borderBottom: '1px solid rgba(5,5,5,0.06)' }}>
          <Segmented value={unread ? 'unread' : 'all'} onChange={(v) => setUnread(v === 'unread')} data-testid="notify-filter"
            options={[{ value: 'all', label: t('notify.all') }, { value: 'unread', label: t('notify.unreadTab') }]} />
          <span style={{ flex: 1 }} />
          <Button onClick={() => void inbox.markAll()} data-testid="notify-page-mark-all">{t('notify.markAllRead')}</Button>
        </div>
        {inbox.items === null ? <div className="fl-center" style={{ minHeight: 160 }}><Spin /></div>
          : inbox.items.length === 0 ? <Empty description={unread ? t('notify.emptyUnread') : t('notify.empty')} style={{ padding: 32 }} />
            : inbox.items.map((n) => <NotificationItem key={n.id} n={n} onRead={(x) => void inbox.markRead(x)} onOpen={(x) => void inbox.markRead(x)} />)}
        {inbox.cursor && (
          <Space style={{ width: '100%', justifyContent: 'center', padding: 12 }}>
            <Button loading={inbox.loading} onClick={() => void inbox.more()} data-testid="notify-more">{t('notify.more')}</Button>
          </Space>
        )}
      </Card>
    </div>
  );
}
