import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Empty, Input, Modal, Select, Space, Spin, Tag, Typography } from 'antd';
import { PlayCircleOutlined, RollbackOutlined, StopOutlined, RedoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { flows, INBOX_CHANGED, type Flow, type FlowNode, type Instance } from '../../api/flows';
import { useDirectory } from '../../fields/directory';
import { isAdmin, useAuth } from '../../auth/auth';
import { errorText } from '../../util/errors';
import { ApprovalTimeline, CurrentStep, STATUS_COLOR } from './ApprovalTimeline';
import './flows.css';
// The flow strings load with the flow screens.
import '../../i18n/flows';

/**
 * ApprovalSection is the record's approval part: its instances (newest
 * first) with their status and timeline, starting a flow by hand, the
 * initiator's withdraw and an admin's end or reactivate. The server decides
 * each action; a refused one says why.
 */
export default function ApprovalSection({ formId, recordId, onChanged }: { formId: string; recordId: string; onChanged?: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { me } = useAuth();
  const dir = useDirectory();
  const [list, setList] = useState<Instance[] | null>(null);
  const [startable, setStartable] = useState<Flow[]>([]);
  const [starting, setStarting] = useState<{ flow?: string; nodes: FlowNode[]; choices: Record<string, string[]> } | null>(null);
  const [acting, setActing] = useState<{ id: string; kind: 'withdraw' | 'end' | 'reactivate' } | null>(null);
  const [comment, setComment] = useState('');
  const load = useCallback(async () => {
    try {
      const [is, fs] = await Promise.all([flows.instances(formId, recordId), flows.list(formId).catch(() => [] as Flow[])]);
      // The list comes without timelines: read the newest few in full.
      const sorted = [...is].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      setList(await Promise.all(sorted.map((i, n) => (n < 5 ? flows.instance(i.id).catch(() => i) : Promise.resolve(i)))));
      setStartable(fs.filter((f) => f.enabled && f.published > 0));
    } catch (e) { setList([]); if (!(e instanceof ApiError && e.status === 404)) message.error(errorText(e)); }
  }, [formId, recordId, message]);
  useEffect(() => { void load(); }, [load]);

  /** pick reads the published design of a flow, for the nodes whose people the initiator chooses. */
  const pick = async (id?: string) => {
    const f = startable.find((x) => x.id === id);
    let nodes: FlowNode[] = [];
    if (f) {
      try {
        const v = await flows.version(f.id, f.published);
        nodes = (v.design?.nodes ?? []).filter((n) => n.assignees?.some((a) => a.kind === 'initiator_choice'));
      } catch { nodes = []; }
    }
    setStarting({ flow: id, nodes, choices: {} });
  };
  const start = async () => {
    if (!starting?.flow) return;
    try {
      await flows.start(starting.flow, recordId, Object.keys(starting.choices).length ? starting.choices : undefined);
      message.success(t('approvals.started')); setStarting(null);
      window.dispatchEvent(new Event(INBOX_CHANGED));
      await load(); onChanged?.();
    } catch (e) { message.error(errorText(e)); }
  };
  const act = async () => {
    if (!acting) return;
    try {
      await flows[acting.kind](acting.id, comment.trim() || undefined);
      message.success(t(`approvals.done.${acting.kind}`));
      setActing(null); setComment('');
      await load(); onChanged?.();
    } catch (e) { message.error(errorText(e)); }
  };

  if (list === null) return <Spin />;
  const running = list.some((i) => i.status === 'running');
  const admin = isAdmin(me);
  return (
    <div data-testid="approval-section">
      {!running && startable.length > 0 && <Space style={{ marginBottom: 12 }}>
        <Button icon={<PlayCircleOutlined />} data-testid="approval-start" onClick={() => void pick(startable[0].id)}>{t('approvals.start')}</Button>
      </Space>}
      {list.length === 0 ? <Empty description={startable.length ? t('approvals.none') : t('approvals.noFlow')} data-testid="approval-none" /> : list.map((inst) => (
        <div key={inst.id} data-testid="approval-instance" style={{ marginBottom: 16 }}>
          <Space wrap style={{ marginBottom: 8 }}>
            <Tag color={STATUS_COLOR[inst.status]} data-testid="approval-status">{t(`approvals.status.${inst.status}`, { defaultValue: inst.status })}</Tag>
            <Typography.Text type="secondary">{t('approvals.flowVersion', { n: inst.flowVersion })}</Typography.Text>
            {inst.status === 'running' && inst.initiator === me?.user.id && <Button size="small" icon={<RollbackOutlined />} data-testid="approval-withdraw"
              onClick={() => setActing({ id: inst.id, kind: 'withdraw' })}>{t('approvals.withdraw')}</Button>}
            {inst.status === 'running' && admin && <Button size="small" danger icon={<StopOutlined />} data-testid="approval-end"
              onClick={() => setActing({ id: inst.id, kind: 'end' })}>{t('approvals.end')}</Button>}
            {inst.status !== 'running' && inst.status !== 'approved' && admin && <Button size="small" icon={<RedoOutlined />} data-testid="approval-reactivate"
              onClick={() => setActing({ id: inst.id, kind: 'reactivate' })}>{t('approvals.reactivate')}</Button>}
          </Space>
          <CurrentStep instance={inst} />
          <ApprovalTimeline instance={inst} />
        </div>
      ))}
      <Modal open={!!starting} title={t('approvals.start')} onCancel={() => setStarting(null)} onOk={() => void start()} destroyOnHidden
        okText={t('approvals.start')} cancelText={t('common.cancel')}
        okButtonProps={{ disabled: !starting?.flow || starting.nodes.some((n) => !starting.choices[n.id]?.length), 'data-testid': 'approval-start-ok' }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('approvals.startConfirm')}</Typography.Text>
          {startable.length > 1 && <Select style={{ width: '100%' }} value={starting?.flow} onChange={(id: string) => void pick(id)} data-testid="approval-start-flow"
            options={startable.map((f) => ({ value: f.id, label: f.name }))} />}
          {starting?.nodes.map((n) => (
            <div key={n.id}>
              <Typography.Text>{t('approvals.choose', { node: n.name })}</Typography.Text>
              <Select mode="multiple" style={{ width: '100%' }} optionFilterProp="label" value={starting.choices[n.id] ?? []} data-testid={`approval-choose-${n.id}`}
                onChange={(v: string[]) => setStarting({ ...starting, choices: { ...starting.choices, [n.id]: v } })}
                options={dir.users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} />
            </div>
          ))}
        </Space>
      </Modal>
      <Modal open={!!acting} title={acting ? t(`approvals.${acting.kind}`) : ''} onCancel={() => setActing(null)} onOk={() => void act()}
        okText={acting ? t(`approvals.${acting.kind}`) : ''} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'approval-act-ok', danger: acting?.kind === 'end' }} destroyOnHidden>
        <Input.TextArea rows={3} value={comment} maxLength={2000} placeholder={t('approvals.commentOptional')} onChange={(e) => setComment(e.target.value)} data-testid="approval-act-comment" />
      </Modal>
    </div>
  );
}
