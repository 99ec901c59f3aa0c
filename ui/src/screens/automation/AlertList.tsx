import { App as AntApp, Button, Empty, Space, Spin, Tag, Typography } from 'antd';
import { CheckOutlined, EyeOutlined, LinkOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { automationApi, type Alert, type Severity } from '../../api/automation';
import { useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import '../../i18n/automation.screens';

export const SEV_COLOR: Record<Severity, string> = { info: 'blue', warning: 'orange', critical: 'red' };
const STATE_COLOR: Record<string, string> = { open: 'red', acknowledged: 'gold', resolved: 'green' };

/** AlertList shows alerts with their severity, state, owner and link, and lets one acknowledge or resolve them. */
export function AlertList({ alerts, onChanged, hideRecordLink }: { alerts: Alert[] | null; onChanged: (a: Alert) => void; hideRecordLink?: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const dir = useDirectory();
  const name = (id?: string) => (id ? dir.users.find((u) => u.id === id)?.name ?? id : '—');
  if (alerts === null) return <Spin />;
  if (alerts.length === 0) return <Empty description={t('automation.alert.empty')} />;
  const act = async (a: Alert, what: 'ack' | 'resolve') => {
    try { onChanged(await (what === 'ack' ? automationApi.acknowledge(a.id, a.version) : automationApi.resolve(a.id, a.version))); } catch (e) { message.error(errorText(e)); }
  };
  return (
    <ul className="fl-list" data-testid="alert-list">
      {alerts.map((a) => (
        <li key={a.id} data-testid="alert-item" className={`fl-alert fl-alert-${a.severity}`}>
          <div className="fl-list-main">
            <Space wrap size={4}>
              <Tag color={SEV_COLOR[a.severity]} data-testid="alert-severity">{t(`automation.alert.sev.${a.severity}`)}</Tag>
              <Typography.Text strong data-testid="alert-title">{a.title}</Typography.Text>
              <Tag color={STATE_COLOR[a.state]} data-testid="alert-state">{t(`automation.alert.state.${a.state}`)}</Tag>
              {a.resolution === 'auto' && <Tag>{t('automation.alert.autoResolved')}</Tag>}
            </Space>
            {a.body && <div style={{ whiteSpace: 'pre-wrap' }}>{a.body}</div>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {a.ruleName} · {t('automation.alert.owner')}: {name(a.owner)} · {dayjs(a.raisedAt).format('YYYY-MM-DD HH:mm')}
              {a.level > 0 && ` · ${t('automation.alert.escalated', { n: a.level })}`}
              {a.acknowledgedBy && ` · ${t('automation.alert.ackBy', { name: name(a.acknowledgedBy) })}`}
            </Typography.Text>
          </div>
          <Space wrap>
            {!hideRecordLink && a.record && <Link to={`/forms/${a.form}/data?record=${encodeURIComponent(a.record)}`} data-testid="alert-record"><LinkOutlined /> {t('automation.alert.openRecord')}</Link>}
            {a.state === 'open' && <Button size="small" icon={<EyeOutlined />} onClick={() => void act(a, 'ack')} data-testid="alert-ack">{t('automation.alert.acknowledge')}</Button>}
            {a.state !== 'resolved' && <Button size="small" icon={<CheckOutlined />} onClick={() => void act(a, 'resolve')} data-testid="alert-resolve">{t('automation.alert.resolve')}</Button>}
          </Space>
        </li>
      ))}
    </ul>
  );
}
