import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Descriptions, Drawer, Empty, Form, Image, Modal, Popconfirm, Result, Select, Space, Spin, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, RollbackOutlined, SwapOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fileURL, type FileRef } from '../../api/client';
import type { Definition, FieldDef, FormRecord, HistoryEntry, StoredFile } from '../../api/types';
import { useDirectory } from '../../fields/directory';
import { formatValue } from '../../fields/format';
import { FormRenderer, inputData } from '../../fields/FormRenderer';
import { usePhone } from '../../util/usePhone';
import { applyFieldErrors, errorText, scrollToFirstError } from '../../util/errors';
import { knownName } from '../fill/FillPage';
import { FileRefContext } from '../../fields/fileRef';
import { permFrom, readOnlyKeys, type Perm } from '../../permissions/usePermission';
import { useLookupSources } from '../../fields/lookups';

// The record's approvals (instances, timeline, withdraw/end) load when their tab opens.
const ApprovalSection = lazy(() => import('../flows/ApprovalSection'));
// The stage bar, its gates and the stage timeline load with the drawer's first record (nothing shows without a pipeline).
const RecordStages = lazy(() => import('../stages/RecordStages'));
// The record's automation runs and alerts load when their tab opens.
const RecordAutomations = lazy(() => import('../automation/RecordAutomations'));

/** useRelationLabels fetches the display labels of the records a relation value names, unless given. */
function useRelationLabels(f: FieldDef, v: unknown, given?: Map<string, string>): Map<string, string> | undefined {
  const [labels, setLabels] = useState<Map<string, string> | undefined>(given);
  const ids = f.type !== 'relation' || v == null ? [] : (Array.isArray(v) ? v : [v]).map(String);
  const key = ids.join(',');
  useEffect(() => {
    if (given || ids.length === 0 || !f.form || !f.displayField) return;
    let live = true;
    void api.query(f.form, { filter: { field: 'id', op: 'in', value: ids }, limit: ids.length }).then((p) => {
      if (live) setLabels(new Map(p.items.map((r) => [r.id, String(r.data[f.displayField!] ?? r.id)])));
    }).catch(() => undefined);
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [given, key, f.form, f.displayField]);
  return given ?? labels;
}

/** ValueView shows one stored value; files link through fileRef (the record and field listing them). */
export function ValueView({ f, v, relationLabels, fileRef, lookups }: { f: FieldDef; v: unknown; relationLabels?: Map<string, string>; fileRef?: FileRef | null; lookups?: Map<string, FieldDef> }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const labels = useRelationLabels(f, v, relationLabels);
  const ctx = { users: dir.users, departments: dir.departments, t, relationLabels: labels, lookups };
  if (v === null || v === undefined || v === '') return <Typography.Text type="secondary">—</Typography.Text>;
  switch (f.type) {
    case 'richtext':
      // The server sanitises rich text on write; render it as HTML.
      return <div dangerouslySetInnerHTML={{ __html: String(v) }} />;
    case 'image': case 'signature':
      return <Image.PreviewGroup>{(v as StoredFile[]).map((x) => <Image key={x.id} src={fileURL(x.id, fileRef)} alt={x.name} height={64} />)}</Image.PreviewGroup>;
    case 'attachment':
      return <Space orientation="vertical">{(v as StoredFile[]).map((x) => <a key={x.id} href={fileURL(x.id, fileRef)} target="_blank" rel="noreferrer">{x.name}</a>)}</Space>;
    case 'select': {
      const o = f.options?.find((x) => x.value === v);
      return <Tag color={o?.color}>{o?.label ?? String(v)}</Tag>;
    }
    case 'multiselect':
      return <>{(v as string[]).map((x) => { const o = f.options?.find((y) => y.value === x); return <Tag key={x} color={o?.color}>{o?.label ?? x}</Tag>; })}</>;
    case 'subform': {
      const cols = f.fields ?? [];
      return <Table size="small" pagination={false} rowKey={(r: Record<string, unknown>) => String(r.id ?? Math.random())} dataSource={v as Record<string, unknown>[]}
        columns={cols.map((c) => ({ key: c.key, title: c.label, render: (_: unknown, r: Record<string, unknown>) => formatValue(c, r[c.key], ctx) }))} />;
    }
    default:
      return <span>{formatValue(f, v, ctx)}</span>;
  }
}

function RecordView({ formId, def, rec }: { formId: string; def: Definition; rec: FormRecord }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const owner = rec.ownedBy || rec.createdBy;
  const lookups = useLookupSources(def.fields);
  return (
    <Descriptions column={1} bordered size="small" data-testid="record-view" items={[
      ...def.fields.map((f) => ({ key: f.key, label: f.label, children: <ValueView f={f} v={rec.data[f.key]} lookups={lookups} fileRef={{ form: formId, record: rec.id, field: f.key }} /> })),
      { key: '_owner', label: t('perm.owner'), children: <span data-testid="record-owner">{dir.users.find((u) => u.id === owner)?.name ?? owner}</span> },
      { key: '_v', label: t('data.version'), children: rec.version },
      { key: '_u', label: t('data.updatedAt'), children: dayjs(rec.updatedAt).format('YYYY-MM-DD HH:mm:ss') },
    ]} />
  );
}

/** useHistoryRelationLabels fetches, once per relation field, the display labels of every record the history names. */
function useHistoryRelationLabels(def: Definition, list: HistoryEntry[] | null): Map<string, string> {
  const [labels, setLabels] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (!list) return;
    let live = true;
    for (const f of def.fields.filter((x) => x.type === 'relation' && x.form && x.displayField)) {
      const ids = [...new Set(list.flatMap((h) => h.changes.filter((c) => c.field === f.key)
        .flatMap((c) => [c.old, c.new]).flatMap((v) => (v == null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]))))];
      if (ids.length === 0) continue;
      void api.query(f.form!, { filter: { field: 'id', op: 'in', value: ids }, limit: ids.length }).then((p) => {
        if (live) setLabels((m) => { const n = new Map(m); for (const r of p.items) n.set(r.id, String(r.data[f.displayField!] ?? r.id)); return n; });
      }).catch(() => undefined);
    }
    return () => { live = false; };
  }, [def, list]);
  return labels;
}

