import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Descriptions, Drawer, Empty, Segmented, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import '../../i18n/webhook';
import { webhookApi } from '../../api/webhook';
import type { WebhookDelivery, WebhookEndpoint } from '../../api/webhook';
import { errorText } from '../../util/errors';

const color = { pending: 'orange', succeeded: 'green', failed: 'red' } as const;
const fmt = (s?: string) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm:ss') : '');

/** DeliveryLog is an endpoint's delivery log: every delivery with its attempts, and redelivery. */
export default function DeliveryLog({ endpoint, onClose }: { endpoint: WebhookEndpoint | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [detail, setDetail] = useState<WebhookDelivery | null>(null);

  const load = useCallback(async () => {
    if (!endpoint) return;
    try { setItems((await webhookApi.deliveries(endpoint.id, status)).deliveries); } catch (e) { message.error(errorText(e)); setItems([]); }
  }, [endpoint, status, message]);
  useEffect(() => { setItems(null); void load(); }, [load]);

  const redeliver = async (d: WebhookDelivery) => {
    try { await webhookApi.redeliver(d.id); message.success(t('webhook.redelivered')); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const redeliverFailed = async () => {
    if (!endpoint) return;
    try { const r = await webhookApi.redeliverFailed(endpoint.id); message.success(t('webhook.redeliveredN', { count: r.queued })); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const show = async (d: WebhookDelivery) => {
    try { setDetail(await webhookApi.delivery(d.id)); } catch (e) { message.error(errorText(e)); }
  };

  return (
    <Drawer open={endpoint !== null} onClose={onClose} title={t('webhook.log')} size="large" styles={{ wrapper: { maxWidth: '100vw' } }}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text code ellipsis>{endpoint?.url}</Typography.Text>
        <Space wrap>
          <Segmented value={status} onChange={(v) => setStatus(String(v))} options={[
            { value: '', label: t('webhook.all') }, { value: 'pending', label: t('webhook.st_pending') },
            { value: 'succeeded', label: t('webhook.st_succeeded') }, { value: 'failed', label: t('webhook.st_failed') }]} />
          <Button onClick={() => void load()} data-testid="log-refresh">{t('webhook.refresh')}</Button>
          <Button onClick={() => void redeliverFailed()}>{t('webhook.redeliverFailed')}</Button>
        </Space>
        {items !== null && items.length === 0 && <Empty description={t('webhook.noDeliveries')} />}
        {(items ?? []).map((d) => (
          <Card key={d.id} size="small" data-testid="delivery-row">
            <Space orientation="vertical" size={2} style={{ width: '100%' }}>
              <Space wrap><Tag color={color[d.status]} data-testid="delivery-status">{t(`webhook.st_${d.status}`)}</Tag><Typography.Text strong>{d.type}</Typography.Text></Space>
              <Typography.Text type="secondary">{fmt(d.createdAt)} · {t('webhook.attempts')} {d.attempts}{d.lastStatus ? ` · ${t('webhook.code')} ${d.lastStatus}` : ''}</Typography.Text>
              {d.lastError && <Typography.Text type="danger">{d.lastError}</Typography.Text>}
              {d.nextAt && <Typography.Text type="secondary">{t('webhook.next', { time: fmt(d.nextAt) })}</Typography.Text>}
              <Space wrap>
                <Button size="small" onClick={() => void show(d)} data-testid="delivery-detail">{t('webhook.detail')}</Button>
                <Button size="small" onClick={() => void redeliver(d)} data-testid="delivery-redeliver">{t('webhook.redeliver')}</Button>
              </Space>
            </Space>
          </Card>
        ))}
      </Space>
      <Drawer open={detail !== null} onClose={() => setDetail(null)} title={t('webhook.detail')} size="large" styles={{ wrapper: { maxWidth: '100vw' } }}>
        {detail && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Descriptions size="small" column={1} items={[
              { key: 'id', label: 'webhook-id', children: <Typography.Text copyable>{detail.messageId}</Typography.Text> },
              { key: 'type', label: t('webhook.type'), children: detail.type },
              { key: 'status', label: t('webhook.status'), children: <Tag color={color[detail.status]}>{t(`webhook.st_${detail.status}`)}</Tag> },
            ]} />
            <Typography.Text strong>{t('webhook.body')}</Typography.Text>
            <pre className="fl-pre" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{JSON.stringify(detail.body, null, 2)}</pre>
            {(detail.attemptLog ?? []).map((a) => (
              <Card key={a.n} size="small" title={t('webhook.attempt', { n: a.n })} data-testid="attempt">
                <Typography.Paragraph>{fmt(a.at)} · {a.status || '—'} · {t('webhook.duration', { ms: a.durationMs })}</Typography.Paragraph>
                {a.error && <Typography.Paragraph type="danger">{a.error}</Typography.Paragraph>}
                <Typography.Text strong>{t('webhook.requestHeaders')}</Typography.Text>
                <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{Object.entries(a.requestHeaders).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
                <Typography.Text strong>{t('webhook.responseBody')}</Typography.Text>
                <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>{a.responseBody}</pre>
              </Card>
            ))}
          </Space>
        )}
      </Drawer>
    </Drawer>
  );
}
