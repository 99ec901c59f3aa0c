import { useMemo, useState } from 'react';
import { Button, Card, Checkbox, Dropdown, Input, InputNumber, Segmented, Select, Space, Switch, Tag, TreeSelect, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Action, ActionKindInfo, ConfigProp } from '../../api/automation';
import type { FieldDef, Filter } from '../../api/types';
import { departmentTree, useDirectory } from '../../fields/directory';
import { ExpressionInput } from '../designer/ExpressionInput';
import { FilterBuilder } from '../data/FilterBuilder';
import { filterFields, fromFilter, toFilter, type Group } from '../data/filterModel';
import { useForms } from './forms';
import { BUILTIN_KINDS, isBuiltin, newAction, writable, type AlertConfig, type AssignConfig, type NotifyConfig, type RecordConfig, type Recipients, type TagsConfig, type Values } from './model';
import { Field, TemplateInput, pick, scoped, useAutomationCheck, useEventFields, type Errs } from './parts';

type Cfg = Record<string, unknown>;

/** FormSelect picks a published form of the workspace. */
function FormSelect({ value, onChange, status, testId }: { value?: string; onChange: (v: string) => void; status?: 'error'; testId?: string }) {
  const { t } = useTranslation();
  const { forms } = useForms();
  return <Select style={{ minWidth: 220 }} showSearch optionFilterProp="label" value={value || undefined} status={status} data-testid={testId}
    placeholder={t('automation.pickForm')} onChange={onChange}
    options={forms.filter((f) => f.published).map((f) => ({ value: f.id, label: `${f.name} · ${f.appName}` }))} />;
}

/**
 * ValuesMapping sets the target form's fields from expressions over the
 * triggering record (new.*, old.*). "Map same fields" fills the fields the
 * target shares with this form (by key, else by label).
 */
export function ValuesMapping({ formId, own, target, value, onChange, errs, path, prop = 'values' }: {
  formId: string; own: FieldDef[]; target: FieldDef[] | undefined; value: Values; onChange: (v: Values) => void; errs: Errs; path: string;
  /** prop "match" edits the field == expression conditions of a query instead of the values. */
  prop?: 'values' | 'match';
}) {
  const { t } = useTranslation();
  const check = useAutomationCheck(formId, 'value');
  const ev = useEventFields();
  const exprFields = useMemo(() => [...scoped(own, 'new'), ...scoped(own, 'old'), ...ev], [own, ev]);
  if (!target) return <Typography.Text type="secondary">{t('automation.pickFormFirst')}</Typography.Text>;
  const fields = prop === 'match' ? target.filter((f) => !['subform', 'attachment', 'image', 'signature'].includes(f.type)) : writable(target);
  const unmapped = fields.filter((f) => !(f.key in value));
  const mapSame = () => {
    const n: Values = { ...value };
    for (const f of fields) {
      if (f.key in n) continue;
      const src = own.find((o) => o.key === f.key) ?? own.find((o) => o.label === f.label);
      if (src) n[f.key] = `new.${src.key}`;
    }
    onChange(n);
  };
  return (
    <Field path={`${path}.${prop}`} errs={errs}>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid={prop === 'match' ? 'match' : 'mapping'}>
        {Object.entries(value).map(([k, src]) => {
          const f = target.find((x) => x.key === k);
          const p = `${path}.${prop}.${k}`;
          return (
            <div key={k} className="fl-auto-map-row" data-testid={`${prop === 'match' ? 'match' : 'map'}-${k}`}>
              <div className="fl-auto-map-target">
                <Tag color={f ? 'blue' : 'red'}>{f?.label ?? k}</Tag>
                {f?.required && <Typography.Text type="danger">*</Typography.Text>}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{prop === 'match' ? '==' : '='}</Typography.Text>
              </div>
              <div style={{ flex: 1, minWidth: 0 }}>
                <Field path={p} errs={errs}>
                  <ExpressionInput value={src} rows={1} check={check} fields={exprFields} testId={`${prop === 'match' ? 'match' : 'map'}-expr-${k}`}
                    onChange={(v) => onChange({ ...value, [k]: v })} />
                </Field>
              </div>
              <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')}
                onClick={() => { const n = { ...value }; delete n[k]; onChange(n); }} />
            </div>
          );
        })}
        {unmapped.map((f) => {
          // A field that must be set but has no row yet (a required one of a create) shows its error here.
          const e = errs(`${path}.${prop}.${f.key}`);
          return e ? <div key={f.key} className="fl-diag" role="alert" data-testid={`err-${path}.${prop}.${f.key}`}>{e}</div> : null;
        })}
        <Space wrap>
          <Select style={{ minWidth: 200 }} value={null} placeholder={t(prop === 'match' ? 'automation.addMatch' : 'automation.addMapping')} data-testid={prop === 'match' ? 'match-add' : 'map-add'} showSearch optionFilterProp="label"
            options={unmapped.map((f) => ({ value: f.key, label: `${f.label}${f.required ? ' *' : ''}` }))}
            onChange={(k: string | null) => { if (k) onChange({ ...value, [k]: '' }); }} />
          {prop === 'values' && <Button size="small" onClick={mapSame} disabled={unmapped.length === 0} data-testid="map-same">{t('automation.mapSame')}</Button>}
        </Space>
      </Space>
    </Field>
  );
}