function HistoryView({ formId, rec, def }: { formId: string; rec: FormRecord; def: Definition }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [list, setList] = useState<HistoryEntry[] | null>(null);
  useEffect(() => { void api.history(formId, rec.id).then(setList).catch(() => setList([])); }, [formId, rec.id, rec.version]);
  const relationLabels = useHistoryRelationLabels(def, list);
  const lookups = useLookupSources(def.fields);
  if (list === null) return <Spin />;
  if (list.length === 0) return <Empty />;
  const ctx = { users: dir.users, departments: dir.departments, t, relationLabels, lookups };
  // Only fields the member sees are listed (the server already drops the others), and the owner.
  const ownerDef: FieldDef = { key: 'ownedBy', type: 'user', label: t('perm.owner') };
  const known = (k: string) => def.fields.find((f) => f.key === k) ?? (k === 'ownedBy' ? ownerDef : undefined);
  const label = (k: string) => known(k)?.label ?? k;
  const fmt = (k: string, v: unknown) => { const f = known(k); return v == null || v === '' ? '∅' : f ? formatValue(f, v, ctx) || '∅' : JSON.stringify(v); };
  return (
    <Timeline data-testid="history" items={[...list].reverse().map((h) => ({
      key: h.id,
      color: h.action.includes('delete') ? 'red' : h.action.includes('restore') ? 'purple' : h.action.includes('create') ? 'green' : 'blue',
      content: (
        <div data-testid="history-entry">
          <Typography.Text strong>{t(`history.${h.action.replace('record.', '')}`, { defaultValue: h.action })}</Typography.Text>{' '}
          <Typography.Text type="secondary">{h.actorName || h.actor} · {dayjs(h.at).format('YYYY-MM-DD HH:mm:ss')} · {t('history.via', { source: t(`source.${h.source}`, { defaultValue: h.source }) })} · v{h.version}</Typography.Text>
          {h.changes.some((c) => known(c.field)) && (
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {h.changes.filter((c) => known(c.field)).map((c, i) => <li key={i}><b>{label(c.field)}</b>: {fmt(c.field, c.old)} → {fmt(c.field, c.new)}</li>)}
            </ul>
          )}
        </div>
      ),
    }))} />
  );
}

/**
 * RecordDrawer shows one record: all fields, edit with conflict handling (a
 * newer version is shown and never overwritten), history, delete/restore.
 */
