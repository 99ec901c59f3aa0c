import { useState } from 'react';
import { Image, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { fileURL } from '../../api/client';
import type { Instance, InstanceStatus, TimelineEntry } from '../../api/flows';
import { useDirectory } from '../../fields/directory';

export const STATUS_COLOR: Record<InstanceStatus | string, string> = {
  running: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default', ended: 'warning',
};

/** SignatureImage shows a decision's signature, or nothing when the viewer may not read its file. */
function SignatureImage({ id, alt }: { id: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return <Image src={fileURL(id)} alt={alt} height={48} onError={() => setFailed(true)} />;
}

/**
 * storyOf drops the entries of nodes the instance only passed through (a
 * start, a condition, a split, the end: entered and left at once), so the
 * timeline reads as decisions and waits.
 */
export function storyOf(list: TimelineEntry[]): TimelineEntry[] {
  return list.filter((e, i) => e.kind !== 'node_entered' || !(list[i + 1]?.kind === 'node_entered' || list[i + 1]?.kind === 'completed'));
}

/** tone colours what a timeline entry or decision says: green passes, red refuses, orange goes back. */
export function tone(e: { kind: string; action?: string }): 'green' | 'red' | 'orange' | 'blue' | 'gray' {
  const a = e.action ?? '';
  if (e.kind === 'decided') return a === 'reject' ? 'red' : 'green';
  if (e.kind === 'completed') return a === 'approved' ? 'green' : a === 'rejected' ? 'red' : 'gray';
  if (e.kind === 'returned' || e.kind === 'auto' && a === 'auto_return' || e.kind === 'escalated' || e.kind === 'reminded') return 'orange';
  if (e.kind === 'started') return 'green';
  if (e.kind === 'withdrawn' || e.kind === 'ended') return 'gray';
  return 'blue';
}

/**
 * ApprovalTimeline tells an instance's story: started, each node entered,
 * each decision with its comment and signature, returns, transfers, added
 * approvers, CCs, the end. (The record's stage history is its own section;
 * this one is the approval's.)
 */
export function ApprovalTimeline({ instance }: { instance: Instance }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const name = (id?: string) => (id ? dir.users.find((u) => u.id === id)?.name ?? id : '');
  const nodeName = (id?: string) => instance.timeline?.find((e) => e.node === id && e.nodeName)?.nodeName ?? id ?? '';
  const entries = storyOf(instance.timeline ?? []);
  return (
    <Timeline data-testid="approval-timeline" items={entries.map((e, i) => ({
      key: i,
      color: tone(e),
      content: (
        <div data-testid="approval-entry" data-kind={e.kind}>
          <Space size={4} wrap>
            <Typography.Text strong>{t(`approvals.entry.${e.kind}`, {
              defaultValue: e.kind, node: e.nodeName ?? e.node ?? '', to: (e.to ?? []).map(name).join('、'), target: nodeName(e.target),
              action: e.action ? t(`approvals.action.${e.action}`, { defaultValue: e.action }) : '',
            })}</Typography.Text>
            {e.nodeName && e.kind !== 'node_entered' && <Tag>{e.nodeName}</Tag>}
            {e.kind === 'decided' && e.action && <Tag color={tone(e)} data-testid="approval-decision">{t(`approvals.action.${e.action}`, { defaultValue: e.action })}</Tag>}
          </Space>
          <div><Typography.Text type="secondary">{[name(e.user), dayjs(e.at).format('YYYY-MM-DD HH:mm')].filter(Boolean).join(' · ')}</Typography.Text></div>
          {e.comment && <Typography.Paragraph style={{ margin: '4px 0 0' }} data-testid="approval-comment">“{e.comment}”</Typography.Paragraph>}
          {/* The image loads for whoever may read the file; the mark says it was signed either way. */}
          {e.signature?.id && <div data-testid="approval-signature"><Tag color="geekblue">{t('approvals.signed')}</Tag>
            <SignatureImage id={e.signature.id} alt={t('approvals.signature')} /></div>}
        </div>
      ),
    }))} />
  );
}

/** CurrentStep shows where a running instance waits, and on whom (from its open tasks, else its active nodes). */
export function CurrentStep({ instance }: { instance: Instance }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  if (instance.status !== 'running') return null;
  const open = (instance.tasks ?? []).filter((x) => x.status === 'pending' || x.status === 'waiting');
  const nodes = [...new Set([...open.map((x) => x.node), ...(instance.active ?? [])])];
  if (nodes.length === 0) return null;
  const nodeName = (id: string) => open.find((x) => x.node === id)?.nodeName ?? instance.timeline?.find((e) => e.node === id && e.nodeName)?.nodeName ?? id;
  return (
    <div className="fl-approval-current" data-testid="approval-current">
      {nodes.map((id) => (
        <div key={id}>
          <Typography.Text strong>{t('approvals.waitingAt', { node: nodeName(id) })}</Typography.Text>{' '}
          {open.filter((x) => x.node === id).map((x) => <Tag key={x.id} color={x.status === 'pending' ? 'processing' : 'default'}>
            {dir.users.find((u) => u.id === x.assignee)?.name ?? x.assignee}</Tag>)}
        </div>
      ))}
    </div>
  );
}
