import { Alert, Collapse, Descriptions, Empty, Space, Spin, Tag, Typography } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, MinusCircleOutlined, StopOutlined, EyeOutlined, LoadingOutlined } from '@ant-design/icons';
import { isValidElement } from 'react';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ActionResult, Run, RunError, RunStatus } from '../../api/automation';
import { useDirectory } from '../../fields/directory';
import { useForms } from './forms';
import { pick } from './parts';
import '../../i18n/automation.screens';

const STATUS_COLOR: Record<string, string> = { succeeded: 'green', no_match: 'default', failed: 'red', stopped: 'volcano', running: 'processing', preview: 'blue', ok: 'green', skipped: 'default', would: 'blue' };
const STATUS_ICON: Record<string, React.ReactNode> = {
  succeeded: <CheckCircleOutlined />, ok: <CheckCircleOutlined />, failed: <CloseCircleOutlined />, no_match: <MinusCircleOutlined />,
  skipped: <MinusCircleOutlined />, stopped: <StopOutlined />, preview: <EyeOutlined />, would: <EyeOutlined />, running: <LoadingOutlined />,
};

/** StatusTag shows a run's or an action's status. */
export function StatusTag({ status }: { status: RunStatus | ActionResult['status'] | string }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status] ?? 'default'} icon={STATUS_ICON[status]} data-testid={`status-${status}`}>{t(`automation.status.${status}`, { defaultValue: status })}</Tag>;
}

export function ErrorText({ e }: { e?: RunError | null }) {
  const { i18n } = useTranslation();
  if (!e) return null;
  return <div className="fl-diag" data-testid="run-error">{pick(e.message, i18n.language) || e.code}</div>;
}

/** show writes a value of a preview or a log for people: text as is, the rest as compact JSON. */
function show(v: unknown): string {
  if (v == null || v === '') return '∅';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** useNames names what a log holds by id: forms, their fields and members (the ids themselves when unknown). */
function useNames() {
  const { forms, fieldsOf } = useForms();
  const dir = useDirectory();
  return {
    form: (id: string) => forms.find((f) => f.id === id)?.name ?? id,
    field: (form: string, key: string) => (form ? fieldsOf(form) : undefined)?.find((f) => f.key === key)?.label ?? key,
    user: (id: string) => dir.users.find((u) => u.id === id)?.name ?? id,
  };
}

/**
 * Detail shows what an action did or would do: records with their values
 * (by field label), notifications with their rendered text and recipients
 * (by name), and anything else as key: value lines. form is the form the
 * values belong to when the detail does not name one.
 */
export function Detail({ d, form }: { d?: Obj; form: string }) {
  const { t } = useTranslation();
  const names = useNames();
  if (!d || Object.keys(d).length === 0) return null;
  const target = typeof d.form === 'string' ? d.form : form;
  const blocks: React.ReactNode[] = [];
  const rest: [string, unknown][] = [];
  const recordsOf = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : []);
  const notice = (n: Obj, i: number) => (
    <div key={i} className="fl-auto-notice">
      <div><Typography.Text strong data-testid="notice-title">{show(n.title)}</Typography.Text></div>
      {n.body != null && n.body !== '' && <div style={{ whiteSpace: 'pre-wrap' }} data-testid="notice-body">{show(n.body)}</div>}
      {Array.isArray(n.recipients) && <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="notice-to">
        {t('automation.detail.to')}: {(n.recipients as string[]).map(names.user).join(', ') || '∅'}</Typography.Text>}
    </div>
  );
  const flatNotice = typeof d.title === 'string' && Array.isArray(d.recipients);
  if (flatNotice) blocks.push(<div key="notice" data-testid="detail-notifications">{notice(d, 0)}</div>);
  for (const [k, v] of Object.entries(d)) {
    if (flatNotice && (k === 'title' || k === 'body' || k === 'recipients')) continue;
    if (k === 'form' && typeof v === 'string') {
      rest.push([t('automation.detail.form'), names.form(v)]);
    } else if (k === 'record' && typeof v === 'string') {
      rest.push([t('automation.detail.record'), <Link to={`/forms/${encodeURIComponent(target)}/data?record=${encodeURIComponent(v)}`} data-testid="detail-record-link">{v}</Link>]);
    } else if ((k === 'values' || k === 'data' || k === 'set') && isObj(v)) {
      blocks.push(<Descriptions key={k} size="small" column={1} bordered title={t('automation.detail.values')} data-testid="detail-values"
        items={Object.entries(v).map(([f, x]) => ({ key: f, label: names.field(target, f), children: show(x) }))} />);
    } else if ((k === 'records' || k === 'record' || k === 'created' || k === 'updated') && recordsOf(v).length) {
      blocks.push(<div key={k} data-testid="detail-records">
        <Typography.Text strong>{t(`automation.detail.${k}`, { defaultValue: k })}</Typography.Text>
        {recordsOf(v).map((r, i) => <Descriptions key={i} size="small" column={1} bordered style={{ marginTop: 4 }}
          items={Object.entries(isObj(r.data) ? { ...(r.id ? { id: r.id } : {}), ...r.data } : isObj(r.values) ? { ...(r.id ? { id: r.id } : {}), ...r.values } : r)
            .map(([f, x]) => ({ key: f, label: names.field(target, f), children: show(x) }))} />)}
      </div>);
    } else if ((k === 'notifications' || k === 'notification') && recordsOf(v).length) {
      blocks.push(<div key={k} data-testid="detail-notifications">{recordsOf(v).map(notice)}</div>);
    } else rest.push([k, v]);
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {rest.length > 0 && <Descriptions size="small" column={1} items={rest.map(([k, v]) => ({ key: k, label: k, children: <span style={{ wordBreak: 'break-all' }}>{isValidElement(v) ? v : show(v)}</span> }))} />}
      {blocks}
    </Space>
  );
}

