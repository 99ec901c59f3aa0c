import { Button, Tag, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Notification } from '../../api/notify';

const severityColor: Record<string, string> = { warning: 'orange', critical: 'red' };

/** kindLabel names a kind in the UI language, else shows it as it is. */
export function useKindLabel(): (kind: string) => string {
  const { t, i18n } = useTranslation();
  return (kind) => (i18n.exists(`notify.kinds.${kind}`) ? t(`notify.kinds.${kind}`) : kind);
}

/**
 * NotificationItem is one row of the inbox: title (bold while unread),
 * body, kind, time and severity, a link to the record and "mark read".
 * Texts are plain text: React escapes them.
 */
export function NotificationItem({ n, onRead, onOpen }: { n: Notification; onRead: (n: Notification) => void; onOpen: (n: Notification) => void }) {
  const { t } = useTranslation();
  const kind = useKindLabel();
  return (
    <div className={'fl-notify-item' + (n.read ? '' : ' fl-notify-unread')} data-testid="notify-item" data-read={n.read ? '1' : '0'}
      style={{ padding: '10px 16px', borderBottom: '1px solid rgba(5,5,5,0.06)', display: 'flex', gap: 8, alignItems: 'flex-start' }}>
      <span aria-hidden style={{ width: 8, height: 8, borderRadius: 4, marginTop: 7, flex: 'none', background: n.read ? 'transparent' : '#1677ff' }} />
      <div style={{ flex: 1, minWidth: 0 }}>
        <div style={{ display: 'flex', gap: 6, alignItems: 'baseline', flexWrap: 'wrap' }}>
          {severityColor[n.severity] && <Tag color={severityColor[n.severity]} style={{ marginInlineEnd: 0 }}>{t(`notify.severity.${n.severity}`)}</Tag>}
          <Typography.Text strong={!n.read} style={{ wordBreak: 'break-word' }} data-testid="notify-title">{n.title}</Typography.Text>
        </div>
        {n.body && <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '2px 0 0', whiteSpace: 'pre-wrap' }}>{n.body}</Typography.Paragraph>}
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', marginTop: 4, flexWrap: 'wrap' }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{kind(n.kind)} · {dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}</Typography.Text>
          {n.link && <Link to={n.link} onClick={() => onOpen(n)} data-testid="notify-open" style={{ fontSize: 12 }}>{t('notify.openRecord')}</Link>}
        </div>
      </div>
      {!n.read && (
        <Button size="small" type="text" icon={<CheckOutlined />} aria-label={t('notify.markRead')} title={t('notify.markRead')}
          data-testid="notify-mark-read" onClick={() => onRead(n)} />
      )}
    </div>
  );
}
