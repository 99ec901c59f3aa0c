import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Badge, Button, Card, Checkbox, Drawer, Empty, Input, Modal, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { flows, INBOX_CHANGED, type InboxBox, type InboxCounts, type Instance, type Task } from '../../api/flows';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { ApprovalTimeline, CurrentStep, STATUS_COLOR } from './ApprovalTimeline';
import { TaskDrawer } from './TaskDrawer';
import './flows.css';
// The flow strings load with the flow screens.
import '../../i18n/flows';

const BOXES: InboxBox[] = ['todo', 'done', 'cc', 'started'];

export default function InboxPage() {
  return <DirectoryProvider><Inbox /></DirectoryProvider>;
}

/** Inbox is the signed-in user's task inbox: to do, done, CC to me, started by me; batch approve in to do. */
export function Inbox() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const phone = usePhone();
  const [params, setParams] = useSearchParams();
  const box = (BOXES.includes(params.get('box') as InboxBox) ? params.get('box') : 'todo') as InboxBox;
  const taskId = params.get('task');
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [list, setList] = useState<(Task | Instance)[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [batchOpen, setBatchOpen] = useState(false);
  const [batchComment, setBatchComment] = useState('');
  const [batchBusy, setBatchBusy] = useState(false);
  const [instance, setInstance] = useState<Instance | null>(null);

  const load = useCallback(async (more?: string) => {
    try {
      const [p, c] = await Promise.all([flows.inbox<Task | Instance>(box, more), flows.counts().catch(() => null)]);
      setList((l) => (more && l ? [...l, ...p.items] : p.items)); setNext(p.nextCursor); if (c) setCounts(c); setError(null);
      if (!more) setPicked([]);
    } catch (e) { setError(errorText(e)); setList([]); }
  }, [box]);
  useEffect(() => { setList(null); void load(); }, [load]);

  const setBox = (b: string) => setParams(b === 'todo' ? {} : { box: b });
  const openTask = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('task', id); else p.delete('task');
    setParams(p);
  };
  const openInstance = async (id: string) => {
    try { setInstance(await flows.instance(id)); } catch (e) { message.error(errorText(e)); }
  };

  const batch = async () => {
    setBatchBusy(true);
    try {
      const rs = await flows.batchApprove(picked, batchComment.trim() || undefined);
      const bad = rs.filter((r) => !r.ok);
      if (bad.length) message.warning(t('approvals.batchPartly', { ok: rs.length - bad.length, failed: bad.length, reason: bad[0].error?.message ?? '' }));
      else message.success(t('approvals.batchDone', { count: rs.length }));
      setBatchOpen(false); setBatchComment('');
      window.dispatchEvent(new Event(INBOX_CHANGED));
      await load();
    } catch (e) { message.error(errorText(e)); } finally { setBatchBusy(false); }
  };

  const approvable = (list ?? []).filter((x): x is Task => 'kind' in x && x.kind === 'approve' && x.status === 'pending');
  const label = (b: InboxBox) => {
    const n = b === 'cc' ? counts?.ccUnread ?? 0 : b === 'todo' ? counts?.todo ?? 0 : 0;
    return <span data-testid={`box-${b}`}>{t(`approvals.box.${b}`)}{n > 0 && <Badge count={n} size="small" style={{ marginInlineStart: 6 }} />}</span>;
  };
  return (
    <Card title={t('approvals.inbox')} data-testid="inbox" styles={{ body: { padding: phone ? 12 : 16 } }}
      extra={<Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('data.reload')} data-testid="inbox-reload" />}>
      <Tabs activeKey={box} onChange={setBox} items={BOXES.map((b) => ({ key: b, label: label(b) }))} />
      {box === 'todo' && approvable.length > 0 && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Checkbox checked={picked.length === approvable.length} indeterminate={picked.length > 0 && picked.length < approvable.length} data-testid="pick-all"
            onChange={(e) => setPicked(e.target.checked ? approvable.map((x) => x.id) : [])}>{t('approvals.pickAll')}</Checkbox>
          <Button type="primary" icon={<CheckOutlined />} disabled={picked.length === 0} onClick={() => setBatchOpen(true)} data-testid="batch-approve">
            {t('approvals.batchApprove', { count: picked.length })}</Button>
        </Space>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {list === null ? <Spin /> : list.length === 0 ? <Empty description={t(`approvals.empty.${box}`)} data-testid="inbox-empty" /> : (
        <ul className="fl-list" data-testid="inbox-list">
          {list.map((x) => 'kind' in x
            ? <TaskRow key={x.id} task={x} box={box} picked={picked.includes(x.id)} pickable={box === 'todo' && approvable.includes(x)}
              onPick={(v) => setPicked((p) => (v ? [...p, x.id] : p.filter((id) => id !== x.id)))} onOpen={() => openTask(x.id)} />
            : <InstanceRow key={x.id} inst={x} onOpen={() => void openInstance(x.id)} />)}
        </ul>
      )}
      {next && <Button style={{ marginTop: 12 }} onClick={() => void load(next)} data-testid="inbox-more">{t('approvals.more')}</Button>}
      <TaskDrawer taskId={taskId} onClose={() => openTask(null)} onDone={() => { openTask(null); void load(); }} />
      <Drawer open={!!instance} onClose={() => setInstance(null)} size={phone ? '100%' : 560} title={instance?.flowName} destroyOnHidden>
        {instance && <><CurrentStep instance={instance} /><ApprovalTimeline instance={instance} /></>}
      </Drawer>
      <Modal open={batchOpen} title={t('approvals.batchApprove', { count: picked.length })} onCancel={() => setBatchOpen(false)} onOk={() => void batch()}
        okText={t('approvals.act.approve')} cancelText={t('common.cancel')} okButtonProps={{ loading: batchBusy, 'data-testid': 'batch-ok' }} destroyOnHidden>
        <Input.TextArea rows={3} maxLength={2000} value={batchComment} onChange={(e) => setBatchComment(e.target.value)} placeholder={t('approvals.commentOptional')} data-testid="batch-comment" />
      </Modal>
    </Card>
  );
}

