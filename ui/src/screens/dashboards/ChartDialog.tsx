import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Col, Collapse, Input, InputNumber, Modal, Row, Select, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { FieldDef, Form } from '../../api/types';
import type { Bucket } from '../../api/report';
import { dashboardsApi, type Chart, type ChartData, type ChartKind, type Dashboard, type FilterValues, type Measure, type MeasureOp } from '../../api/dashboards';
import { errorText } from '../../util/errors';
import { ChartView } from './ChartView';
import { useDirectory } from '../../fields/directory';
import { FilterBuilder } from '../data/FilterBuilder';
import { emptyGroup, filterFields, fromFilter, toFilter, type Group } from '../data/filterModel';
import { measureId, namesOf, nextCell } from './chartModel';

const KINDS: ChartKind[] = ['bar', 'line', 'pie', 'metric', 'table', 'funnel'];
const OPS: MeasureOp[] = ['count', 'sum', 'avg', 'min', 'max', 'weighted', 'expr'];
const BUCKETS: ('' | Bucket)[] = ['', 'day', 'week', 'month', 'quarter', 'year'];
const NUMERIC = new Set(['number', 'money', 'percent', 'rating', 'formula']);
const DATES = new Set(['date', 'datetime']);
const NO_GROUP = new Set(['subform', 'attachment', 'image', 'signature', 'richtext', 'textarea', 'location', 'address']);
const PROPS = ['createdAt', 'updatedAt', 'ownedBy', 'createdBy'];

interface Props {
  appId: string; dashboard: Dashboard; forms: Form[]; chart?: Chart; values: FilterValues;
  onCancel: () => void; onSave: (c: Chart) => Promise<void>;
}

