import { Alert, Button, Checkbox, Divider, Input, InputNumber, Popconfirm, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Assignee, AssigneeKind, Design as FlowGraph, Due, FlowEdge, FlowNode, NodeProblem, TaskActionName } from '../../api/flows';
import type { FieldAccess, FieldDef, WorkspaceRole } from '../../api/types';
import { useDirectory } from '../../fields/directory';
import { ExpressionInput, type CheckFn } from '../designer/ExpressionInput';
import { ASSIGNED, connect, dateFields, hoursOf, nodeAccess, removeEdge, setAllAccess, updateEdge, updateNode, userFields } from './model';

const ACCESS: FieldAccess[] = ['view', 'edit', 'hidden'];

/**
 * NodeSettings edits one node: its name, who (approver pickers), how (any,
 * all, a vote), its due time, the field permissions of its assignees, and
 * where it leads (with the branch conditions of a condition node). The
 * desktop shows it beside the canvas, the phone in a drawer.
 */
export function NodeSettings({ graph, node, fields, roles, check, problems, onChange, onRemove }: {
  graph: FlowGraph; node: FlowNode; fields: FieldDef[]; roles: WorkspaceRole[]; check: CheckFn; problems: NodeProblem[];
  onChange: (g: FlowGraph) => void; onRemove: () => void;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<FlowNode>) => onChange(updateNode(graph, node.id, patch));
  const assigned = ASSIGNED.includes(node.kind);
  return (
    <div data-testid="node-settings" className="fl-node-settings">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Tag color={KIND_COLOR[node.kind]}>{t(`flows.kind.${node.kind}`)}</Tag>
        {node.kind !== 'start' && <Popconfirm title={t('flows.removeConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')}
          okButtonProps={{ danger: true, 'data-testid': 'node-remove-ok' }} onConfirm={onRemove}>
          <Button size="small" danger icon={<DeleteOutlined />} data-testid="node-remove">{t('common.delete')}</Button>
        </Popconfirm>}
      </Space>
      {problems.length > 0 && <Alert type="error" showIcon style={{ marginTop: 8 }} data-testid="node-problems"
        title={<ul className="fl-problems">{problems.map((p, i) => <li key={i}>{p.message}</li>)}</ul>} />}
      <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>{t('flows.nodeName')}</Typography.Text>
      <Input value={node.name} maxLength={60} onChange={(e) => set({ name: e.target.value })} data-testid="node-name" />

      {(node.kind === 'approver' || node.kind === 'handler') && <>
        <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>{t('flows.mode')}</Typography.Text>
        <Segmented block value={node.mode ?? 'any'} data-testid="node-mode" onChange={(v) => set({ mode: v as FlowNode['mode'], threshold: v === 'vote' ? node.threshold ?? 0.5 : undefined })}
          options={(node.kind === 'approver' ? ['any', 'all', 'vote', 'sequence'] as const : ['any', 'all', 'sequence'] as const).map((m) => ({ value: m, label: t(`flows.mode_${m}`) }))} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`flows.modeHelp_${node.mode ?? 'any'}`)}</Typography.Text>
        {node.mode === 'vote' && <Space style={{ marginTop: 8 }}>
          <Typography.Text>{t('flows.threshold')}</Typography.Text>
          <InputNumber min={1} max={100} value={node.threshold ? Math.round(node.threshold * 100) : undefined} suffix="%"
            onChange={(v) => set({ threshold: v ? v / 100 : undefined })} data-testid="node-threshold" />
        </Space>}
      </>}

      {node.kind === 'parallel' && <>
        <Typography.Text strong style={{ display: 'block', marginTop: 12 }}>{t('flows.joinAt')}</Typography.Text>
        <Select style={{ width: '100%' }} value={node.join || undefined} placeholder={t('flows.pickJoin')} data-testid="node-join" notFoundContent={t('flows.noJoins')}
          onChange={(join: string) => set({ join })} options={graph.nodes.filter((n) => n.kind === 'join').map((n) => ({ value: n.id, label: n.name }))} />
      </>}

      {assigned && <>
        <Divider titlePlacement="start">{node.kind === 'cc' ? t('flows.ccTo') : t('flows.assignees')}</Divider>
        <AssigneeList value={node.assignees ?? []} fields={fields} roles={roles} onChange={(assignees) => set({ assignees })} />
      </>}

      {(node.kind === 'approver' || node.kind === 'handler') && <>
        <Divider titlePlacement="start">{t('flows.actions')}</Divider>
        <ActionsEditor node={node} onChange={(actions) => set({ actions })} />
        <Divider titlePlacement="start">{t('flows.due')}</Divider>
        <DueEditor value={node.due ?? null} fields={fields} roles={roles} onChange={(due) => set({ due })} />
      </>}

      {(node.kind === 'approver' || node.kind === 'handler') && fields.length > 0 && <>
        <Divider titlePlacement="start">{t('flows.fieldAccess')}</Divider>
        <FieldGrid node={node} fields={fields} onChange={set} />
      </>}

      {node.kind !== 'end' && <>
        <Divider titlePlacement="start">{node.kind === 'condition' ? t('flows.branches') : t('flows.next')}</Divider>
        <NextEditor graph={graph} node={node} fields={fields} check={check} onChange={onChange} problems={problems} />
      </>}
    </div>
  );
}