export function RecordDrawer({ formId, def, recordId, onClose, onChanged, deleted, perm = permFrom(null) }: {
  formId: string; def: Definition; recordId: string | null; onClose: () => void; onChanged: () => void; deleted?: boolean;
  /** perm is the member's permission on the form: it hides the actions they may not take. */
  perm?: Perm;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const dir = useDirectory();
  const [rec, setRec] = useState<FormRecord | null>(null);
  // denied: the record does not exist or the member may not see it (the server answers 404 for both).
  const [denied, setDenied] = useState<string | null>(null);
  const [transferring, setTransferring] = useState(false);
  const [newOwner, setNewOwner] = useState<string | undefined>();
  const readOnly = readOnlyKeys(def, perm);
  const [editing, setEditing] = useState(false);
  const [base, setBase] = useState<FormRecord | null>(null);
  const [conflict, setConflict] = useState<FormRecord | null>(null);
  // The save button is at the bottom of a long form: bring the conflict notice into view.
  const conflictRef = useRef<HTMLDivElement>(null);
  useEffect(() => { if (conflict) conflictRef.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' }); }, [conflict]);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState('fields');
  const phone = usePhone();
  const [form] = Form.useForm();

  useEffect(() => {
    setRec(null); setDenied(null); setEditing(false); setConflict(null); setFormErrors([]); setTab('fields');
    if (!recordId) return;
    const fail = (e: unknown) => {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) setDenied(t('perm.noAccess'));
      else { setDenied(errorText(e)); message.error(errorText(e)); }
    };
    if (deleted) {
      void api.query(formId, { filter: { field: 'id', op: 'eq', value: recordId }, deleted: 'only', limit: 1 })
        .then((p) => { if (p.items[0]) setRec(p.items[0]); else setDenied(t('perm.noAccess')); }).catch(fail);
    } else void api.record(formId, recordId).then(setRec).catch(fail);
  }, [formId, recordId, deleted, message, t]);

  const startEdit = (r: FormRecord) => {
    setBase(r); setConflict(null); setFormErrors([]);
    form.resetFields(); form.setFieldsValue(r.data);
    setEditing(true);
  };

  const save = async () => {
    if (!base) return;
    try { await form.validateFields(); } catch { scrollToFirstError(form); return; }
    const data = inputData(def, form.getFieldsValue(true), base.data, readOnly);
    if (Object.keys(data).length === 0) { setEditing(false); return; }
    setBusy(true); setFormErrors([]);
    try {
      const r = await api.updateRecord(formId, base.id, data, base.version);
      setRec(r); setEditing(false); setConflict(null);
      message.success(t('common.saved'));
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) {
        try { setConflict(await api.record(formId, base.id)); } catch (e2) { message.error(errorText(e2)); }
      } else if (e instanceof ApiError && e.fields.length) {
        setFormErrors(applyFieldErrors(form, e.fields, knownName(def)).map((x) => x.message));
        scrollToFirstError(form);
      } else message.error(errorText(e));
    } finally { setBusy(false); }
  };

  const del = async () => {
    if (!rec) return;
    try { await api.deleteRecord(formId, rec.id, rec.version); message.success(t('data.movedToBin')); onChanged(); onClose(); } catch (e) { message.error(errorText(e)); }
  };
  const transfer = async () => {
    if (!rec || !newOwner) return;
    try {
      const r = await api.transferRecords(formId, [rec.id], newOwner);
      const bad = r.items.find((i) => !i.ok);
      if (bad) { message.error(bad.error?.message ?? t('data.bulkFailed', { count: 1 })); return; }
      message.success(t('perm.transferred', { name: dir.users.find((u) => u.id === newOwner)?.name ?? newOwner }));
      setTransferring(false);
      onChanged();
      // The record may now be outside what the member sees.
      try { setRec(await api.record(formId, rec.id)); } catch { onClose(); }
    } catch (e) { message.error(errorText(e)); }
  };
  const restore = async () => {
    if (!rec) return;
    try { await api.restoreRecord(formId, rec.id); message.success(t('data.restored')); onChanged(); onClose(); } catch (e) { message.error(errorText(e)); }
  };

  return (
    <Drawer open={!!recordId} onClose={onClose} size={phone ? '100%' : 720} title={<span style={{ whiteSpace: 'nowrap' }} data-testid="record-title">{deleted ? t('data.deletedRecord') : t('data.record')}</span>} destroyOnHidden
      extra={rec && !editing && (
        <Space>
          {deleted ? perm.can('record.restore') && <Button icon={<RollbackOutlined />} onClick={() => void restore()} data-testid="restore">{t('data.restore')}</Button> : <>
            {perm.can('record.transfer') && <Button icon={<SwapOutlined />} onClick={() => { setNewOwner(undefined); setTransferring(true); }} data-testid="transfer" aria-label={t('perm.transfer')} title={phone ? t('perm.transfer') : undefined}>{phone ? null : t('perm.transfer')}</Button>}
            {perm.can('record.edit') && <Button type="primary" icon={<EditOutlined />} onClick={() => startEdit(rec)} data-testid="edit">{t('common.edit')}</Button>}
            {perm.can('record.delete') && <Popconfirm title={t('data.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => void del()}>
              <Button danger icon={<DeleteOutlined />} data-testid="delete" aria-label={t('common.delete')} title={phone ? t('common.delete') : undefined}>{phone ? null : t('common.delete')}</Button>
            </Popconfirm>}
          </>}
        </Space>
      )}>
      {denied ? <Result status="404" title={denied} data-testid="record-denied" /> : !rec ? <Spin /> : editing ? (
        <>
          {conflict && (<div ref={conflictRef}>
            <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="conflict"
              title={t('data.conflictTitle', { name: conflict.updatedBy, n: conflict.version })}
              description={<>
                <Typography.Paragraph>{t('data.conflictHint')}</Typography.Paragraph>
                <RecordView formId={formId} def={def} rec={conflict} />
                <Space style={{ marginTop: 12 }}>
                  <Button onClick={() => { setRec(conflict); setEditing(false); setConflict(null); onChanged(); }} data-testid="conflict-discard">{t('data.conflictDiscard')}</Button>
                  <Button type="primary" onClick={() => { setBase(conflict); setRec(conflict); setConflict(null); }} data-testid="conflict-reapply">{t('data.conflictReapply')}</Button>
                </Space>
              </>} />
          </div>)}
          {formErrors.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={formErrors.join('；')} />}
          <FileRefContext.Provider value={{ form: formId, record: base?.id ?? rec.id }}>
            <FormRenderer def={def} form={form} readOnly={readOnly} />
          </FileRefContext.Provider>
          <Space>
            <Button type="primary" loading={busy} disabled={!!conflict} onClick={() => void save()} data-testid="save-record">{t('common.save')}</Button>
            <Button onClick={() => { setEditing(false); setConflict(null); }}>{t('common.cancel')}</Button>
          </Space>
        </>
      ) : (<>
        {!deleted && <Suspense fallback={null}><RecordStages formId={formId} def={def} rec={rec} perm={perm} onRecord={(r) => { setRec(r); onChanged(); }} /></Suspense>}
        <Tabs activeKey={tab} onChange={setTab} items={[
          { key: 'fields', label: t('data.fields'), children: <RecordView formId={formId} def={def} rec={rec} /> },
          ...(perm.can('record.history') ? [{ key: 'history', label: <span data-testid="history-tab">{t('data.history')}</span>, children: <HistoryView formId={formId} rec={rec} def={def} /> }] : []),
          ...(deleted ? [] : [{ key: 'approvals', label: <span data-testid="approvals-tab">{t('approvals.tab')}</span>, children: <Suspense fallback={<Spin />}><ApprovalSection formId={formId} recordId={rec.id} /></Suspense> }]),
          ...(!deleted ? [{ key: 'automation', label: <span data-testid="automation-tab">{t('automation.nav')}</span>,
            children: tab === 'automation' ? <Suspense fallback={<Spin />}><RecordAutomations formId={formId} recordId={rec.id} version={rec.version} /></Suspense> : null }] : []),
        ]} />
      </>)}
      <Modal open={transferring} title={t('perm.transferTitle')} onCancel={() => setTransferring(false)} onOk={() => void transfer()}
        okText={t('perm.transfer')} cancelText={t('common.cancel')} okButtonProps={{ disabled: !newOwner, 'data-testid': 'transfer-ok' }} destroyOnHidden>
        <Typography.Text>{t('perm.transferTo')}</Typography.Text>
        <Select style={{ width: '100%', marginTop: 8 }} showSearch optionFilterProp="label" value={newOwner} onChange={setNewOwner} data-testid="transfer-owner"
          options={dir.users.filter((u) => u.id !== (rec?.ownedBy || rec?.createdBy)).map((u) => ({ value: u.id, label: u.name }))} />
      </Modal>
    </Drawer>
  );
}
