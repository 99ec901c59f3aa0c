import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Breadcrumb, Button, Card, Drawer, Dropdown, Empty, Input, Popconfirm, Select, Space, Spin, Switch, Tag, Timeline, Typography } from 'antd';
import { CheckCircleOutlined, HistoryOutlined, PlusOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link, useBlocker, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { flows, type Design as FlowGraph, type Fallback, type Flow, type FlowInput, type FlowVersion, type NodeKind, type NodeProblem } from '../../api/flows';
import type { Definition, FieldDef, WorkspaceRole } from '../../api/types';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { usePublished } from '../fill/usePublished';
import { serverCheck } from '../designer/ExpressionInput';
import { ADDABLE, addNode, byNode, newGraph, removeNode, serverProblems, validate } from './model';
import { NodeSettings } from './NodeSettings';
import { FlowOutline } from './FlowOutline';
import { SummaryContext } from './summary';
import './flows.css';
// The flow strings load with the flow screens.
import '../../i18n/flows';

// The canvas (React Flow) loads only on a desktop: the phone reads an outline.
const FlowCanvas = lazy(() => import('./FlowCanvas'));

export default function FlowDesignerPage() {
  const { formId = '' } = useParams();
  return <DirectoryProvider><FlowDesigner formId={formId} /></DirectoryProvider>;
}

/** problemText words a problem in the user's language: the server's message, else the designer's own. */
export function problemText(t: (k: string, o?: Record<string, unknown>) => string, p: NodeProblem): NodeProblem {
  return p.message ? p : { ...p, message: t(`flows.problem.${p.code}`, { defaultValue: p.code }) };
}

function FlowDesigner({ formId }: { formId: string }) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const phone = usePhone();
  const { form: meta, version, error } = usePublished(formId);
  const [all, setAll] = useState<Flow[]>([]);
  const [flow, setFlow] = useState<Flow | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [graph, setGraph] = useState<FlowGraph | null>(null);
  const [name, setName] = useState('');
  const [startOnCreate, setStartOnCreate] = useState(true);
  const [enabled, setEnabled] = useState(true);
  const [fallback, setFallback] = useState<Fallback>('admins');
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const [server, setServer] = useState<NodeProblem[]>([]);
  const [busy, setBusy] = useState<'' | 'save' | 'publish' | 'validate'>('');
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [versionsOpen, setVersionsOpen] = useState(false);

  const fields: FieldDef[] = useMemo(() => version?.definition.fields ?? meta?.draft.fields ?? [], [version, meta]);
  const def: Definition = useMemo(() => version?.definition ?? meta?.draft ?? { fields: [] }, [version, meta]);
  const check = useMemo(() => serverCheck(formId, () => def), [formId, def]);
  const names = useMemo(() => ({ start: t('flows.kind.start'), approve: t('flows.kind.approver'), end: t('flows.kind.end') }), [t]);

  const show = useCallback((f: Flow | null) => {
    setFlow(f);
    setGraph(f?.draft?.nodes?.length ? f.draft : newGraph(names));
    setName(f?.name ?? '');
    setStartOnCreate(f ? f.startOnCreate : true);
    setEnabled(f ? f.enabled : true);
    setFallback(f?.fallback ?? 'admins');
    setDirty(false); setServer([]); setSelected(null);
  }, [names]);
  const load = useCallback(async (pick?: string) => {
    try {
      const list = await flows.list(formId);
      setAll(list);
      show(list.find((f) => f.id === pick) ?? list[0] ?? null);
      setLoadError(null);
    } catch (e) { setLoadError(errorText(e)); }
  }, [formId, show]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => { void api.roles().then(setRoles, () => setRoles([])); }, []);
  useEffect(() => { if (meta && !name && !flow && !dirty) setName(t('flows.defaultName', { name: meta.name })); }, [meta, name, flow, dirty, t]);
  // Unsaved changes: leaving asks first (as the form designer does).
  const blocker = useBlocker(dirty);
  useEffect(() => {
    if (blocker.state === 'blocked') {
      modal.confirm({ title: t('flows.leaveUnsaved'), okText: t('designer.leave'), cancelText: t('common.cancel'),
        onOk: () => blocker.proceed(), onCancel: () => blocker.reset() });
    }
  }, [blocker, modal, t]);
  useEffect(() => {
    const h = (e: BeforeUnloadEvent) => { if (dirty) e.preventDefault(); };
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [dirty]);

  const local = useMemo(() => (graph ? validate(graph, fields) : []), [graph, fields]);
  const problems = useMemo(() => (checked ? [...local, ...server] : server).map((p) => problemText(t, p)), [checked, local, server, t]);
  const perNode = useMemo(() => byNode(problems), [problems]);

  const change = (g: FlowGraph) => { setGraph(g); setDirty(true); setServer([]); };
  const touch = <T,>(set: (v: T) => void) => (v: T) => { set(v); setDirty(true); };
  const add = (kind: NodeKind) => {
    if (!graph) return;
    const after = selected ?? graph.nodes.find((n) => n.kind === 'start')?.id;
    const r = addNode(graph, kind, t(`flows.kind.${kind}`), after);
    change(r.graph); setSelected(r.id);
  };

  const refused = (e: unknown) => {
    if (e instanceof ApiError && e.fields.length && graph) {
      setChecked(true);
      setServer(serverProblems(graph, e.fields));
      message.error(t('flows.hasProblems'));
    } else if (e instanceof ApiError && e.isConflict) message.error(t('flows.conflict'));
    else message.error(errorText(e));
  };
  const input = (): FlowInput => ({
    name: name.trim() || t('flows.defaultName', { name: meta?.name ?? '' }), description: flow?.description ?? '',
    startOnCreate, fallback, enabled, draft: graph!,
  });
  const save = async (quiet = false): Promise<Flow | null> => {
    if (!graph) return null;
    setBusy('save');
    try {
      const f = flow ? await flows.save(flow.id, { ...input(), version: flow.version }) : await flows.create(formId, input());
      setFlow(f); setDirty(false); setServer([]);
      if (!flow) setAll((l) => [...l, f]);
      if (!quiet) message.success(t('flows.saved'));
      return f;
    } catch (e) { refused(e); return null; } finally { setBusy(''); }
  };
  const runValidate = async () => {
    if (!graph) return;
    setChecked(true);
    const n = validate(graph, fields).length;
    if (!flow) { if (n) message.error(t('flows.problemCount', { count: n })); else message.success(t('flows.valid')); return; }
    setBusy('validate');
    try {
      const r = await flows.validate(flow.id, graph);
      const ps = serverProblems(graph, r.errors ?? []);
      setServer(ps);
      if (n + ps.length) message.error(t('flows.problemCount', { count: n + ps.length })); else message.success(t('flows.valid'));
    } catch (e) { refused(e); } finally { setBusy(''); }
  };
  const publish = async () => {
    if (!graph) return;
    setChecked(true);
    if (validate(graph, fields).length) { message.error(t('flows.hasProblems')); return; }
    const f = dirty || !flow ? await save(true) : flow;
    if (!f) return;
    setBusy('publish');
    try {
      const v = await flows.publish(f.id);
      message.success(t('flows.published', { n: v.version }));
      await load(f.id);
    } catch (e) { refused(e); } finally { setBusy(''); }
  };

  if (error || loadError) return <Alert type="error" title={error ?? loadError} />;
  if (!meta || !graph) return <Spin />;
  const node = graph.nodes.find((n) => n.id === selected) ?? null;
  const settings = node && <NodeSettings graph={graph} node={node} fields={fields} roles={roles} check={check}
    problems={perNode.get(node.id) ?? []} onChange={change} onRemove={() => { change(removeNode(graph, node.id)); setSelected(null); }} />;
  const general = perNode.get('') ?? [];
  const addMenu = { items: ADDABLE.map((k) => ({ key: k, label: <span data-testid={`add-${k}`}>{t(`flows.kind.${k}`)}</span> })), onClick: ({ key }: { key: string }) => add(key as NodeKind) };

  return (
    <SummaryContext.Provider value={{ roles, fields }}>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> },
        { title: meta.name }, { title: t('flows.designer') }]} />
      <Card data-testid="flow-designer" title={<Space wrap>
        <span>{t('flows.designerOf', { name: meta.name })}</span>
        {flow?.published ? <Tag color="green" data-testid="flow-published">{t('flows.publishedV', { n: flow.published })}</Tag> : <Tag>{t('flows.notPublished')}</Tag>}
        {dirty && <Tag color="orange">{t('designer.unsaved')}</Tag>}
      </Space>} extra={!phone && toolbar()} styles={{ body: { padding: phone ? 12 : 16 } }}>
        {phone && <div style={{ marginBottom: 12 }}>{toolbar()}</div>}
        {!version && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('flows.formNotPublished')} />}
        <Space wrap style={{ marginBottom: 12 }} size={[16, 8]}>
          {all.length > 1 && <Select style={{ width: 200 }} value={flow?.id} data-testid="flow-pick" onChange={(id: string) => show(all.find((f) => f.id === id) ?? null)}
            options={all.map((f) => ({ value: f.id, label: f.name }))} />}
          <Space><Typography.Text>{t('flows.name')}</Typography.Text>
            <Input value={name} maxLength={60} style={{ width: phone ? 200 : 240 }} onChange={(e) => touch(setName)(e.target.value)} data-testid="flow-name" /></Space>
          <Space><Typography.Text>{t('flows.fallback')}</Typography.Text>
            <Select<Fallback> style={{ width: 200 }} value={fallback} data-testid="flow-fallback" onChange={touch(setFallback)}
              options={(['admins', 'auto_approve'] as const).map((f) => ({ value: f, label: t(`flows.fallback_${f}`) }))} /></Space>
          <Space><Switch checked={startOnCreate} onChange={touch(setStartOnCreate)} data-testid="flow-start-on-create" />
            <Typography.Text>{t('flows.startOnCreate')}</Typography.Text></Space>
          <Space><Switch checked={enabled} onChange={touch(setEnabled)} data-testid="flow-enabled" />
            <Typography.Text>{t('flows.enabled')}</Typography.Text></Space>
        </Space>
        {general.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="flow-problems"
          title={<ul className="fl-problems">{general.map((p, i) => <li key={i}>{p.message}</li>)}</ul>} />}
        {checked && problems.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="flow-problem-summary"
          title={t('flows.problemCount', { count: problems.length })} />}
        {phone ? (
          <>
            <FlowOutline graph={graph} selected={selected} problems={perNode} onSelect={setSelected} />
            <Drawer open={!!node} onClose={() => setSelected(null)} size="100%" title={node?.name} destroyOnHidden>{settings}</Drawer>
          </>
        ) : (
          <div className="fl-flow-layout">
            <Suspense fallback={<div className="fl-flow-canvas fl-center"><Spin /></div>}>
              <FlowCanvas graph={graph} selected={selected} problems={perNode} onSelect={setSelected} onChange={change} />
            </Suspense>
            <div className="fl-flow-side">{settings ?? <Empty description={t('flows.selectNode')} />}</div>
          </div>
        )}
      </Card>
      <VersionsDrawer flowId={flow?.id} open={versionsOpen} onClose={() => setVersionsOpen(false)} refresh={flow?.published ?? 0} />
    </SummaryContext.Provider>
  );

  function toolbar() {
    return (
      <Space wrap>
        <Dropdown trigger={['click']} menu={addMenu}><Button icon={<PlusOutlined />} data-testid="add-node">{t('flows.addNode')}</Button></Dropdown>
        <Button icon={<CheckCircleOutlined />} loading={busy === 'validate'} onClick={() => void runValidate()} data-testid="flow-validate">{t('flows.validate')}</Button>
        <Button icon={<HistoryOutlined />} onClick={() => setVersionsOpen(true)} data-testid="flow-versions">{t('designer.versions')}</Button>
        <Button icon={<SaveOutlined />} loading={busy === 'save'} onClick={() => void save()} data-testid="flow-save">{t('designer.saveDraft')}</Button>
        <Popconfirm title={t('flows.publishConfirm')} okText={t('designer.publish')} cancelText={t('common.cancel')} onConfirm={() => void publish()}
          okButtonProps={{ 'data-testid': 'flow-publish-ok' }}>
          <Button type="primary" icon={<SendOutlined />} loading={busy === 'publish'} data-testid="flow-publish">{t('designer.publish')}</Button>
        </Popconfirm>
      </Space>
    );
  }
}

