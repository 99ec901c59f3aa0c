import { useState } from 'react';
import { Alert, Button, DatePicker, Modal, Progress, Space, Statistic, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { automationApi, type Automation, type ReplayResult } from '../../api/automation';
import { errorText } from '../../util/errors';
import { RunList } from './RunView';

function Counts({ r }: { r: ReplayResult }) {
  const { t } = useTranslation();
  return (
    <Space wrap size={24} data-testid={r.dryRun ? 'replay-preview-counts' : 'replay-counts'}>
      <Statistic title={t('automation.replay.events')} value={r.events} />
      <Statistic title={t('automation.replay.matched')} value={r.matched} />
      {!r.dryRun && <Statistic title={t('automation.replay.succeeded')} value={r.ran - r.failed} />}
      {!r.dryRun && <Statistic title={t('automation.replay.failed')} value={r.failed} valueStyle={r.failed ? { color: '#cf1322' } : undefined} />}
      {r.alreadyRun > 0 && <Statistic title={t('automation.replay.skipped')} value={r.alreadyRun} />}
    </Space>
  );
}

/**
 * ReplayDialog re-runs the published automation over the past events of a
 * time range: a dry-run preview first, then, confirmed, the real run.
 * Events already run by this version are skipped (idempotent by version
 * and event).
 */
export default function ReplayDialog({ open, onClose, automation, kindLabel }: {
  open: boolean; onClose: () => void; automation: Automation; kindLabel: (k: string) => string;
}) {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(1, 'day').startOf('hour'), dayjs()]);
  const [preview, setPreview] = useState<ReplayResult | null>(null);
  const [done, setDone] = useState<ReplayResult | null>(null);
  const [busy, setBusy] = useState<'' | 'preview' | 'run'>('');
  const [error, setError] = useState<string | null>(null);
  const go = async (dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'run'); setError(null);
    try {
      const r = await automationApi.replay(automation.id, { from: range[0].toISOString(), to: range[1].toISOString(), dryRun });
      if (dryRun) { setPreview(r); setDone(null); } else setDone(r);
    } catch (e) { setError(errorText(e)); } finally { setBusy(''); }
  };
  return (
    <Modal open={open} onCancel={onClose} title={t('automation.replay.title')} width={720} destroyOnHidden data-testid="replay" footer={
      <Space wrap>
        <Button onClick={onClose}>{done ? t('automation.close') : t('common.cancel')}</Button>
        <Button loading={busy === 'preview'} onClick={() => void go(true)} data-testid="replay-preview">{t('automation.replay.preview')}</Button>
        <Button type="primary" danger disabled={!preview || !!done || preview.matched === 0} loading={busy === 'run'} onClick={() => void go(false)} data-testid="replay-confirm">
          {t('automation.replay.confirm', { count: preview?.matched ?? 0 })}</Button>
      </Space>}>
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('automation.replay.intro', { n: automation.published })}</Typography.Paragraph>
        <DatePicker.RangePicker showTime style={{ width: '100%' }} value={range} data-testid="replay-range"
          onChange={(v) => { if (v?.[0] && v[1]) { setRange([v[0], v[1]]); setPreview(null); setDone(null); } }} />
        {error && <Alert type="error" showIcon title={error} />}
        {busy === 'run' && <Progress percent={100} status="active" showInfo={false} />}
        {preview && !done && (<>
          <Alert type="info" showIcon title={t('automation.replay.previewNote')} />
          <Counts r={preview} />
          {preview.runs && preview.runs.length > 0 && <RunList runs={preview.runs} kindLabel={kindLabel} />}
          {preview.truncated && <Typography.Text type="secondary">{t('automation.replay.truncated')}</Typography.Text>}
        </>)}
        {done && (<>
          <Alert type={done.failed ? 'warning' : 'success'} showIcon title={t('automation.replay.done')} />
          <Counts r={done} />
        </>)}
      </Space>
    </Modal>
  );
}
