import { Empty, Image, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/flows';
import { fileURL } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useDirectory } from '../../fields/directory';
import { tone } from '../flows/ApprovalTimeline';
import type { TimelineItem } from './model';
import { formatInZone } from './model';

/** duration says how long a stage lasted, in the largest unit that fits. */
function duration(t: (k: string, o?: Record<string, unknown>) => string, ms: number): string {
  const m = Math.round(ms / 60000);
  if (m < 60) return t('stages.dur.m', { n: m });
  const h = Math.round(m / 60);
  if (h < 48) return t('stages.dur.h', { n: h });
  return t('stages.dur.d', { n: Math.round(h / 24) });
}

/**
 * StageTimeline tells the record's story newest first: each stage change
 * (from, to, who, when, how long the record stayed in the previous stage)
 * and its approvals' steps (starts, decisions with comments and
 * signatures, returns, the ends), with times in the workspace's time zone.
 */
export function StageTimeline({ items, label }: { items: TimelineItem[]; label: (v: string) => string }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const dir = useDirectory();
  const zone = me?.workspace?.timeZone;
  const when = (at: string) => formatInZone(at, zone);
  const name = (id?: string) => (id ? dir.users.find((u) => u.id === id)?.name ?? id : '');
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('stages.noTimeline')} />;
  return (
    <Timeline data-testid="stage-timeline" items={items.map((x, i) => {
      if (x.kind === 'stage') {
        const tr = x.t;
        const color = tr.toFlag === 'won' ? 'green' : tr.toFlag === 'lost' ? 'red' : 'blue';
        return {
          key: `s${i}`, color,
          content: (
            <div data-testid="timeline-stage" data-to={tr.to}>
              <Typography.Text strong>{tr.from ? t('stages.changed', { from: label(tr.from), to: label(tr.to) }) : t('stages.entered', { to: label(tr.to) })}</Typography.Text>
              {tr.toFlag === 'won' && <Tag color="green" style={{ marginLeft: 6 }}>{t('stages.won')}</Tag>}
              {tr.toFlag === 'lost' && <Tag color="red" style={{ marginLeft: 6 }}>{t('stages.lost')}</Tag>}
              <div><Typography.Text type="secondary">
                {[tr.byName || name(tr.by), when(tr.at), tr.source ? t('stages.via', { source: t(`source.${tr.source}`, { defaultValue: tr.source }) }) : '']
                  .filter(Boolean).join(' · ')}
              </Typography.Text></div>
              {tr.from && tr.durationMs != null && <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('stages.after', { d: duration(t, tr.durationMs), from: label(tr.from) })}</Typography.Text>}
            </div>
          ),
        };
      }
      const e = x.e;
      return {
        key: `a${i}`, color: tone(e),
        content: (
          <div data-testid="timeline-approval" data-kind={e.kind}>
            <Space size={4} wrap>
              <Tag>{x.flow || t('stages.approval')}</Tag>
              <Typography.Text strong>{t(`approvals.entry.${e.kind}`, {
                defaultValue: e.kind, node: e.nodeName ?? e.node ?? '', to: (e.to ?? []).map(name).join('、'), target: e.target ?? '',
                action: e.action ? t(`approvals.action.${e.action}`, { defaultValue: e.action }) : '',
              })}</Typography.Text>
              {e.nodeName && <Tag>{e.nodeName}</Tag>}
              {e.kind === 'decided' && e.action && <Tag color={tone(e)}>{t(`approvals.action.${e.action}`, { defaultValue: e.action })}</Tag>}
            </Space>
            <div><Typography.Text type="secondary">{[name(e.user), when(e.at)].filter(Boolean).join(' · ')}</Typography.Text></div>
            {e.comment && <Typography.Paragraph style={{ margin: '4px 0 0' }}>“{e.comment}”</Typography.Paragraph>}
            {e.signature?.id && <div><Tag color="geekblue">{t('approvals.signed')}</Tag>
              <Image src={fileURL(e.signature.id)} alt={t('approvals.signature')} height={40} /></div>}
          </div>
        ),
      };
    })} />
  );
}
