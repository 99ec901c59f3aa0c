import { useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Checkbox, Descriptions, Divider, Drawer, Form, Image, Input, Modal, Result, Segmented, Select, Space, Spin, Tag, Typography } from 'antd';
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { flows, INBOX_CHANGED, uploadSignature, type Decision, type TaskActionName, type TaskDetail } from '../../api/flows';
import type { Definition, FieldDef, StoredFile } from '../../api/types';
import { useDirectory } from '../../fields/directory';
import { FormRenderer, inputData } from '../../fields/FormRenderer';
import { FileRefContext } from '../../fields/fileRef';
import { SignaturePad } from '../../fields/controls/SignaturePad';
import { applyFieldErrors, errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { ValueView } from '../data/RecordDrawer';
import { ApprovalTimeline, CurrentStep } from './ApprovalTimeline';
// The flow strings load with the flow screens.
import '../../i18n/flows';

/** useDefinition loads the form version a record was written with (else the newest). */
function useDefinition(formId: string | undefined, formVersion: number | undefined): { def: Definition | null; formName: string } {
  const [state, setState] = useState<{ def: Definition | null; formName: string }>({ def: null, formName: '' });
  useEffect(() => {
    if (!formId) return;
    let live = true;
    void (async () => {
      try {
        const [f, vs] = await Promise.all([api.form(formId), api.versions(formId)]);
        const v = vs.find((x) => x.number === formVersion) ?? vs.reduce<(typeof vs)[number] | null>((a, x) => (!a || x.number > a.number ? x : a), null);
        if (live) setState({ def: v?.definition ?? f.draft, formName: f.name });
      } catch { if (live) setState({ def: { fields: [] }, formName: '' }); }
    })();
    return () => { live = false; };
  }, [formId, formVersion]);
  return state;
}

/**
 * visibleFor lists a definition's fields the node lets its assignee see, in
 * form order. The server names every field the assignee may see (hidden ones
 * are left out, or "hidden" for an admin looking at someone else's task): a
 * field it does not name is not shown, not even by its label.
 */
export function visibleFor(def: Definition, access: Record<string, string>): FieldDef[] {
  return def.fields.filter((f) => access[f.key] === 'view' || access[f.key] === 'edit');
}

type Pending = 'return' | 'transfer' | 'add' | 'cc' | null;

/**
 * TaskDrawer opens one task: the record as the node shows it (hidden fields
 * absent, edit fields editable), the decision with its comment and an
 * optional hand signature, the other actions the node offers, and the
 * instance's timeline. Only the assignee may act; the server checks.
 */
export function TaskDrawer({ taskId, onClose, onDone }: { taskId: string | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const dir = useDirectory();
  const phone = usePhone();
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [commentError, setCommentError] = useState(false);
  const [signing, setSigning] = useState(false);
  const [signature, setSignature] = useState<{ file: StoredFile; url: string } | null>(null);
  const [busy, setBusy] = useState<TaskActionName | ''>('');
  const [pending, setPending] = useState<Pending>(null);
  const [target, setTarget] = useState<string | undefined>();
  const [users, setUsers] = useState<string[]>([]);
  const [position, setPosition] = useState<'before' | 'after'>('before');
  const [problems, setProblems] = useState<string[]>([]);
  const [form] = Form.useForm();
  const { def, formName } = useDefinition(detail?.task.form, detail?.record.formVersion);

  useEffect(() => {
    setDetail(null); setFailed(null); setComment(''); setCommentError(false); setSigning(false); setSignature(null); setProblems([]);
    if (!taskId) return;
    let live = true;
    flows.task(taskId).then((d) => {
      if (!live) return;
      setDetail(d);
      // Opening a CC task reads it.
      if (d.task.kind === 'cc' && !d.task.read) void flows.act(d.task.id, 'read').then(() => window.dispatchEvent(new Event(INBOX_CHANGED)), () => undefined);
    }, (e) => {
      if (live) setFailed(e instanceof ApiError && (e.status === 403 || e.status === 404) ? t('approvals.taskGone') : errorText(e));
    });
    return () => { live = false; };
  }, [taskId, t]);
  useEffect(() => () => { if (signature) URL.revokeObjectURL(signature.url); }, [signature]);

  const access = detail?.fields ?? {};
  const shown = useMemo(() => (def ? visibleFor(def, access) : []), [def, access]);
  const editable = useMemo(() => shown.filter((f) => access[f.key] === 'edit'), [shown, access]);
  const editDef: Definition = useMemo(() => ({ fields: editable, columns: 1 }), [editable]);
  useEffect(() => { if (detail && editable.length) { form.resetFields(); form.setFieldsValue(detail.record.data); } }, [detail, editable, form]);

  const task = detail?.task;
  const open = task?.status === 'pending';
  const can = (a: TaskActionName) => open && !!detail?.actions.includes(a);
  const handler = task?.kind === 'handle' || task?.kind === 'resubmit';

  const act = async (action: TaskActionName, extra: Decision = {}) => {
    if (!task || !detail) return;
    if (action === 'reject' && !comment.trim()) { setCommentError(true); message.error(t('approvals.commentRequired')); return; }
    const body: Decision = { comment: comment.trim() || undefined, ...extra };
    if ((action === 'approve' || action === 'reject') && signature) body.signature = signature.file;
    if (action === 'approve' && editable.length) {
      try { await form.validateFields(); } catch { return; }
      const changed = inputData(editDef, form.getFieldsValue(true), detail.record.data);
      if (Object.keys(changed).length) body.fields = changed;
    }
    setBusy(action); setProblems([]);
    try {
      await flows.act(task.id, action, body);
      message.success(t(`approvals.done.${action}`));
      window.dispatchEvent(new Event(INBOX_CHANGED));
      setPending(null);
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        // A node's required field comes back as fields.<key>: show it on the field.
        const errs = e.fields.map((f) => ({ ...f, path: f.path.replace(/^fields\./, '') }));
        const left = applyFieldErrors(form, errs, (n) => editable.some((f) => f.key === n[0]));
        setProblems(left.map((x) => x.message));
        if (e.fields.some((f) => f.path === 'comment')) setCommentError(true);
      } else message.error(errorText(e));
    } finally { setBusy(''); }
  };
  const confirm = () => {
    if (pending === 'return') return act('return', { node: target });
    if (pending === 'transfer') return act('transfer', { to: target });
    if (pending === 'add') return act('add', { users, position });
    if (pending === 'cc') return act('cc', { users });
  };
  const startPending = (p: Pending) => { setTarget(undefined); setUsers([]); setPosition('before'); setPending(p); };

  const userOptions = dir.users.filter((u) => u.id !== task?.assignee).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));
  const initiator = dir.users.find((u) => u.id === task?.initiator)?.name ?? task?.initiator;
  return (
    <Drawer open={!!taskId} onClose={onClose} size={phone ? '100%' : 720} destroyOnHidden data-testid="task-drawer"
      title={task ? <Space wrap size={4}><span>{task.nodeName}</span><Tag>{task.flowName ?? formName}</Tag></Space> : t('approvals.task')}
      footer={open && detail && <Space wrap>
        {can('approve') && <Button type="primary" icon={<CheckOutlined />} loading={busy === 'approve'} onClick={() => void act('approve')} data-testid="task-approve">
          {handler ? t('approvals.act.submit') : t('approvals.act.approve')}</Button>}
        {can('reject') && <Button danger icon={<CloseOutlined />} loading={busy === 'reject'} onClick={() => void act('reject')} data-testid="task-reject">{t('approvals.act.reject')}</Button>}
        {can('return') && detail.returnTargets.length > 0 && <Button onClick={() => startPending('return')} data-testid="task-return">{t('approvals.act.return')}</Button>}
        {can('transfer') && <Button onClick={() => startPending('transfer')} data-testid="task-transfer">{t('approvals.act.transfer')}</Button>}
        {can('add') && <Button onClick={() => startPending('add')} data-testid="task-add">{t('approvals.act.add')}</Button>}
        {can('cc') && <Button onClick={() => startPending('cc')} data-testid="task-cc">{t('approvals.act.cc')}</Button>}
      </Space>}>
      {failed ? <Result status="404" title={failed} data-testid="task-denied" /> : !detail || !def ? <Spin /> : (
        <>
          <Space wrap style={{ marginBottom: 12 }}>
            <Typography.Text type="secondary">{t('approvals.initiatedBy', { name: initiator, at: dayjs(detail.instance.startedAt).format('YYYY-MM-DD HH:mm') })}</Typography.Text>
            {task?.dueAt && <Tag color={dayjs(task.dueAt).isBefore(dayjs()) ? 'red' : 'default'}>{t('approvals.dueAt', { at: dayjs(task.dueAt).format('YYYY-MM-DD HH:mm') })}</Tag>}
            {task && !open && <Tag data-testid="task-status">{t(`approvals.taskStatus.${task.status}`, { defaultValue: task.status })}</Tag>}
          </Space>
          {task?.status === 'waiting' && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('approvals.waiting')} />}
          {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problems.join('；')} data-testid="task-problems" />}
          <Descriptions column={1} bordered size="small" data-testid="task-record" items={shown.filter((f) => !(open && access[f.key] === 'edit')).map((f) => ({
            key: f.key, label: f.label,
            children: <span data-testid={`task-field-${f.key}`}><ValueView f={f} v={detail.record.data[f.key]} fileRef={{ form: detail.task.form, record: detail.record.id, field: f.key }} /></span>,
          }))} />
          {open && editable.length > 0 && <>
            <Divider titlePlacement="start">{t('approvals.fillIn')}</Divider>
            <FileRefContext.Provider value={{ form: detail.task.form, record: detail.record.id }}>
              <FormRenderer def={editDef} form={form} />
            </FileRefContext.Provider>
          </>}
          {open && <>
            <Divider titlePlacement="start">{t('approvals.comment')}</Divider>
            <Input.TextArea rows={3} maxLength={2000} value={comment} status={commentError ? 'error' : undefined} data-testid="task-comment"
              placeholder={t('approvals.commentHint')} onChange={(e) => { setComment(e.target.value); setCommentError(false); }} />
            {commentError && <Typography.Text type="danger" data-testid="task-comment-error">{t('approvals.commentRequired')}</Typography.Text>}
            <div style={{ marginTop: 8 }}>
              <Checkbox checked={signing || !!signature} onChange={(e) => { setSigning(e.target.checked); if (!e.target.checked) setSignature(null); }} data-testid="task-sign">
                {t('approvals.sign')}</Checkbox>
              {signature ? <Space style={{ marginTop: 8 }}><Image src={signature.url} height={56} alt={t('approvals.signature')} preview={false} data-testid="task-signature" />
                <Button size="small" onClick={() => { setSignature(null); setSigning(true); }}>{t('approvals.signAgain')}</Button></Space>
                : signing && <div style={{ marginTop: 8 }}><SignaturePad width={phone ? 320 : 420} onDone={(png) => {
                  void uploadSignature(png).then((file) => { setSignature({ file, url: URL.createObjectURL(png) }); setSigning(false); }, (e) => message.error(errorText(e)));
                }} /></div>}
            </div>
          </>}
          <Divider titlePlacement="start">{t('approvals.timeline')}</Divider>
          <CurrentStep instance={detail.instance} />
          <ApprovalTimeline instance={detail.instance} />
        </>
      )}
      <Modal open={!!pending} title={pending ? t(`approvals.act.${pending}`) : ''} onCancel={() => setPending(null)} onOk={() => void confirm()} destroyOnHidden
        okText={pending ? t(`approvals.act.${pending}`) : ''} cancelText={t('common.cancel')}
        okButtonProps={{ disabled: pending === 'return' || pending === 'transfer' ? !target : users.length === 0, loading: !!busy, 'data-testid': 'task-pending-ok' }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {pending === 'return' && <Select style={{ width: '100%' }} value={target} onChange={setTarget} placeholder={t('approvals.returnTo')} data-testid="task-return-to"
            options={(detail?.returnTargets ?? []).map((r) => ({ value: r.node, label: r.name }))} />}
          {pending === 'transfer' && <Select style={{ width: '100%' }} showSearch optionFilterProp="label" value={target} onChange={setTarget} placeholder={t('approvals.transferTo')}
            data-testid="task-transfer-to" options={userOptions} />}
          {(pending === 'add' || pending === 'cc') && <Select mode="multiple" style={{ width: '100%' }} optionFilterProp="label" value={users} onChange={setUsers}
            placeholder={t('flows.pickUsers')} data-testid="task-users" options={userOptions} />}
          {pending === 'add' && <Segmented value={position} onChange={(v) => setPosition(v as 'before' | 'after')} data-testid="task-add-position"
            options={[{ value: 'before', label: t('approvals.addBefore') }, { value: 'after', label: t('approvals.addAfter') }]} />}
          {pending === 'add' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`approvals.addHelp_${position}`)}</Typography.Text>}
          <Input.TextArea rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('approvals.commentOptional')} />
        </Space>
      </Modal>
    </Drawer>
  );
}