/** TaskRow is one task of the inbox. */
function TaskRow({ task, box, picked, pickable, onPick, onOpen }: {
  task: Task; box: InboxBox; picked: boolean; pickable: boolean; onPick: (v: boolean) => void; onOpen: () => void;
}) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const initiator = dir.users.find((u) => u.id === task.initiator)?.name ?? task.initiator;
  const overdue = !!task.dueAt && task.status === 'pending' && dayjs(task.dueAt).isBefore(dayjs());
  return (
    <li data-testid="task-row" className="fl-inbox-item">
      {box === 'todo' && <Checkbox checked={picked} disabled={!pickable} onChange={(e) => onPick(e.target.checked)} aria-label={t('approvals.pick')} data-testid="task-pick" />}
      <div className="fl-inbox-main">
        <Space size={4} wrap>
          <Typography.Link strong onClick={onOpen} data-testid="task-open">{task.flowName || t('approvals.task')} · {task.nodeName}</Typography.Link>
          {task.kind === 'cc' && !task.read && <Tag color="blue">{t('approvals.unread')}</Tag>}
          {task.status === 'waiting' && <Tag>{t('approvals.taskStatus.waiting')}</Tag>}
          {box !== 'todo' && task.kind !== 'cc' && <Tag color={task.status === 'approved' ? 'green' : task.status === 'rejected' ? 'red' : 'default'}>
            {t(`approvals.taskStatus.${task.status}`, { defaultValue: task.status })}</Tag>}
          {overdue && <Tag color="red">{t('approvals.overdue')}</Tag>}
        </Space>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('approvals.initiatedBy', { name: initiator, at: dayjs(task.createdAt).format('YYYY-MM-DD HH:mm') })}
          {task.dueAt && ` · ${t('approvals.dueAt', { at: dayjs(task.dueAt).format('MM-DD HH:mm') })}`}
        </Typography.Text>
      </div>
      <Button size="small" onClick={onOpen}>{box === 'todo' ? t('approvals.handle') : t('approvals.view')}</Button>
    </li>
  );
}

/** InstanceRow is one flow the user started. */
function InstanceRow({ inst, onOpen }: { inst: Instance; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <li data-testid="instance-row" className="fl-inbox-item">
      <div className="fl-inbox-main">
        <Space size={4} wrap>
          <Typography.Link strong onClick={onOpen}>{inst.flowName ?? t('approvals.task')}</Typography.Link>
          <Tag color={STATUS_COLOR[inst.status]}>{t(`approvals.status.${inst.status}`, { defaultValue: inst.status })}</Tag>
        </Space>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('approvals.startedAt', { at: dayjs(inst.startedAt).format('YYYY-MM-DD HH:mm') })}</Typography.Text>
      </div>
      <Button size="small" onClick={onOpen}>{t('approvals.view')}</Button>
    </li>
  );
}