/** FilterEditor edits a store filter with the data view's builder. */
function FilterEditor({ fields, value, onChange }: { fields: FieldDef[]; value?: Filter | null; onChange: (f: Filter | null) => void }) {
  const { t } = useTranslation();
  const [g, setG] = useState<Group>(() => fromFilter(value) ?? fromFilter(null)!);
  const ff = filterFields(fields, { createdAt: t('data.createdAt'), updatedAt: t('data.updatedAt'), createdBy: t('data.createdBy'), updatedBy: t('data.updatedBy') });
  return <FilterBuilder value={g} fields={ff} onChange={(n) => { setG(n); onChange(toFilter(n) ?? null); }} />;
}

/** RecipientsEditor says who is told: the owner, member fields of the record, members, roles, departments. */
function RecipientsEditor({ value, onChange, own, errs, path }: { value: Recipients; onChange: (v: Recipients) => void; own: FieldDef[]; errs: Errs; path: string }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const { roles } = useForms();
  const userFields = own.filter((f) => f.type === 'user' || f.type === 'users');
  const row = (label: string, input: React.ReactNode, p: string) => (
    <Field path={`${path}.${p}`} errs={errs}><Space wrap style={{ width: '100%' }}><span style={{ minWidth: 80, display: 'inline-block' }}>{label}</span>{input}</Space></Field>
  );
  return (
    <Field path={path} errs={errs}>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid="recipients">
        <Checkbox checked={!!value.owner} onChange={(e) => onChange({ ...value, owner: e.target.checked })} data-testid="recipient-owner">{t('automation.recipient.owner')}</Checkbox>
        {row(t('automation.recipient.field'), <Select mode="multiple" style={{ minWidth: 200 }} value={value.fields ?? []} onChange={(fields: string[]) => onChange({ ...value, fields })}
          options={userFields.map((f) => ({ value: f.key, label: f.label }))} notFoundContent={t('automation.noUserField')} data-testid="recipient-fields" />, 'fields')}
        {row(t('automation.recipient.user'), <Select mode="multiple" style={{ minWidth: 200 }} optionFilterProp="label" value={value.users ?? []} onChange={(users: string[]) => onChange({ ...value, users })}
          options={dir.users.map((u) => ({ value: u.id, label: u.name }))} data-testid="recipient-users" />, 'users')}
        {row(t('automation.recipient.role'), <Select mode="multiple" style={{ minWidth: 200 }} optionFilterProp="label" value={value.roles ?? []} onChange={(r: string[]) => onChange({ ...value, roles: r })}
          options={[{ value: 'admin', label: t('automation.recipient.admins') }, ...roles.map((x) => ({ value: x.id, label: x.name }))]} />, 'roles')}
        {row(t('automation.recipient.department'), <TreeSelect multiple style={{ minWidth: 200 }} value={value.departments ?? []} onChange={(d: string[]) => onChange({ ...value, departments: d })}
          treeData={departmentTree(dir.departments)} />, 'departments')}
      </Space>
    </Field>
  );
}