/** ChartDialog adds or edits a chart, drawing a preview as it is edited. */
export default function ChartDialog({ appId, dashboard, forms, chart, values, onCancel, onSave }: Props) {
  const { t } = useTranslation();
  const published = forms.filter((f) => f.published > 0);
  const [draft, setDraft] = useState<Chart>(() => chart ?? {
    id: `c${Date.now().toString(36)}`, title: '', kind: 'bar', form: published[0]?.id ?? '', groupBy: [],
    measures: [{ id: 'n', op: 'count' }], layout: nextCell(dashboard.charts),
  });
  const [fields, setFields] = useState<FieldDef[]>([]);
  const [preview, setPreview] = useState<ChartData | undefined>();
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState(false);
  const set = (p: Partial<Chart>) => setDraft((d) => ({ ...d, ...p }));
  // The chart's own filter, edited with the data view's filter builder.
  const [group, setGroup] = useState<Group>(() => fromFilter(chart?.filter) ?? emptyGroup());
  const changeGroup = (g: Group) => { setGroup(g); set({ filter: toFilter(g) }); };

  useEffect(() => {
    if (!draft.form) return;
    let live = true;
    api.versions(draft.form).then((vs) => {
      const latest = vs.reduce((a, v) => (!a || v.number > a.number ? v : a), vs[0]);
      if (live) setFields(latest?.definition.fields ?? []);
    }, () => { if (live) setFields([]); });
    return () => { live = false; };
  }, [draft.form]);

  // The preview follows the draft, a moment after the last change.
  const abort = useRef<AbortController | null>(null);
  const needsKey = (draft.kind === 'bar' || draft.kind === 'line' || draft.kind === 'pie') && !(draft.groupBy ?? []).length;
  useEffect(() => {
    if (needsKey || !draft.form) { setPreview(undefined); setProblem(''); return; }
    const h = setTimeout(() => {
      abort.current?.abort();
      const ac = new AbortController(); abort.current = ac;
      dashboardsApi.preview(appId, draft, dashboard.id, values, ac.signal).then((d) => { setPreview(d); setProblem(''); }, (e) => {
        if ((e as Error).name === 'AbortError') return;
        setPreview(undefined);
        setProblem(e instanceof ApiError && e.fields.length ? e.fields.map((f) => `${f.path}: ${f.message}`).join('; ') : errorText(e));
      });
    }, 350);
    return () => clearTimeout(h);
  }, [appId, dashboard.id, draft, values, needsKey]);

  const label = (k: string) => fields.find((f) => f.key === k)?.label ?? (PROPS.includes(k) ? t(`dashboards.prop.${k}`) : k);
  const groupable = useMemo(() => [...fields.filter((f) => !NO_GROUP.has(f.type)).map((f) => f.key), ...PROPS], [fields]);
  const isDate = (k: string) => k === 'createdAt' || k === 'updatedAt' || DATES.has(fields.find((f) => f.key === k)?.type ?? '');
  const numeric = useMemo(() => fields.filter((f) => NUMERIC.has(f.type)).map((f) => (f.type === 'money' ? `${f.key}.amount` : f.key)), [fields]);
  const numLabel = (k: string) => label(k.replace(/\.amount$/, ''));
  const dir = useDirectory();
  const names = useMemo(() => namesOf(fields, dir.users), [fields, dir.users]);
  const users = useMemo(() => [...fields.filter((f) => f.type === 'user').map((f) => f.key), 'ownedBy', 'createdBy'], [fields]);
  const opt = (keys: string[], lb = label) => keys.map((k) => ({ value: k, label: lb(k) }));

  const keys = draft.groupBy ?? [];
  const setKey = (i: number, field: string | undefined, bucket?: '' | Bucket) => {
    const next = [...keys];
    if (!field) next.splice(i); else next[i] = { field, bucket: isDate(field) ? (bucket ?? (next[i]?.bucket || 'month')) || undefined : undefined };
    set({ groupBy: next });
  };
  const measures = draft.measures ?? [];
  const setMeasure = (j: number, p: Partial<Measure>) => set({ measures: measures.map((m, k) => {
    if (k !== j) return m;
    const n = { ...m, ...p };
    if (p.op || p.field !== undefined) n.id = measureId(n.op, n.field, measures.filter((_, x) => x !== j).map((x) => x.id));
    return n;
  }) });
  const kind = draft.kind;
  const maxKeys = kind === 'pie' ? 1 : kind === 'table' ? 3 : kind === 'metric' || kind === 'funnel' ? 0 : 2;
  const changeKind = (k: ChartKind) => {
    const max = k === 'pie' ? 1 : k === 'table' ? 3 : k === 'metric' || k === 'funnel' ? 0 : 2;
    set({ kind: k, groupBy: keys.slice(0, max), measures: k === 'funnel' ? undefined : measures.length ? measures : [{ id: 'n', op: 'count' }],
      funnel: k === 'funnel' ? (draft.funnel ?? { owner: 'ownedBy' }) : undefined });
  };
  const save = async () => {
    setSaving(true);
    // A new funnel gets the height its figures, drawing and tables need.
    const c = !chart && draft.kind === 'funnel' ? { ...draft, layout: nextCell(dashboard.charts, 6, 9) } : draft;
    try { await onSave(c); } finally { setSaving(false); }
  };

  return (
    <Modal open width={880} title={chart ? t('dashboards.editChart') : t('dashboards.addChart')} onCancel={onCancel} onOk={() => void save()}
      okText={t('common.save')} cancelText={t('common.cancel')} okButtonProps={{ disabled: !!problem || !preview, loading: saving, 'data-testid': 'chart-save' } as React.ComponentProps<typeof Button>}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input placeholder={t('dashboards.chart.title')} value={draft.title} maxLength={60} onChange={(e) => set({ title: e.target.value })} data-testid="chart-title" />
            <Select style={{ width: '100%' }} value={kind} onChange={changeKind} data-testid="chart-kind"
              options={KINDS.map((k) => ({ value: k, label: t(`dashboards.kind.${k}`) }))} />
            <Select style={{ width: '100%' }} value={draft.form || undefined} placeholder={t('dashboards.chart.form')} data-testid="chart-form"
              onChange={(f: string) => { setGroup(emptyGroup()); set({ form: f, filter: undefined, groupBy: [], measures: kind === 'funnel' ? undefined : [{ id: 'n', op: 'count' }] }); }}
              options={published.map((f) => ({ value: f.id, label: f.name }))} />
            {Array.from({ length: maxKeys }, (_, i) => i).filter((i) => i <= keys.length).map((i) => (
              <Space.Compact key={i} style={{ width: '100%' }}>
                <Select style={{ flex: 2 }} allowClear={i > 0 || kind === 'table'} value={keys[i]?.field} placeholder={i === 0 ? t('dashboards.chart.groupBy') : t('dashboards.chart.split')}
                  options={opt(groupable)} onChange={(f?: string) => setKey(i, f)} data-testid={`chart-group-${i}`} showSearch optionFilterProp="label" />
                {keys[i] && isDate(keys[i].field) && (
                  <Select style={{ flex: 1 }} value={keys[i].bucket ?? ''} onChange={(b: '' | Bucket) => setKey(i, keys[i].field, b)}
                    options={BUCKETS.map((b) => ({ value: b, label: t(`dashboards.bucket.${b || 'none'}`) }))} />
                )}
              </Space.Compact>
            ))}
            {kind === 'funnel' ? (
              <>
                <Select style={{ width: '100%' }} allowClear placeholder={t('dashboards.chart.amount')} value={draft.funnel?.amount}
                  options={opt(numeric, numLabel)} onChange={(a?: string) => set({ funnel: { ...draft.funnel, amount: a } })} data-testid="funnel-amount" />
                <Select style={{ width: '100%' }} allowClear placeholder={t('dashboards.chart.owner')} value={draft.funnel?.owner}
                  options={opt(users)} onChange={(o?: string) => set({ funnel: { ...draft.funnel, owner: o } })} />
              </>
            ) : (
              <>
                <Typography.Text strong>{t('dashboards.chart.measures')}</Typography.Text>
                {measures.map((m, j) => (
                  <Space key={j} wrap style={{ width: '100%' }} data-testid={`measure-${j}`}>
                    <Select style={{ width: 120 }} value={m.op} onChange={(op: MeasureOp) => setMeasure(j, { op, field: op === 'count' || op === 'expr' ? undefined : m.field ?? numeric[0] })}
                      options={OPS.map((o) => ({ value: o, label: t(`dashboards.op.${o}`) }))} />
                    {m.op !== 'count' && m.op !== 'expr' && (
                      <Select style={{ width: 140 }} value={m.field} placeholder={t('dashboards.chart.field')} onChange={(f: string) => setMeasure(j, { field: f })}
                        options={m.op === 'min' || m.op === 'max' ? [...opt(numeric, numLabel), ...opt(fields.filter((f) => DATES.has(f.type)).map((f) => f.key))] : opt(numeric, numLabel)} />
                    )}
                    {m.op === 'weighted' && (
                      <>
                        <Select style={{ width: 130 }} value={m.weight} placeholder={t('dashboards.chart.weight')} onChange={(w: string) => setMeasure(j, { weight: w })} options={opt(numeric, numLabel)} />
                        <InputNumber style={{ width: 90 }} value={m.scale ?? 1} min={0} step={0.01} placeholder={t('dashboards.chart.scale')} onChange={(s) => setMeasure(j, { scale: s ?? undefined })} />
                      </>
                    )}
                    {m.op === 'expr' && (
                      <Input style={{ width: 200 }} value={m.expr} placeholder={t('dashboards.chart.exprHelp')} onChange={(e) => setMeasure(j, { expr: e.target.value })} />
                    )}
                    <Typography.Text type="secondary" code>{m.id}</Typography.Text>
                    {measures.length > 1 && <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => set({ measures: measures.filter((_, k) => k !== j) })} />}
                  </Space>
                ))}
                {measures.length < 8 && (
                  <Button icon={<PlusOutlined />} size="small" onClick={() => set({ measures: [...measures, { id: measureId('sum', numeric[0], measures.map((x) => x.id)), op: numeric[0] ? 'sum' : 'count', field: numeric[0] }] })}>
                    {t('dashboards.chart.addMeasure')}
                  </Button>
                )}
                {kind !== 'metric' && (
                  <Space wrap>
                    <span>{t('dashboards.chart.limit')}</span>
                    <InputNumber min={0} max={2000} value={draft.limit ?? 0} onChange={(n) => set({ limit: n || undefined })} />
                    <Switch checked={!!draft.sortByValue} onChange={(v) => set({ sortByValue: v || undefined })} />
                    <span>{t('dashboards.chart.sortByValue')}</span>
                  </Space>
                )}
              </>
            )}
            <Collapse size="small" items={[{ key: 'f', label: t('dashboards.chart.filter'), children: (
              <FilterBuilder value={group} onChange={changeGroup}
                fields={filterFields(fields, { createdAt: t('data.createdAt'), updatedAt: t('data.updatedAt'), createdBy: t('data.createdBy'), updatedBy: t('data.updatedBy') })} />
            ) }]} />
          </Space>
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text type="secondary">{t('dashboards.chart.preview')}</Typography.Text>
          <div style={{ height: 320, overflow: 'auto', marginTop: 8 }} data-testid="chart-preview">
            {problem ? <Alert type="error" showIcon message={problem} /> : <ChartView chart={draft} data={preview} names={names} />}
          </div>
        </Col>
      </Row>
    </Modal>
  );
}