/** ActionList shows each action's result (or a dry run's would-do) in order. */
export function ActionList({ actions, kindLabel, form }: { actions: ActionResult[]; kindLabel: (k: string) => string; form: string }) {
  const { t, i18n } = useTranslation();
  if (!actions.length) return <Typography.Text type="secondary">{t('automation.noActionsRan')}</Typography.Text>;
  return (
    <ol className="fl-auto-results" data-testid="action-results">
      {actions.map((a) => (
        <li key={a.index} data-testid="action-result">
          <Space wrap>
            <StatusTag status={a.status} />
            <Typography.Text strong>{a.name || kindLabel(a.kind)}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.ms', { n: Math.round(a.durationMs * 10) / 10 })}</Typography.Text>
          </Space>
          {a.summary && <div data-testid="action-summary">{pick(a.summary, i18n.language)}</div>}
          <ErrorText e={a.error} />
          <Detail d={a.detail} form={form} />
        </li>
      ))}
    </ol>
  );
}

/** RunBody is one run: its trigger, the condition's result and the actions. */
export function RunBody({ run, kindLabel }: { run: Run; kindLabel: (k: string) => string }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="run-body">
      <Descriptions size="small" column={1} items={[
        { key: 'ev', label: t('automation.run.event'), children: <span>{t(`automation.eventType.${run.eventType}`, { defaultValue: run.eventType })} <Typography.Text type="secondary" copyable={{ text: run.event }} style={{ fontSize: 12 }}>{run.event.slice(0, 12)}</Typography.Text></span> },
        { key: 'cond', label: t('automation.run.condition'), children: <span data-testid="run-condition">{run.conditionError
          ? <Typography.Text type="warning">{t('automation.run.conditionError', { reason: run.conditionError })}</Typography.Text>
          : run.matched ? <Tag color="green">{t('automation.run.matched')}</Tag> : <Tag>{t('automation.run.notMatched')}</Tag>}</span> },
        { key: 'ver', label: t('automation.run.version'), children: `v${run.version}${run.replay ? ` · ${t('automation.run.replay')}` : ''}` },
        { key: 'dur', label: t('automation.run.duration'), children: t('automation.ms', { n: Math.round(run.durationMs * 10) / 10 }) },
      ]} />
      <ErrorText e={run.error} />
      {run.status === 'failed' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.noRollback')}</Typography.Text>}
      <ActionList actions={run.actions ?? []} kindLabel={kindLabel} form={run.form} />
    </Space>
  );
}

/** RunList lists runs, newest first, each opening to its body. */
export function RunList({ runs, kindLabel, showName }: { runs: Run[] | null; kindLabel: (k: string) => string; showName?: boolean }) {
  const { t } = useTranslation();
  if (runs === null) return <Spin />;
  if (runs.length === 0) return <Empty description={t('automation.noRuns')} />;
  return (
    <Collapse size="small" data-testid="runs" items={runs.map((r) => ({
      key: r.id,
      label: (
        <Space wrap size={4} data-testid="run-row">
          <StatusTag status={r.status} />
          {showName && <Typography.Text strong>{r.name}</Typography.Text>}
          <Typography.Text>{t(`automation.eventType.${r.eventType}`, { defaultValue: r.eventType })}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dayjs(r.startedAt).format('YYYY-MM-DD HH:mm:ss')}</Typography.Text>
        </Space>
      ),
      children: <RunBody run={r} kindLabel={kindLabel} />,
    }))} />
  );
}

/** NothingWritten says plainly that a dry run changed nothing. */
export function NothingWritten() {
  const { t } = useTranslation();
  return <Alert type="info" showIcon data-testid="nothing-written" title={t('automation.dry.nothingWritten')} />;
}