export const KIND_COLOR: Record<string, string> = {
  start: 'green', end: 'default', approver: 'blue', handler: 'cyan', cc: 'purple', condition: 'orange', parallel: 'gold', join: 'gold',
};

/** AssigneeList edits the rules that name a node's people; they add up. */
function AssigneeList({ value, fields, roles, onChange }: {
  value: Assignee[]; fields: FieldDef[]; roles: WorkspaceRole[]; onChange: (v: Assignee[]) => void;
}) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const put = (i: number, a: Assignee) => onChange(value.map((x, j) => (j === i ? a : x)));
  const ufs = userFields(fields);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="assignees">
      {value.map((a, i) => (
        <div key={i} className="fl-assignee" data-testid={`assignee-${i}`}>
          <Space.Compact style={{ width: '100%' }}>
            <Select style={{ flex: 1 }} value={a.kind} data-testid={`assignee-kind-${i}`} popupMatchSelectWidth={false}
              onChange={(k: AssigneeKind) => put(i, { kind: k, ...(k === 'head' ? { level: 1 } : {}) })}
              options={KINDS.map((k) => ({ value: k, label: t(`flows.who_${k}`) }))} />
            <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => onChange(value.filter((_, j) => j !== i))} />
          </Space.Compact>
          {a.kind === 'users' && <Select mode="multiple" style={{ width: '100%', marginTop: 4 }} optionFilterProp="label" value={a.users ?? []} data-testid={`assignee-users-${i}`}
            placeholder={t('flows.pickUsers')} onChange={(users: string[]) => put(i, { ...a, users })}
            options={dir.users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} />}
          {a.kind === 'role' && <Select style={{ width: '100%', marginTop: 4 }} optionFilterProp="label" showSearch value={a.role} data-testid={`assignee-role-${i}`}
            placeholder={t('flows.pickRole')} onChange={(role: string) => put(i, { ...a, role })} options={roles.map((r) => ({ value: r.id, label: r.name }))} />}
          {a.kind === 'head' && <Space style={{ marginTop: 4 }} wrap>
            <Typography.Text>{t('flows.level')}</Typography.Text>
            <InputNumber min={1} max={10} value={a.level ?? 1} onChange={(v) => put(i, { ...a, level: v ?? 1 })} data-testid={`assignee-level-${i}`} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{(a.level ?? 1) <= 1 ? t('flows.levelOwn') : t('flows.levelUp', { n: (a.level ?? 1) - 1 })}</Typography.Text>
          </Space>}
          {a.kind === 'field' && <Select style={{ width: '100%', marginTop: 4 }} value={a.field} data-testid={`assignee-field-${i}`} placeholder={t('flows.pickUserField')}
            notFoundContent={t('flows.noUserFields')} onChange={(field: string) => put(i, { ...a, field })} options={ufs.map((f) => ({ value: f.key, label: f.label }))} />}
          {(a.kind === 'initiator_choice' || a.kind === 'initiator') && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>{t(`flows.whoHelp_${a.kind}`)}</Typography.Paragraph>}
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} data-testid="assignee-add" onClick={() => onChange([...value, { kind: 'users', users: [] }])}>{t('flows.addAssignee')}</Button>
    </Space>
  );
}