/** SchemaSettings renders a registered action's settings from its schema; without one, its settings as JSON. */
function SchemaSettings({ info, config, onChange, errs, path, formId, own }: {
  info?: ActionKindInfo; config: Cfg; onChange: (c: Cfg) => void; errs: Errs; path: string; formId: string; own: FieldDef[];
}) {
  const { t, i18n } = useTranslation();
  const [raw, setRaw] = useState(() => JSON.stringify(config, null, 2));
  const [bad, setBad] = useState(false);
  const check = useAutomationCheck(formId, 'value');
  const ev = useEventFields();
  const props = info?.schema?.properties;
  if (!props) {
    return (
      <Field label={t('automation.rawConfig')} path={path} errs={(p) => errs(p) ?? (bad ? t('automation.badJSON') : undefined)}>
        <Input.TextArea rows={4} value={raw} style={{ fontFamily: 'ui-monospace, monospace' }} data-testid="raw-config"
          onChange={(e) => { setRaw(e.target.value); try { const v = JSON.parse(e.target.value) as unknown; if (v && typeof v === 'object' && !Array.isArray(v)) { setBad(false); onChange(v as Cfg); } else setBad(true); } catch { setBad(true); } }} />
      </Field>
    );
  }
  const text = (v: ConfigProp['title']) => (typeof v === 'string' ? v : pick(v, i18n.language));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {Object.entries(props).map(([k, p]) => {
        const req = info?.schema?.required?.includes(k);
        const label = <>{text(p.title) || k}{req && <Typography.Text type="danger"> *</Typography.Text>}</>;
        const v = config[k];
        const set = (x: unknown) => onChange({ ...config, [k]: x });
        let input: React.ReactNode;
        if (p.enum) input = <Select style={{ minWidth: 180 }} value={v as string} onChange={set} options={p.enum.map((e) => ({ value: e, label: e }))} />;
        else if (p.type === 'boolean') input = <Switch checked={!!v} onChange={set} />;
        else if (p.type === 'number' || p.type === 'integer') input = <InputNumber value={v as number} onChange={set} precision={p.type === 'integer' ? 0 : undefined} />;
        else if (p.format === 'expression') input = <ExpressionInput value={(v as string) ?? ''} onChange={set} check={check} fields={[...scoped(own, 'new'), ...ev]} rows={1} />;
        else if (p.format === 'template') input = <TemplateInput value={(v as string) ?? ''} onChange={set} fields={own} />;
        else input = <Input value={(v as string) ?? ''} onChange={(e) => set(e.target.value)} />;
        return <Field key={k} label={label} path={`${path}.${k}`} errs={errs} help={text(p.description)}>{input}</Field>;
      })}
    </Space>
  );
}

