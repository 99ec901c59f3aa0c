import { Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Outcome, RunSummary } from '../../api/automation';
import '../../i18n/automation.screens';

/** RunSummaryCell shows an automation's runs of the last 24 hours by outcome; the tooltip adds the last 7 days and the last error. */
export function RunSummaryCell({ summary }: { summary?: RunSummary | null }) {
  const { t, i18n } = useTranslation();
  if (!summary) return <Typography.Text type="secondary">—</Typography.Text>;
  const line = (o: Outcome) =>
    `${t('automation.runSummary.matched')} ${o.matched} · ${t('automation.runSummary.notMatched')} ${o.notMatched} · ${t('automation.runSummary.failed')} ${o.failed + o.stopped} · ${t('automation.runSummary.skipped')} ${o.skipped}`;
  const err = summary.lastError;
  const tip = (
    <div data-testid="run-summary-tip">
      <div>{t('automation.runSummary.day')}: {line(summary.last24h)}</div>
      <div>{t('automation.runSummary.week')}: {line(summary.last7d)}</div>
      {err && <div>{t('automation.runSummary.lastError')} ({dayjs(err.at).format('MM-DD HH:mm')}): {err.message[i18n.language] ?? err.message.en ?? err.code}</div>}
    </div>
  );
  const d = summary.last24h;
  return (
    <Tooltip title={tip}>
      <Space size={2} data-testid="run-summary" onClick={(e) => e.stopPropagation()}>
        <Tag color="green" title={t('automation.runSummary.matched')}>{d.matched}</Tag>
        <Tag title={t('automation.runSummary.notMatched')}>{d.notMatched}</Tag>
        <Tag color={d.failed + d.stopped ? 'red' : undefined} title={t('automation.runSummary.failed')}>{d.failed + d.stopped}</Tag>
        {d.skipped > 0 && <Tag title={t('automation.runSummary.skipped')}>{d.skipped}</Tag>}
        {err && <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="run-summary-error">!</Typography.Text>}
      </Space>
    </Tooltip>
  );
}