/** VersionsDrawer lists the flow's published versions; running instances keep the one they started with. */
function VersionsDrawer({ flowId, open, onClose, refresh }: { flowId?: string; open: boolean; onClose: () => void; refresh: number }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const phone = usePhone();
  const [list, setList] = useState<FlowVersion[] | null>(null);
  useEffect(() => {
    if (!open) return;
    if (!flowId) { setList([]); return; }
    setList(null);
    void flows.versions(flowId).then((v) => setList([...v].sort((a, b) => b.version - a.version)), () => setList([]));
  }, [flowId, open, refresh]);
  return (
    <Drawer open={open} onClose={onClose} title={t('designer.versions')} size={phone ? '100%' : 420}>
      <Typography.Paragraph type="secondary">{t('flows.versionsHelp')}</Typography.Paragraph>
      {list === null ? <Spin /> : list.length === 0 ? <Empty description={t('versions.none')} /> : (
        <Timeline items={list.map((v) => ({
          key: v.version,
          content: <div data-testid="flow-version">
            <Typography.Text strong>{t('versions.version', { n: v.version })}</Typography.Text>{' '}
            <Typography.Text type="secondary">{dayjs(v.publishedAt).format('YYYY-MM-DD HH:mm')} · {dir.users.find((u) => u.id === v.publishedBy)?.name ?? v.publishedBy}</Typography.Text>
            <div><Typography.Text type="secondary">{t('flows.formVersion', { n: v.formVersion })}</Typography.Text></div>
          </div>,
        }))} />
      )}
    </Drawer>
  );
}