/** ActionSettings edits one action's settings by its kind. */
export function ActionSettings({ action, index, onChange, formId, own, kinds, errs }: {
  action: Action; index: number; onChange: (a: Action) => void; formId: string; own: FieldDef[]; kinds: ActionKindInfo[]; errs: Errs;
}) {
  const { t } = useTranslation();
  const { fieldsOf } = useForms();
  const path = `actions[${index}].config`;
  const c = action.config;
  const set = (n: Cfg) => onChange({ ...action, config: { ...c, ...n } });
  const st = (p: string) => (errs(p) ? 'error' as const : undefined);
  const check = useAutomationCheck(formId, 'value');
  const ev = useEventFields();
  const userFields = own.filter((f) => f.type === 'user' || f.type === 'users');
  const dir = useDirectory();
  const { roles } = useForms();

  switch (action.kind) {
    case 'record.create': case 'record.upsert': case 'record.update': case 'record.delete': {
      const rc = c as RecordConfig;
      const query = action.kind === 'record.create' || action.kind === 'record.upsert' || rc.target === 'query';
      const target = !query ? own : rc.form ? fieldsOf(rc.form) : undefined;
      const pickTarget = action.kind === 'record.update' || action.kind === 'record.delete';
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {pickTarget && <Segmented value={query ? 'query' : 'record'} data-testid={`action-${index}-target`}
            onChange={(v) => onChange({ ...action, config: v === 'record' ? { target: 'record', ...(action.kind === 'record.update' ? { values: {} } : {}) } : { target: 'query', form: '', match: {}, ...(action.kind === 'record.update' ? { values: {} } : {}) } })}
            options={[{ value: 'record', label: t('automation.thisRecord') }, { value: 'query', label: t('automation.matching') }]} />}
          {query && <Field label={t('automation.targetForm')} path={`${path}.form`} errs={errs}>
            <FormSelect value={rc.form} status={st(`${path}.form`)} testId={`action-${index}-form`}
              onChange={(form) => onChange({ ...action, config: { ...(pickTarget ? { target: 'query' } : {}), form, ...(action.kind !== 'record.delete' ? { values: {} } : {}), ...(action.kind !== 'record.create' ? { match: {} } : {}) } })} />
          </Field>}
          {query && action.kind !== 'record.create' && target && (<>
            <Field label={t('automation.matchWhere')} path={`${path}.match`} errs={errs} help={action.kind === 'record.upsert' ? t('automation.upsertHelp') : t('automation.matchHelp')}>
              <ValuesMapping prop="match" formId={formId} own={own} target={target} value={rc.match ?? {}} onChange={(match) => set({ match })} errs={errs} path={path} />
            </Field>
            <Field label={t('automation.matchFilter')} path={`${path}.filter`} errs={errs}>
              <FilterEditor key={String(rc.form)} fields={target} value={rc.filter} onChange={(filter) => set({ filter })} />
            </Field>
          </>)}
          {action.kind !== 'record.delete' && (
            <Field label={action.kind === 'record.update' ? t('automation.setFields') : t('automation.mapping')} path={`${path}.mappingHead`} errs={errs}>
              <ValuesMapping formId={formId} own={own} target={target} value={rc.values ?? {}} onChange={(values) => set({ values })} errs={errs} path={path} />
            </Field>
          )}
          {action.kind === 'record.delete' && <Typography.Text type="warning">{t('automation.deleteHelp')}</Typography.Text>}
        </Space>
      );
    }
    case 'notify': {
      const nc = c as unknown as NotifyConfig;
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field label={t('automation.recipients')} path={`${path}.recipientsHead`} errs={errs}>
            <RecipientsEditor value={nc.recipients ?? {}} onChange={(recipients) => set({ recipients })} own={own} errs={errs} path={`${path}.recipients`} />
          </Field>
          <Field label={t('automation.noticeTitle')} path={`${path}.title`} errs={errs} help={t('automation.templateHelp')}>
            <TemplateInput value={nc.title} onChange={(title) => set({ title })} fields={own} status={st(`${path}.title`)} testId={`action-${index}-title`} />
          </Field>
          <Field label={t('automation.body')} path={`${path}.body`} errs={errs}>
            <TemplateInput multiline value={nc.body} onChange={(body) => set({ body })} fields={own} status={st(`${path}.body`)} testId={`action-${index}-body`} />
          </Field>
        </Space>
      );
    }
    case 'assign': {
      const ac = c as unknown as AssignConfig;
      const poolKind = ac.role !== undefined ? 'role' : ac.department !== undefined ? 'department' : 'users';
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field label={t('automation.userField')} path={`${path}.field`} errs={errs}>
            <Select style={{ minWidth: 200 }} value={ac.field || undefined} status={st(`${path}.field`)} onChange={(field: string) => set({ field })} data-testid={`action-${index}-field`}
              options={userFields.map((f) => ({ value: f.key, label: f.label }))} notFoundContent={t('automation.noUserField')} />
          </Field>
          <Segmented value={ac.strategy} onChange={(strategy) => set({ strategy })}
            options={(['round_robin', 'least_loaded', 'expression'] as const).map((k) => ({ value: k, label: t(`automation.assign.${k}`) }))} />
          {ac.strategy !== 'expression' && (
            <Field label={t('automation.assign.pool')} path={`${path}.users`} errs={errs}>
              <Space wrap>
                <Select style={{ width: 130 }} value={poolKind}
                  onChange={(k: 'users' | 'role' | 'department') => onChange({ ...action, config: { ...c, users: k === 'users' ? [] : undefined, role: k === 'role' ? '' : undefined, department: k === 'department' ? '' : undefined } })}
                  options={(['users', 'role', 'department'] as const).map((k) => ({ value: k, label: t(`automation.assign.pool_${k}`) }))} />
                {poolKind === 'users' && <Select mode="multiple" style={{ minWidth: 220 }} optionFilterProp="label" value={ac.users ?? []}
                  onChange={(users: string[]) => set({ users })} options={dir.users.map((u) => ({ value: u.id, label: u.name }))} />}
                {poolKind === 'role' && <Select style={{ minWidth: 160 }} value={ac.role || undefined} onChange={(role: string) => set({ role })}
                  options={roles.map((r) => ({ value: r.id, label: r.name }))} />}
                {poolKind === 'department' && <TreeSelect style={{ minWidth: 160 }} value={ac.department || undefined} onChange={(department: string) => set({ department })}
                  treeData={departmentTree(dir.departments)} />}
              </Space>
            </Field>
          )}
          {ac.strategy === 'least_loaded' && (
            <Field label={t('automation.assign.open')} path={`${path}.open`} errs={errs} help={t('automation.assign.openHelp')}>
              <FilterEditor fields={own} value={ac.open} onChange={(open) => set({ open })} />
            </Field>
          )}
          {ac.strategy === 'expression' && (
            <Field label={t('automation.assign.expression')} path={`${path}.expression`} errs={errs}>
              <ExpressionInput value={ac.expression ?? ''} onChange={(expression) => set({ expression })} check={check} fields={[...scoped(own, 'new'), ...ev]} rows={1} />
            </Field>
          )}
          <Checkbox checked={!!ac.onlyEmpty} onChange={(e) => set({ onlyEmpty: e.target.checked })}>{t('automation.assign.onlyEmpty')}</Checkbox>
        </Space>
      );
    }
    case 'tags': {
      const tc = c as unknown as TagsConfig;
      const f = own.find((x) => x.key === tc.field);
      const opts = (f?.options ?? []).map((o) => ({ value: o.value, label: o.label }));
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field label={t('automation.tagField')} path={`${path}.field`} errs={errs}>
            <Select style={{ minWidth: 200 }} value={tc.field || undefined} status={st(`${path}.field`)} onChange={(field: string) => set({ field, add: [], remove: [] })}
              options={own.filter((x) => x.type === 'multiselect').map((x) => ({ value: x.key, label: x.label }))} />
          </Field>
          <Field label={t('automation.tagsAdd')} path={`${path}.add`} errs={errs}>
            <Select mode="multiple" style={{ width: '100%' }} value={tc.add ?? []} options={opts} onChange={(add: string[]) => set({ add })} />
          </Field>
          <Field label={t('automation.tagsRemove')} path={`${path}.remove`} errs={errs}>
            <Select mode="multiple" style={{ width: '100%' }} value={tc.remove ?? []} options={opts} onChange={(remove: string[]) => set({ remove })} />
          </Field>
        </Space>
      );
    }
    case 'alert.raise': {
      const al = c as unknown as AlertConfig;
      return (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Field label={t('automation.alert.severity')} path={`${path}.severity`} errs={errs}>
            <Segmented value={al.severity} onChange={(severity) => set({ severity })}
              options={(['info', 'warning', 'critical'] as const).map((s) => ({ value: s, label: t(`automation.alert.sev.${s}`) }))} />
          </Field>
          <Field label={t('automation.alert.dedupe')} path={`${path}.dedupe`} errs={errs} help={t('automation.alert.dedupeHelp')}>
            <ExpressionInput value={al.dedupe ?? ''} onChange={(dedupe) => set({ dedupe })} placeholder="new.id" check={check} fields={[...scoped(own, 'new'), ...ev]} rows={1} />
          </Field>
          <Field label={t('automation.noticeTitle')} path={`${path}.title`} errs={errs}>
            <TemplateInput value={al.title} onChange={(title) => set({ title })} fields={own} status={st(`${path}.title`)} />
          </Field>
          <Field label={t('automation.body')} path={`${path}.body`} errs={errs}>
            <TemplateInput multiline value={al.body} onChange={(body) => set({ body })} fields={own} />
          </Field>
          <Field label={t('automation.alert.escalation')} path={`${path}.escalation`} errs={errs} help={t('automation.alert.escalationHelp')}>
            <Space wrap>
              <InputNumber min={1} max={720} value={al.escalation?.headAfterHours} addonBefore={t('automation.alert.head')} addonAfter={t('automation.alert.hours')}
                onChange={(n) => set({ escalation: { ...al.escalation, headAfterHours: n == null ? undefined : Number(n) } })} />
              <Select style={{ minWidth: 150 }} allowClear placeholder={t('automation.alert.thenRole')} value={al.escalation?.role || undefined}
                onChange={(role?: string) => set({ escalation: { ...al.escalation, role } })} options={roles.map((r) => ({ value: r.id, label: r.name }))} />
              {al.escalation?.role && <InputNumber min={1} max={720} value={al.escalation?.roleAfterHours} addonAfter={t('automation.alert.hours')}
                onChange={(n) => set({ escalation: { ...al.escalation, roleAfterHours: n == null ? undefined : Number(n) } })} />}
            </Space>
          </Field>
          <Checkbox checked={al.autoResolve !== false} onChange={(e) => set({ autoResolve: e.target.checked })}>{t('automation.alert.autoResolve')}</Checkbox>
        </Space>
      );
    }
    default:
      return <SchemaSettings info={kinds.find((k) => k.kind === action.kind)} config={c} onChange={(n) => onChange({ ...action, config: n })} errs={errs} path={path} formId={formId} own={own} />;
  }
}