/** DueEditor sets a node's deadline: none, hours after entering, or a date field; and what happens then. */
function DueEditor({ value, fields, roles, onChange }: { value: Due | null; fields: FieldDef[]; roles: WorkspaceRole[]; onChange: (d: Due | null) => void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const mode = !value ? 'none' : value.field !== undefined ? 'field' : 'after';
  const dfs = dateFields(fields);
  const target = value?.escalateTo ?? [];
  const users = target.find((a) => a.kind === 'users')?.users ?? [];
  const role = target.find((a) => a.kind === 'role')?.role;
  const setTarget = (u: string[], r?: string) => value && onChange({ ...value, escalateTo: [...(u.length ? [{ kind: 'users' as const, users: u }] : []), ...(r ? [{ kind: 'role' as const, role: r }] : [])] });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="due">
      <Segmented value={mode} data-testid="due-mode" onChange={(m) => onChange(m === 'none' ? null
        : m === 'field' ? { field: dfs[0]?.key ?? '', action: value?.action ?? 'remind', escalateTo: value?.escalateTo }
          : { after: '24h', action: value?.action ?? 'remind', escalateTo: value?.escalateTo })}
        options={[{ value: 'none', label: t('flows.dueNone') }, { value: 'after', label: t('flows.dueHours') }, { value: 'field', label: t('flows.dueField') }]} />
      {value && mode === 'after' && <Space><InputNumber min={1} max={8760} value={hoursOf(value.after) ?? undefined}
        onChange={(h) => onChange({ ...value, after: h ? `${h}h` : '' })} data-testid="due-hours" />
        <Typography.Text>{t('flows.hoursAfter')}</Typography.Text></Space>}
      {value && mode === 'field' && <Select style={{ width: '100%' }} value={value.field || undefined} placeholder={t('flows.pickDateField')} notFoundContent={t('flows.noDateFields')}
        onChange={(field: string) => onChange({ ...value, field })} options={dfs.map((f) => ({ value: f.key, label: f.label }))} data-testid="due-field" />}
      {value && <>
        <Typography.Text>{t('flows.dueThen')}</Typography.Text>
        <Select style={{ width: '100%' }} value={value.action} data-testid="due-action" onChange={(action: Due['action']) => onChange({ ...value, action })}
          options={(['remind', 'auto_approve', 'auto_return', 'escalate'] as const).map((a) => ({ value: a, label: t(`flows.due_${a}`) }))} />
        {value.action === 'escalate' && <>
          <Select mode="multiple" style={{ width: '100%' }} optionFilterProp="label" placeholder={t('flows.pickUsers')} value={users} data-testid="due-escalate-users"
            onChange={(u: string[]) => setTarget(u, role)} options={dir.users.map((u) => ({ value: u.id, label: u.name }))} />
          <Select allowClear style={{ width: '100%' }} placeholder={t('flows.pickRole')} value={role}
            onChange={(r?: string) => setTarget(users, r)} options={roles.map((r) => ({ value: r.id, label: r.name }))} />
        </>}
      </>}
    </Space>
  );
}

const ALL_ACTIONS: TaskActionName[] = ['approve', 'reject', 'return', 'transfer', 'add', 'cc'];
/** defaultActions are what a node offers when it names none (docs/workflows.md). */
export function defaultActions(kind: FlowNode['kind']): TaskActionName[] {
  return kind === 'handler' ? ['approve', 'return', 'transfer', 'cc'] : ALL_ACTIONS;
}

/** ActionsEditor picks the task actions a node offers its assignees. */
function ActionsEditor({ node, onChange }: { node: FlowNode; onChange: (a: TaskActionName[]) => void }) {
  const { t } = useTranslation();
  const offered = node.actions?.length ? node.actions : defaultActions(node.kind);
  const choices = node.kind === 'handler' ? ALL_ACTIONS.filter((a) => a !== 'reject' && a !== 'add') : ALL_ACTIONS;
  return (
    <Space wrap size={[12, 4]} data-testid="node-actions">
      {choices.map((a) => <Checkbox key={a} checked={offered.includes(a)} disabled={a === 'approve'} data-testid={`node-act-${a}`}
        onChange={(e) => onChange(e.target.checked ? [...offered, a] : offered.filter((x) => x !== a))}>
        {node.kind === 'handler' && a === 'approve' ? t('approvals.act.submit') : t(`approvals.act.${a}`)}</Checkbox>)}
    </Space>
  );
}

const KINDS: AssigneeKind[] = ['users', 'role', 'head', 'field', 'initiator_choice', 'initiator'];

