import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Input, Segmented, Select, Space, Table, Typography } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { automationApi, type Automation, type Design, type Run } from '../../api/automation';
import type { FieldDef, FormRecord } from '../../api/types';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { NothingWritten, RunBody, StatusTag } from './RunView';

/** recordLabel names a record by its first text-like value. */
export function recordLabel(own: FieldDef[], r: FormRecord): string {
  for (const f of own) {
    const v = r.data[f.key];
    if (['text', 'serial', 'email', 'phone'].includes(f.type) && v) return String(v);
  }
  return r.id;
}

/** parseLoose reads a typed value: JSON when it parses (numbers, true, lists, objects), else the text itself; empty is absent. */
export function parseLoose(s: string): unknown {
  const v = s.trim();
  if (v === '') return undefined;
  try { return JSON.parse(v) as unknown; } catch { return s; }
}

function loose(v: unknown): string { return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v); }

/**
 * DryRunPanel runs the automation against a chosen record, or an old/new
 * pair edited field by field, without writing anything, and shows the
 * condition's result and what each action would do.
 */
export default function DryRunPanel({ open, onClose, automation, draft, dirty, own, kindLabel, eventKeys = [] }: {
  open: boolean; onClose: () => void; automation: Automation; draft: Design; dirty: boolean; own: FieldDef[]; kindLabel: (k: string) => string;
  /** eventKeys are the fields of the trigger's declared event (from, to…), given values for the event variable. */
  eventKeys?: string[];
}) {
  const { t } = useTranslation();
  const phone = usePhone();
  const [mode, setMode] = useState<'record' | 'pair'>('record');
  const [records, setRecords] = useState<FormRecord[]>([]);
  const [search, setSearch] = useState('');
  const [record, setRecord] = useState<string | undefined>();
  const [oldV, setOldV] = useState<Record<string, string>>({});
  const [newV, setNewV] = useState<Record<string, string>>({});
  const [evV, setEvV] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const text = own.find((f) => f.type === 'text');
    const filter = search && text ? { field: `data.${text.key}`, op: 'contains' as const, value: search } : undefined;
    const timer = setTimeout(() => {
      void api.query(automation.form, { filter, limit: 20, sort: [{ field: 'updatedAt', desc: true }] }).then((p) => { if (live) setRecords(p.items); }, () => undefined);
    }, search ? 250 : 0);
    return () => { live = false; clearTimeout(timer); };
  }, [automation.form, own, search]);

  // Filling the pair from the chosen record gives a realistic start to edit.
  const fillPair = () => {
    const r = records.find((x) => x.id === record);
    if (!r) return;
    const s: Record<string, string> = {};
    for (const f of own) s[f.key] = loose(r.data[f.key]);
    setOldV(s); setNewV(s); setMode('pair');
  };

  const run = async () => {
    setBusy(true); setError(null); setResult(null);
    try {
      const pick = (m: Record<string, string>) => {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(m)) { const x = parseLoose(v); if (x !== undefined) o[k] = x; }
        return o;
      };
      const hasOld = Object.values(oldV).some((v) => v.trim() !== '');
      const ev = pick(evV);
      const event = Object.keys(ev).length > 0 ? ev : undefined;
      setResult(await automationApi.dryRun(automation.id, mode === 'record' ? { record, design: draft, event } : { old: hasOld ? pick(oldV) : null, new: pick(newV), design: draft, event }));
    } catch (e) { setError(errorText(e)); } finally { setBusy(false); }
  };

  return (
    <Drawer open={open} onClose={onClose} size={phone ? '100%' : 720} title={<Space><ExperimentOutlined />{t('automation.dry.title')}</Space>} data-testid="dry-run" destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('automation.dry.intro')}</Typography.Paragraph>
        {dirty && <Alert type="warning" showIcon title={t('automation.dry.unsaved')} />}
        {!automation.published && <Alert type="info" showIcon title={t('automation.dry.draftOnly', { name: draft.name })} />}
        <Segmented value={mode} onChange={(v) => setMode(v as 'record' | 'pair')} data-testid="dry-mode"
          options={[{ value: 'record', label: t('automation.dry.aRecord') }, { value: 'pair', label: t('automation.dry.aPair') }]} />
        {mode === 'record' ? (
          <Space wrap style={{ width: '100%' }}>
            <Select style={{ minWidth: phone ? 240 : 360 }} showSearch filterOption={false} onSearch={setSearch} value={record} onChange={setRecord}
              placeholder={t('automation.dry.pickRecord')} data-testid="dry-record"
              options={records.map((r) => ({ value: r.id, label: recordLabel(own, r) }))} />
            <Button size="small" disabled={!record} onClick={fillPair}>{t('automation.dry.editAsPair')}</Button>
          </Space>
        ) : (
          <Table size="small" pagination={false} rowKey="key" dataSource={own} scroll={{ x: 'max-content' }} data-testid="dry-pair"
            columns={[
              { key: 'f', title: t('automation.dry.field'), render: (_: unknown, f: FieldDef) => f.label, width: 120 },
              { key: 'o', title: t('automation.dry.old'), render: (_: unknown, f: FieldDef) => <Input size="small" value={oldV[f.key] ?? ''} data-testid={`dry-old-${f.key}`}
                onChange={(e) => setOldV({ ...oldV, [f.key]: e.target.value })} /> },
              { key: 'n', title: t('automation.dry.new'), render: (_: unknown, f: FieldDef) => <Input size="small" value={newV[f.key] ?? ''} data-testid={`dry-new-${f.key}`}
                onChange={(e) => setNewV({ ...newV, [f.key]: e.target.value })} /> },
            ]} />
        )}
        {mode === 'pair' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.dry.pairHelp')}</Typography.Text>}
        {eventKeys.length > 0 && (
          <div data-testid="dry-event">
            <Typography.Text strong>{t('automation.dry.event')}</Typography.Text>
            <Space wrap style={{ width: '100%', marginTop: 4 }}>
              {eventKeys.map((k) => <Input key={k} size="small" style={{ width: 200 }} addonBefore={`event.${k}`} value={evV[k] ?? ''} data-testid={`dry-event-${k}`}
                onChange={(e) => setEvV({ ...evV, [k]: e.target.value })} />)}
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.dry.eventHelp')}</Typography.Text>
          </div>
        )}
        <Button type="primary" icon={<ExperimentOutlined />} loading={busy} disabled={mode === 'record' && !record} onClick={() => void run()} data-testid="dry-run-go">
          {t('automation.dry.run')}</Button>
        {error && <Alert type="error" showIcon title={error} data-testid="dry-error" />}
        {result && (
          <div data-testid="dry-result">
            <NothingWritten />
            <Space style={{ margin: '12px 0' }}><Typography.Text strong>{t('automation.dry.result')}</Typography.Text><StatusTag status={result.status} /></Space>
            <RunBody run={result} kindLabel={kindLabel} />
          </div>
        )}
      </Space>
    </Drawer>
  );
}
