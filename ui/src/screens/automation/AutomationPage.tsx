import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Breadcrumb, Button, Card, Checkbox, Input, Popconfirm, Segmented, Select, Space, Spin, Switch, Tabs, Tag, Typography } from 'antd';
import { ExperimentOutlined, HistoryOutlined, PlayCircleOutlined, RocketOutlined, SaveOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { COMMON_EVENT_FIELDS, automationApi, type ActionKindInfo, type Automation, type Design, type EventTypeInfo, type Run } from '../../api/automation';
import type { FieldError } from '../../api/types';
import { useAuth } from '../../auth/auth';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { ExpressionInput } from '../designer/ExpressionInput';
import { useFormVersion } from './useFormVersion';
import { ActionsEditor, useKindLabel } from './ActionsEditor';
import { FormsProvider, useForms } from './forms';
import { cleanDesign, validateDesign, type Problem } from './model';
import { EventTypesContext, Field, TriggerContext, automationCheck, eventFields, scoped, type Errs } from './parts';
import { RunList } from './RunView';
import { RunNowButton } from './RunNowButton';
import { TriggerPicker } from './TriggerPicker';

// The dry-run panel and the replay dialog load when opened.
const DryRunPanel = lazy(() => import('./DryRunPanel'));
const ReplayDialog = lazy(() => import('./ReplayDialog'));

export default function AutomationPage() {
  const { id = '' } = useParams();
  return <DirectoryProvider><FormsProvider><Designer id={id} /></FormsProvider></DirectoryProvider>;
}

/** serverErrs turns the server's per-field errors into a lookup by design path; a list index of trigger.fields is shown on the picker. */
export function errLookup(server: FieldError[], local: Problem[], text: (p: Problem) => string): Errs {
  const m = new Map<string, string[]>();
  const add = (path: string, msg: string) => { const l = m.get(path) ?? []; if (!l.includes(msg)) l.push(msg); m.set(path, l); };
  for (const f of server) {
    add(f.path, f.message || f.code);
    const bare = f.path.replace(/\[\d+\]$/, '');
    if (bare !== f.path && !/recipients$/.test(bare)) add(bare, f.message || f.code);
    // An action's kind or whole settings have no input of their own: its card shows them.
    const card = /^(actions\[\d+\])(\.kind|\.config)?$/.exec(f.path);
    if (card?.[2]) add(card[1], f.message || f.code);
  }
  for (const p of local) add(p.path, text(p));
  return (path) => m.get(path)?.join('; ');
}

function Designer({ id }: { id: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const phone = usePhone();
  const { me } = useAuth();
  const dir = useDirectory();
  const { fieldsOf } = useForms();
  const [params, setParams] = useSearchParams();
  const [auto, setAuto] = useState<Automation | null>(null);
  const [draft, setDraft] = useState<Design | null>(null);
  const [dirty, setDirty] = useState(false);
  const [loadErr, setLoadErr] = useState<string | null>(null);
  const [kinds, setKinds] = useState<ActionKindInfo[]>([]);
  const [eventTypes, setEventTypes] = useState<EventTypeInfo[]>([]);
  const [serverErrs, setServerErrs] = useState<FieldError[]>([]);
  const [showLocal, setShowLocal] = useState(false);
  const [busy, setBusy] = useState<'' | 'save' | 'publish'>('');
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [runFilter, setRunFilter] = useState<'all' | 'failed'>('all');
  const tab = params.get('tab') ?? 'design';
  const [dryOpen, setDryOpen] = useState(false);
  const [replayOpen, setReplayOpen] = useState(false);

  useEffect(() => {
    let live = true;
    void automationApi.get(id).then((a) => { if (live) { setAuto(a); setDraft(a.draft); } }, (e) => { if (live) setLoadErr(errorText(e)); });
    void automationApi.actionKinds().then((k) => { if (live) setKinds(k); }, () => undefined);
    void automationApi.eventTypes().then((k) => { if (live) setEventTypes(k); }, () => undefined);
    return () => { live = false; };
  }, [id]);
  const { form, version } = useFormVersion(auto?.form ?? '');
  const own = useMemo(() => version?.definition.fields ?? [], [version]);
  const kindLabel = useKindLabel(kinds);

  const loadRuns = useCallback(() => {
    setRuns(null);
    void automationApi.runs(id, { status: runFilter === 'failed' ? 'failed' : undefined }).then(setRuns, (e) => { message.error(errorText(e)); setRuns([]); });
  }, [id, runFilter, message]);
  useEffect(() => { if (tab === 'runs') loadRuns(); }, [tab, loadRuns]);

  const problems = useMemo(() => (draft && version ? validateDesign(draft, own, fieldsOf) : []), [draft, version, own, fieldsOf]);
  const errs = useMemo(() => errLookup(serverErrs, showLocal ? problems : [], (p) => t(`automation.problem.${p.key}`, p.params)), [serverErrs, showLocal, problems, t]);
  const triggerKey = draft ? JSON.stringify(draft.trigger) : '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const condCheck = useMemo(() => automationCheck(auto?.form ?? '', 'condition', draft?.trigger), [auto?.form, triggerKey]);
  const condFields = useMemo(() => [...scoped(own, 'new'), ...scoped(own, 'old'), ...eventFields(draft?.trigger, eventTypes)],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [own, triggerKey, eventTypes]);

  if (loadErr) return <Alert type="error" title={loadErr} />;
  if (!auto || !draft) return <Spin />;

  const change = (d: Design) => { setDraft(d); setDirty(true); };
  const save = async (): Promise<Automation | null> => {
    setBusy('save'); setServerErrs([]);
    try {
      const a = await automationApi.save(id, cleanDesign(draft), auto.version);
      setAuto(a); setDirty(false);
      message.success(t('designer.saved'));
      return a;
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) { setServerErrs(e.fields); message.error(t('automation.fixProblems')); } else message.error(errorText(e));
      return null;
    } finally { setBusy(''); }
  };
  const publish = async () => {
    setShowLocal(true);
    if (problems.length) { message.error(t('automation.fixProblems')); return; }
    const saved = dirty ? await save() : auto;
    if (!saved) return;
    setBusy('publish'); setServerErrs([]);
    try {
      const a = await automationApi.publish(id, saved.version);
      setAuto(a); setDraft(a.draft);
      message.success(t('automation.publishedV', { n: a.published }));
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) { setServerErrs(e.fields); message.error(t('automation.fixProblems')); } else message.error(errorText(e));
    } finally { setBusy(''); }
  };
  const toggle = async (on: boolean) => {
    try { setAuto(await automationApi.setEnabled(id, on, auto.version)); } catch (e) { message.error(errorText(e)); }
  };
  const remove = async () => {
    try { await automationApi.remove(id); nav(`/forms/${auto.form}/automations`); } catch (e) { message.error(errorText(e)); }
  };
  const setTab = (k: string) => setParams((p) => { const n = new URLSearchParams(p); n.set('tab', k); return n; }, { replace: true });

  const allErrs = serverErrs.length > 0 || (showLocal && problems.length > 0);
  const designTab = (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {allErrs && <Alert type="error" showIcon data-testid="design-problems" title={t('automation.problemsCount', { count: serverErrs.length + (showLocal ? problems.length : 0) })} />}
      <Card size="small" title={t('automation.basics')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field label={t('automation.name')} path="name" errs={errs}>
            <Input value={draft.name} status={errs('name') ? 'error' : undefined} data-testid="auto-name" onChange={(e) => change({ ...draft, name: e.target.value })} />
          </Field>
          <Field label={t('automation.description')} path="description" errs={errs}>
            <Input.TextArea rows={1} value={draft.description} onChange={(e) => change({ ...draft, description: e.target.value })} />
          </Field>
        </Space>
      </Card>
      <Card size="small" title={<span>1 · {t('automation.when')}</span>}>
        <TriggerPicker value={draft.trigger} onChange={(trigger) => change({ ...draft, trigger })} fields={own} timeZone={me?.workspace?.timeZone ?? ''} errs={errs} eventTypes={eventTypes} />
      </Card>
      <Card size="small" title={<span>2 · {t('automation.if')}</span>}>
        <Field path="condition" errs={errs} help={t('automation.conditionHelp')}>
          <ExpressionInput value={draft.condition ?? ''} onChange={(condition) => change({ ...draft, condition })} check={condCheck} fields={condFields}
            want="boolean" testId="condition" placeholder={t('automation.conditionPlaceholder')} />
        </Field>
      </Card>
      <Card size="small" title={<span>3 · {t('automation.then')}</span>}>
        <TriggerContext.Provider value={draft.trigger}>
          <EventTypesContext.Provider value={eventTypes}>
            <ActionsEditor value={draft.actions} onChange={(actions) => change({ ...draft, actions })} formId={auto.form} own={own} kinds={kinds} errs={errs} />
          </EventTypesContext.Provider>
        </TriggerContext.Provider>
      </Card>
      <Card size="small" title={t('automation.runAs')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field path="actor" errs={errs} help={t('automation.actorHelp')}>
            <Select style={{ minWidth: 220 }} showSearch optionFilterProp="label" value={draft.actor || undefined} status={errs('actor') ? 'error' : undefined}
              data-testid="auto-actor" onChange={(actor: string) => change({ ...draft, actor })} options={dir.users.filter((u) => !u.memberDisabled && !u.disabled).map((u) => ({ value: u.id, label: u.name }))} />
          </Field>
          <Field path="retrigger" errs={errs} help={t('automation.retriggerHelp')}>
            <Checkbox checked={!!draft.retrigger} onChange={(e) => change({ ...draft, retrigger: e.target.checked })} data-testid="auto-retrigger">{t('automation.retrigger')}</Checkbox>
          </Field>
        </Space>
      </Card>
    </Space>
  );

  const buttons = (
    <Space wrap>
      <Space size={4}><Switch checked={auto.enabled} disabled={!auto.published} onChange={(v) => void toggle(v)} data-testid="auto-enabled" /><span>{t('automation.enabled')}</span></Space>
      <Button icon={<ExperimentOutlined />} onClick={() => setDryOpen(true)} data-testid="open-dry-run">{t('automation.dry.open')}</Button>
      <Button icon={<HistoryOutlined />} disabled={!auto.published} onClick={() => setReplayOpen(true)} data-testid="open-replay">{t('automation.replay.open')}</Button>
      <RunNowButton automation={auto} icon={<PlayCircleOutlined />} onRan={() => { if (tab === 'runs') loadRuns(); }} />
      <Button icon={<SaveOutlined />} loading={busy === 'save'} onClick={() => { setShowLocal(true); void save(); }} data-testid="auto-save">{t('designer.saveDraft')}</Button>
      <Button type="primary" icon={<RocketOutlined />} loading={busy === 'publish'} onClick={() => void publish()} data-testid="auto-publish">{t('designer.publish')}</Button>
    </Space>
  );

  return (
    <>
      <Breadcrumb style={{ marginBottom: 12 }} items={[
        { title: <Link to="/">{t('nav.apps')}</Link> },
        { title: <Link to={`/apps/${auto.app}`}>{t('forms.title')}</Link> },
        { title: <Link to={`/forms/${auto.form}/automations`}>{form?.name ?? '…'} · {t('automation.title')}</Link> },
        { title: draft.name || t('automation.untitled') },
      ]} />
      <Card
        title={<Space wrap><span data-testid="auto-title">{draft.name || t('automation.untitled')}</span>
          {auto.published ? <Tag color="green">{t('forms.publishedV', { n: auto.published })}</Tag> : <Tag>{t('forms.notPublished')}</Tag>}
          {auto.alert && <Tag color="orange">{t('automation.alert.rule')}</Tag>}
          {dirty && <Tag color="gold">{t('designer.unsaved')}</Tag>}</Space>}
        extra={phone ? undefined : buttons}>
        {phone && <div className="fl-phone-tools">{buttons}</div>}
        {!version && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('automation.formNotPublished')} />}
        <Tabs activeKey={tab} onChange={setTab} items={[
          { key: 'design', label: t('automation.design'), children: designTab },
          { key: 'runs', label: <span data-testid="runs-tab">{t('automation.log')}</span>, children: (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Segmented value={runFilter} onChange={(v) => setRunFilter(v as 'all' | 'failed')} data-testid="runs-filter"
                  options={[{ value: 'all', label: t('automation.allRuns') }, { value: 'failed', label: t('automation.failedRuns') }]} />
                <Button size="small" onClick={loadRuns}>{t('data.reload')}</Button>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.kept')}</Typography.Text>
              </Space>
              <RunList runs={runs} kindLabel={kindLabel} />
            </Space>
          ) },
        ]} />
        <div style={{ marginTop: 24 }}>
          <Popconfirm title={t('automation.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} okButtonProps={{ danger: true }} onConfirm={() => void remove()}>
            <Button danger size="small" data-testid="auto-delete">{t('automation.delete')}</Button>
          </Popconfirm>
        </div>
      </Card>
      {dryOpen && <Suspense fallback={null}><DryRunPanel open={dryOpen} onClose={() => setDryOpen(false)} automation={auto} draft={draft} dirty={dirty}
        own={own} kindLabel={kindLabel} eventKeys={draft.trigger.type === 'event' ? Object.keys(eventTypes.find((e) => e.type === draft.trigger.event)?.fields ?? {})
          .filter((k) => !COMMON_EVENT_FIELDS.includes(k)).sort() : []} /></Suspense>}
      {replayOpen && <Suspense fallback={null}><ReplayDialog open={replayOpen} onClose={() => setReplayOpen(false)} automation={auto} kindLabel={kindLabel} /></Suspense>}
    </>
  );
}
