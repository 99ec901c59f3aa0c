import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Collapse, Form, Space, Spin, Tag, Typography } from 'antd';
import { CheckSquareOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/stages';
import { ApiError, api } from '../../api/client';
import { flows, type Instance } from '../../api/flows';
import { stages, type Pipeline, type StageCheck, type StageView, type Transition } from '../../api/stages';
import type { Definition, FieldDef, FieldError, FormRecord } from '../../api/types';
import { FormRenderer, inputData } from '../../fields/FormRenderer';
import { applyFieldErrors, errorText } from '../../util/errors';
import { readOnlyKeys, type Perm } from '../../permissions/usePermission';
import { StageBar } from './StageBar';
import { StageTimeline } from './StageTimeline';
import { allowedMove, daysBetween, enteredAt, mergeTimeline, stageLabel } from './model';
import './stages.css';

type Check = { to: string; pending: true } | (StageCheck & { pending?: false }) | null;

/**
 * RecordStages is the record page's stage section: the stage bar, the days
 * in the current stage, the guidance and checklist of the selected stage,
 * the move to it (the gates are checked first, their messages shown inline
 * with the missing fields to fill in place; the move itself is a plain
 * record update, which the server gates again), and the timeline of stage
 * changes and approvals. It shows nothing for a form without a pipeline.
 */
export default function RecordStages({ formId, def, rec, perm, onRecord }: {
  formId: string; def: Definition; rec: FormRecord; perm: Perm; onRecord: (r: FormRecord) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [pipeline, setPipeline] = useState<Pipeline | null | undefined>(undefined);
  const [views, setViews] = useState<StageView[]>([]);
  const [history, setHistory] = useState<Transition[]>([]);
  const [instances, setInstances] = useState<Instance[]>([]);
  const [selected, setSelected] = useState('');
  const [check, setCheck] = useState<Check>(null);
  const [busy, setBusy] = useState(false);
  const [rest, setRest] = useState<FieldError[]>([]);
  const [form] = Form.useForm();

  useEffect(() => {
    let live = true;
    void stages.design(formId).then((d) => { if (live) { setPipeline(d.published); setViews(d.stages ?? []); } })
      .catch(() => { if (live) setPipeline(null); });
    return () => { live = false; };
  }, [formId]);
  const loadHistory = useCallback(() => {
    void stages.history(formId, rec.id).then(setHistory).catch(() => setHistory([]));
    void flows.instances(formId, rec.id).then(setInstances).catch(() => setInstances([]));
  }, [formId, rec.id]);
  useEffect(() => { if (pipeline) loadHistory(); }, [pipeline, loadHistory, rec.version]);

  const current = pipeline ? String(rec.data[pipeline.field] ?? '') : '';
  useEffect(() => { setSelected(current); setCheck(null); setRest([]); }, [current]);
  const stageField = pipeline ? def.fields.find((f) => f.key === pipeline.field) : undefined;
  const label = useCallback((v: string) => stageLabel(v, views, stageField), [views, stageField]);
  const readOnly = useMemo(() => readOnlyKeys(def, perm), [def, perm]);
  const canMove = !!pipeline && perm.can('record.edit') && !readOnly.has(pipeline.field);

  const select = (v: string) => {
    setSelected(v); setRest([]);
    if (v === current || !pipeline || !canMove || !allowedMove({ transitions: pipeline.transitions, stages: views }, current, v)) { setCheck(null); return; }
    setCheck({ to: v, pending: true });
    void stages.check(formId, rec.id, v)
      .then((c) => setCheck((x) => (x && x.to === v ? c : x)))
      .catch((e) => { setCheck(null); message.error(errorText(e)); });
  };

  // The fields the gate names (required fields, the stage's other problems on fields) are offered in place.
  const gateFields: FieldDef[] = useMemo(() => {
    if (!check || check.pending || check.ok || !pipeline) return [];
    const keys = new Set(check.fields.map((f) => f.path.split(/[.[]/)[0]).filter((k) => k && k !== pipeline.field));
    return def.fields.filter((f) => keys.has(f.key) && !readOnly.has(f.key));
  }, [check, def, pipeline, readOnly]);
  const gateDef = useMemo<Definition>(() => ({ fields: gateFields, columns: 1 }), [gateFields]);
  // A new set of fields to fill starts from the record's values (the form is mounted by then: children's effects run first).
  useEffect(() => { if (gateFields.length) form.resetFields(); }, [gateFields, form]);

  const doMove = async (to: string) => {
    if (!pipeline) return;
    let data: Record<string, unknown> = {};
    if (gateFields.length) {
      try { await form.validateFields(); } catch { return; }
      data = inputData(gateDef, form.getFieldsValue(true), rec.data, readOnly);
    }
    data[pipeline.field] = to;
    setBusy(true); setRest([]);
    try {
      const r = await api.updateRecord(formId, rec.id, data, rec.version);
      message.success(t('stages.moved', { stage: label(to) }));
      setCheck(null);
      onRecord(r);
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) {
        message.error(errorText(e));
        try { onRecord(await api.record(formId, rec.id)); } catch { /* the drawer shows the error on its next load */ }
      } else if (e instanceof ApiError && e.fields.length) {
        // The server's gate refused: its messages go on the inputs shown, the rest above them.
        const known = new Set(gateFields.map((f) => f.key));
        setRest(gateFields.length ? applyFieldErrors(form, e.fields, (n) => known.has(String(n[0]))) : e.fields);
      } else message.error(errorText(e));
    } finally { setBusy(false); }
  };

  if (pipeline === undefined) return null;
  if (!pipeline || views.length === 0) return null;
  const cur = views.find((s) => s.value === current);
  const sel = views.find((s) => s.value === selected) ?? cur;
  const since = enteredAt(current, rec.data, pipeline, history, rec.createdAt);
  const days = daysBetween(since, new Date());
  const fieldLabel = (k: string) => def.fields.find((f) => f.key === k)?.label ?? k;
  const barred = !!sel && sel.value !== current && !allowedMove({ transitions: pipeline.transitions, stages: views }, current, sel.value);
  const timeline = mergeTimeline(history, instances);

  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="record-stages"
      title={<Space size={6} wrap><span>{t('stages.bar')}</span>{cur && <Tag color={cur.flag === 'won' ? 'green' : cur.flag === 'lost' ? 'red' : 'blue'} data-testid="stage-current">{cur.label}</Tag>}</Space>}
      extra={cur && <Typography.Text type="secondary" data-testid="stage-days">{t('stages.daysIn', { count: days })}</Typography.Text>}>
      <StageBar pipeline={pipeline} views={views} current={current} selected={selected} onSelect={select} />
      {sel && (
        <div className="fl-stage-panel" data-testid="stage-panel" data-stage={sel.value}>
          <Space size={6} wrap style={{ marginBottom: 4 }}>
            <Typography.Text strong>{t('stages.guidanceOf', { stage: sel.label })}</Typography.Text>
            {sel.probability != null && <Tag>{t('stages.probabilityOf', { n: sel.probability })}</Tag>}
          </Space>
          {sel.guidance ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }} data-testid="stage-guidance">{sel.guidance}</Typography.Paragraph>
            : <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{t('stages.noGuidance')}</Typography.Paragraph>}
          {(sel.checklist ?? []).filter(Boolean).length > 0 && (
            <div data-testid="stage-checklist">
              <Typography.Text type="secondary">{t('stages.checklistOf')}</Typography.Text>
              <ul>{sel.checklist!.filter(Boolean).map((c, i) => <li key={i}><CheckSquareOutlined style={{ color: '#8c8c8c', marginRight: 6 }} />{c}</li>)}</ul>
            </div>
          )}
          {sel.value !== current && (sel.required ?? []).length > 0 && (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{t('stages.requiredOf', { list: sel.required!.map(fieldLabel).join('、') })}</Typography.Paragraph>
          )}
          {sel.value !== current && !canMove && <Alert type="info" showIcon title={t('stages.noEdit')} />}
          {sel.value !== current && canMove && barred && (
            <Alert type="warning" showIcon data-testid="stage-barred" title={t('stages.notAllowed', { from: cur?.label ?? current, to: sel.label })} />
          )}
          {check?.pending && <Space style={{ marginTop: 8 }}><Spin size="small" /><Typography.Text type="secondary">{t('stages.checking')}</Typography.Text></Space>}
          {check && !check.pending && check.to === sel.value && (check.ok ? (
            <Button type="primary" style={{ marginTop: 8 }} loading={busy} onClick={() => void doMove(sel.value)} data-testid="stage-move">
              {t('stages.moveTo', { stage: sel.label })}
            </Button>
          ) : (
            <div style={{ marginTop: 8 }} data-testid="stage-gate">
              <Alert type="error" showIcon title={t('stages.blocked', { stage: sel.label })} data-testid="stage-gate-messages"
                description={<ul style={{ margin: 0, paddingLeft: 18 }}>{check.fields.map((f, i) => <li key={i} data-testid="stage-gate-message">{f.message || f.code}</li>)}</ul>} />
              {gateFields.length > 0 && (
                <div style={{ marginTop: 8 }} data-testid="stage-fill">
                  <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>{t('stages.fillHint')}</Typography.Paragraph>
                  <FormRenderer def={gateDef} form={form} initialValues={rec.data} readOnly={readOnly} />
                  {rest.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 8 }} title={rest.map((f) => f.message || f.code).join('；')} data-testid="stage-move-error" />}
                  <Button type="primary" loading={busy} onClick={() => void doMove(sel.value)} data-testid="stage-fill-move">{t('stages.fillAndMove')}</Button>
                </div>
              )}
            </div>
          ))}
          {rest.length > 0 && gateFields.length === 0 && <Alert type="error" showIcon style={{ marginTop: 8 }} title={rest.map((f) => f.message || f.code).join('；')} data-testid="stage-move-error" />}
        </div>
      )}
      <Collapse ghost size="small" style={{ marginTop: 8 }} data-testid="stage-timeline-toggle"
        items={[{ key: 'tl', label: <span data-testid="stage-timeline-open">{t('stages.timeline')}</span>, children: <StageTimeline items={timeline} label={label} /> }]} />
    </Card>
  );
}