/** kindLabel names an action kind: a built-in one by its own text, a registered one by its label. */
export function useKindLabel(kinds: ActionKindInfo[]): (k: string) => string {
  const { t, i18n } = useTranslation();
  return (k) => (isBuiltin(k) ? t(`automation.kind.${k}`) : pick(kinds.find((x) => x.kind === k)?.label, i18n.language) || k);
}

/** ActionsEditor lists the actions in the order they run: add, reorder, remove, and each one's settings. */
export function ActionsEditor({ value, onChange, formId, own, kinds, errs }: {
  value: Action[]; onChange: (a: Action[]) => void; formId: string; own: FieldDef[]; kinds: ActionKindInfo[]; errs: Errs;
}) {
  const { t } = useTranslation();
  const label = useKindLabel(kinds);
  const extra = kinds.filter((k) => !isBuiltin(k.kind));
  const move = (i: number, d: number) => { const n = [...value]; const [a] = n.splice(i, 1); n.splice(i + d, 0, a); onChange(n); };
  const menu = [...BUILTIN_KINDS.map((k) => ({ key: k, label: <span data-testid={`add-${k}`}>{label(k)}</span> })),
    ...(extra.length ? [{ type: 'divider' as const }, ...extra.map((k) => ({ key: k.kind, label: <span data-testid={`add-${k.kind}`}>{label(k.kind)}</span> }))] : [])];
  return (
    <Field path="actions" errs={errs}>
      <Space orientation="vertical" style={{ width: '100%' }} size={12} data-testid="actions">
        {value.map((a, i) => (
          <Card key={i} size="small" data-testid="action-card" className={errs(`actions[${i}]`) ? 'fl-auto-card-bad' : undefined}
            title={<Space><Tag>{i + 1}</Tag><ThunderboltOutlined /><span>{label(a.kind)}</span></Space>}
            extra={<Space size={0}>
              <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} aria-label={t('automation.moveUp')} onClick={() => move(i, -1)} />
              <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={i === value.length - 1} aria-label={t('automation.moveDown')} onClick={() => move(i, 1)} />
              <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} data-testid="action-remove" onClick={() => onChange(value.filter((_, j) => j !== i))} />
            </Space>}>
            {errs(`actions[${i}]`) && <div className="fl-diag" data-testid={`err-actions[${i}]`}>{errs(`actions[${i}]`)}</div>}
            <ActionSettings action={a} index={i} formId={formId} own={own} kinds={kinds} errs={errs} onChange={(n) => onChange(value.map((x, j) => (j === i ? n : x)))} />
          </Card>
        ))}
        {value.length > 0 && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('automation.noRollback')}</Typography.Text>}
        <Dropdown trigger={['click']} menu={{ items: menu, onClick: ({ key }) => onChange([...value, newAction(key)]) }}>
          <Button icon={<PlusOutlined />} data-testid="add-action">{t('automation.addAction')}</Button>
        </Dropdown>
      </Space>
    </Field>
  );
}