/** FieldGrid sets, per field, what the node's assignees may do with it: view, edit or hidden. */
function FieldGrid({ node, fields, onChange }: { node: FlowNode; fields: FieldDef[]; onChange: (patch: Partial<FlowNode>) => void }) {
  const { t } = useTranslation();
  const required = node.required ?? [];
  // A field that stops being editable stops being required of the assignee.
  const put = (key: string, a: FieldAccess) => onChange({
    fields: { ...Object.fromEntries(fields.map((f) => [f.key, nodeAccess(node, f.key)])), [key]: a },
    ...(a !== 'edit' && required.includes(key) ? { required: required.filter((k) => k !== key) } : {}),
  });
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('flows.allFields')}</Typography.Text>
        {ACCESS.map((a) => <Button key={a} size="small" onClick={() => onChange({ fields: setAllAccess(fields, a), ...(a !== 'edit' ? { required: [] } : {}) })} data-testid={`fa-all-${a}`}>{t(`flows.access_${a}`)}</Button>)}
      </Space>
      <Table<FieldDef> size="small" rowKey="key" pagination={false} dataSource={fields} data-testid="field-grid" columns={[
        { key: 'label', title: t('perm.field'), render: (_, f) => f.label },
        ...ACCESS.map((a) => ({
          key: a, title: t(`flows.access_${a}`), width: 64, align: 'center' as const,
          render: (_: unknown, f: FieldDef) => <Checkbox checked={nodeAccess(node, f.key) === a} aria-label={`${f.label} ${t(`flows.access_${a}`)}`}
            data-testid={`fa-${f.key}-${a}`} onChange={(e) => { if (e.target.checked) put(f.key, a); }} />,
        })),
        { key: 'required', title: t('flows.mustFill'), width: 64, align: 'center' as const,
          render: (_: unknown, f: FieldDef) => <Checkbox checked={required.includes(f.key)} disabled={nodeAccess(node, f.key) !== 'edit'}
            aria-label={`${f.label} ${t('flows.mustFill')}`} data-testid={`fr-${f.key}`}
            onChange={(e) => onChange({ required: e.target.checked ? [...required, f.key] : required.filter((k) => k !== f.key) })} /> },
      ]} />
    </>
  );
}

/** NextEditor edits where a node leads: one next node, parallel branches, or condition branches with their expressions. */
function NextEditor({ graph, node, fields, check, onChange, problems }: {
  graph: FlowGraph; node: FlowNode; fields: FieldDef[]; check: CheckFn; onChange: (g: FlowGraph) => void; problems: NodeProblem[];
}) {
  const { t } = useTranslation();
  const outs = graph.edges.filter((e) => e.from === node.id);
  const targets = graph.nodes.filter((n) => n.id !== node.id && n.kind !== 'start').map((n) => ({ value: n.id, label: n.name || t(`flows.kind.${n.kind}`) }));
  const many = node.kind === 'condition' || node.kind === 'parallel';
  const retarget = (e: FlowEdge, to: string) => onChange(updateEdge(graph, e.id, { to }));
  const bad = (e: FlowEdge) => problems.filter((p) => p.edge === e.id);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="next">
      {outs.map((e, i) => (
        <div key={e.id} className={`fl-branch${bad(e).length ? ' fl-branch-bad' : ''}`} data-testid={`branch-${i}`}>
          <Space.Compact style={{ width: '100%' }}>
            <Select style={{ flex: 1 }} value={e.to} options={targets} onChange={(to: string) => retarget(e, to)} data-testid={`branch-to-${i}`} />
            {(many || outs.length > 1) && <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => onChange(removeEdge(graph, e.id))} data-testid={`branch-remove-${i}`} />}
          </Space.Compact>
          {node.kind === 'condition' && <>
            <Checkbox checked={!!e.default} style={{ marginTop: 4 }} onChange={(ev) => onChange(updateEdge(graph, e.id, { default: ev.target.checked }))} data-testid={`branch-default-${i}`}>
              {t('flows.defaultBranch')}</Checkbox>
            {!e.default && <ExpressionInput value={e.condition ?? ''} onChange={(condition) => onChange(updateEdge(graph, e.id, { condition }))} check={check} fields={fields} want="boolean"
              placeholder={t('flows.conditionPlaceholder')} testId={`branch-when-${i}`} />}
            <Input size="small" style={{ marginTop: 4 }} value={e.label ?? ''} maxLength={40} placeholder={t('flows.branchLabel')}
              onChange={(ev) => onChange(updateEdge(graph, e.id, { label: ev.target.value }))} data-testid={`branch-label-${i}`} />
          </>}
        </div>
      ))}
      {(many || outs.length === 0) && targets.length > 0 && (
        <Select style={{ width: '100%' }} value={null} placeholder={t('flows.addBranch')} data-testid="branch-add"
          options={targets.filter((x) => !outs.some((e) => e.to === x.value))}
          onChange={(to: string | null) => { if (to) onChange(connect(graph, node.id, to)); }} />
      )}
    </Space>
  );
}
