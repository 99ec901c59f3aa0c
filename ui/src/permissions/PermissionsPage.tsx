import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Breadcrumb, Button, Card, Checkbox, Divider, Drawer, Dropdown, Empty, Input, Popconfirm, Segmented, Select, Space, Spin, Table, Tag, TreeSelect, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { FieldAccess, FieldDef, Form, FormPermissions, PermissionSet, Preset, WorkspaceRole } from '../api/types';
import { PRESETS, RECORD_ACTIONS } from '../api/types';
import { DirectoryProvider, departmentTree, useDirectory } from '../fields/directory';
import { FilterBuilder } from '../screens/data/FilterBuilder';
import { emptyGroup, fromFilter, rowFilterFields, toFilter, type Group } from '../screens/data/filterModel';
import { usePublished } from '../screens/fill/usePublished';
import { errorText } from '../util/errors';
import { usePhone } from '../util/usePhone';
import { fieldAccess, grantsFrom, grantsOf, newSetFrom, presetOf, setFieldAccess, toggleAction, withAllFields } from './model';

/** The id the server gives the default set of a form nobody configured. */
const DEFAULT_ID = 'default';

export default function PermissionsPage() {
  const { formId = '' } = useParams();
  return <DirectoryProvider><Permissions formId={formId} /></DirectoryProvider>;
}

function Permissions({ formId }: { formId: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const dir = useDirectory();
  const { form: meta, version, error } = usePublished(formId);
  const [perms, setPerms] = useState<FormPermissions | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [presets, setPresets] = useState<PermissionSet[]>([]);
  const [editing, setEditing] = useState<PermissionSet | null>(null);
  const [conflict, setConflict] = useState(false);

  const load = useCallback(async () => {
    try { setPerms(await api.formPermissions(formId)); setLoadError(null); } catch (e) { setLoadError(errorText(e)); }
  }, [formId]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => {
    void api.roles().then(setRoles, () => setRoles([]));
    void api.permissionPresets().then(setPresets, () => setPresets([]));
  }, []);

  const fields: FieldDef[] = useMemo(() => version?.definition.fields ?? meta?.draft.fields ?? [], [version, meta]);
  const presetName = (p: Preset) => t(`perm.preset.${p}`);
  const isDefault = (s: PermissionSet) => !!perms && !perms.configured && s.id === DEFAULT_ID;
  const setTitle = (s: PermissionSet) => (isDefault(s) ? t('perm.defaultSet') : s.name || presetName(s.preset));
  const grantText = (s: PermissionSet) => {
    const g = grantsOf(s.grants);
    const names = [
      ...(g.everyone ? [t('perm.everyone')] : []),
      ...g.roles.map((id) => roles.find((r) => r.id === id)?.name ?? id),
      ...g.departments.map((id) => dir.departments.find((d) => d.id === id)?.name ?? id),
      ...g.members.map((id) => dir.users.find((u) => u.id === id)?.name ?? id),
    ];
    return names.length ? names.join('、') : t('perm.nobody');
  };

  const failed = (e: unknown) => {
    if (e instanceof ApiError && e.isConflict) { setConflict(true); return true; }
    return false;
  };

  const remove = async (s: PermissionSet) => {
    if (!perms) return;
    try {
      await api.deletePermissionSet(formId, s.id, perms.version);
      message.success(t('perm.deleted', { name: setTitle(s) }));
      await load();
    } catch (e) { if (!failed(e)) message.error(errorText(e)); }
  };

  /** save writes the set; a form nobody configured keeps its default set as a real one on the first save. */
  const save = async (s: PermissionSet): Promise<ApiError | null> => {
    if (!perms) return null;
    const set = { ...s, preset: presetOf(s) };
    try {
      if (!set.id) {
        const { id: _drop, ...rest } = set;
        void _drop;
        await api.addPermissionSet(formId, rest, perms.version);
      } else if (isDefault(set)) {
        try {
          await api.savePermissionSet(formId, set, perms.version);
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) throw e;
          // The default set has no stored id yet: store the form's
          // permissions without it, then add the edited set in its place.
          const { id: _drop, ...rest } = set;
          void _drop;
          await api.deletePermissionSet(formId, DEFAULT_ID, perms.version);
          const now = await api.formPermissions(formId);
          await api.addPermissionSet(formId, rest, now.version);
        }
      } else {
        await api.savePermissionSet(formId, set, perms.version);
      }
      message.success(t('common.saved'));
      setEditing(null); setConflict(false);
      await load();
      return null;
    } catch (e) {
      if (failed(e)) return null;
      if (e instanceof ApiError && e.fields.length) return e;
      message.error(errorText(e));
      return null;
    }
  };

  if (error) return <Alert type="error" title={error} />;
  if (!meta) return <Spin />;

  const addMenu = {
    items: PRESETS.map((p) => ({ key: p, label: <span data-testid={`preset-${p}`}>{presetName(p)}</span> })),
    onClick: ({ key }: { key: string }) => {
      const p = key as (typeof PRESETS)[number];
      setEditing(withAllFields(newSetFrom(p, presetName(p), presets.find((x) => x.preset === p)), fields));
    },
  };

  return (
    <>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> },
        { title: meta.name }, { title: t('perm.title') }]} />
      <Card title={t('perm.titleOf', { name: meta.name })} data-testid="permissions-page"
        extra={<Dropdown trigger={['click']} menu={addMenu} disabled={!perms}>
          <Button type="primary" icon={<PlusOutlined />} data-testid="add-set">{t('perm.addSet')}</Button>
        </Dropdown>}>
        <Typography.Paragraph type="secondary">{t('perm.intro')}</Typography.Paragraph>
        {conflict && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="perm-conflict" title={t('perm.conflict')}
          action={<Button size="small" icon={<ReloadOutlined />} onClick={() => { setConflict(false); void load(); }} data-testid="perm-reload">{t('perm.reload')}</Button>} />}
        {loadError && <Alert type="error" showIcon title={loadError} data-testid="perm-error" />}
        {!perms ? (!loadError && <Spin />) : (
          <>
            {!perms.configured && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('perm.defaultHint')} />}
            {perms.sets.length === 0 ? <Empty description={t('perm.noSets')} data-testid="perm-empty" /> : (
              <ul className="fl-list">
                {perms.sets.map((s) => (
                  <li key={s.id} data-testid="perm-set">
                    <div className="fl-list-main">
                      <Typography.Text strong data-testid="perm-set-name">{setTitle(s)}</Typography.Text>
                      <Typography.Text type="secondary">{t('perm.appliesTo', { who: grantText(s) })}</Typography.Text>
                      <Space size={4} wrap>
                        {s.actions.map((a) => <Tag key={a}>{t(`perm.act.${a.slice('record.'.length)}`)}</Tag>)}
                        {s.rows && <Tag color="blue">{t('perm.rowsLimited')}</Tag>}
                        {Object.values(s.fields ?? {}).some((f) => f === 'hidden') && <Tag color="orange">{t('perm.someHidden')}</Tag>}
                      </Space>
                    </div>
                    <Space wrap>
                      <Button size="small" icon={<EditOutlined />} data-testid="set-edit" onClick={() => setEditing(withAllFields({ ...s, fields: s.fields ?? {} }, fields))}>{t('common.edit')}</Button>
                      <Popconfirm title={t('perm.deleteConfirm', { name: setTitle(s) })} okText={t('common.delete')} cancelText={t('common.cancel')}
                        okButtonProps={{ danger: true, 'data-testid': 'set-delete-ok' }} onConfirm={() => remove(s)}>
                        <Button size="small" danger icon={<DeleteOutlined />} data-testid="set-delete">{t('common.delete')}</Button>
                      </Popconfirm>
                    </Space>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </Card>
      {editing && <SetEditor set={editing} fields={fields} roles={roles} published={!!version} title={editing.id ? setTitle(editing) : t('perm.newSet')}
        conflict={conflict} onReload={() => { setConflict(false); void load(); }}
        onClose={() => setEditing(null)} onSave={save} meta={meta} />}
    </>
  );
}

/** SetEditor edits one permission set: name, actions, field access, row filter, grants. */
function SetEditor({ set, fields, roles, published, title, conflict, onReload, onClose, onSave }: {
  set: PermissionSet; fields: FieldDef[]; roles: WorkspaceRole[]; published: boolean; title: string; meta: Form;
  conflict: boolean; onReload: () => void; onClose: () => void; onSave: (s: PermissionSet) => Promise<ApiError | null>;
}) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const phone = usePhone();
  const [draft, setDraft] = useState<PermissionSet>(set);
  const initialRows = useMemo(() => fromFilter(set.rows), [set]);
  const [rowsMode, setRowsMode] = useState<'all' | 'some'>(set.rows ? 'some' : 'all');
  const [group, setGroup] = useState<Group>(initialRows ?? emptyGroup());
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const grants = grantsOf(draft.grants);
  const setGrants = (g: Partial<typeof grants>) => setDraft({ ...draft, grants: grantsFrom({ ...grants, ...g }) });
  const rowFields = useMemo(() => rowFilterFields(fields, {
    ownedBy: t('perm.owner'), createdAt: t('data.createdAt'), updatedAt: t('data.updatedAt'), createdBy: t('data.createdBy'), updatedBy: t('data.updatedBy'),
  }), [fields, t]);

  const save = async () => {
    // A filter the builder cannot show (a "not") is kept as it was.
    const rows = rowsMode === 'all' ? null : initialRows === null ? set.rows : (toFilter(group) ?? null);
    setBusy(true); setProblems([]);
    const err = await onSave({ ...draft, name: draft.name.trim(), rows });
    setBusy(false);
    if (err) setProblems(err.fields.map((f) => f.message || f.code));
  };

  const access = (f: FieldDef): FieldAccess => fieldAccess(draft, f.key);
  return (
    <Drawer open onClose={onClose} size={phone ? '100%' : 760} title={title} destroyOnHidden data-testid="set-editor"
      footer={<Space>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="set-save">{t('common.save')}</Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
      </Space>}>
      {conflict && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="set-conflict" title={t('perm.conflict')} description={t('perm.conflictKeep')}
        action={<Button size="small" icon={<ReloadOutlined />} onClick={onReload}>{t('perm.reload')}</Button>} />}
      {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} data-testid="set-problems" title={problems.join('；')} />}
      <Space orientation="vertical" style={{ width: '100%' }} size={4}>
        <Typography.Text strong>{t('perm.name')}</Typography.Text>
        <Input value={draft.name} maxLength={100} placeholder={t(`perm.preset.${draft.preset}`)} onChange={(e) => setDraft({ ...draft, name: e.target.value })} data-testid="set-name" />
      </Space>

      <Divider titlePlacement="start">{t('perm.actions')}</Divider>
      <Space wrap size={[16, 8]} data-testid="set-actions">
        {RECORD_ACTIONS.map((a) => (
          <Checkbox key={a} checked={draft.actions.includes(a)} data-testid={`act-${a}`}
            onChange={(e) => setDraft({ ...draft, actions: toggleAction(draft.actions, a, e.target.checked) })}>{t(`perm.act.${a.slice('record.'.length)}`)}</Checkbox>
        ))}
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('perm.needsView')}</Typography.Paragraph>

      <Divider titlePlacement="start">{t('perm.fields')}</Divider>
      <Table<FieldDef> size="small" rowKey="key" pagination={false} dataSource={fields} data-testid="set-fields" columns={[
        { key: 'label', title: t('perm.field'), render: (_, f) => <Space size={4} wrap>{f.label}{access(f) === 'hidden' && <Tag color="orange">{t('perm.hidden')}</Tag>}</Space> },
        { key: 'view', title: t('perm.canView'), width: 90, render: (_, f) => <Checkbox checked={access(f) !== 'hidden'} aria-label={`${f.label} ${t('perm.canView')}`}
          data-testid={`fv-${f.key}`} onChange={(e) => setDraft(setFieldAccess(draft, f.key, 'view', e.target.checked))} /> },
        { key: 'edit', title: t('perm.canEdit'), width: 90, render: (_, f) => <Checkbox checked={access(f) === 'edit'} aria-label={`${f.label} ${t('perm.canEdit')}`}
          data-testid={`fe-${f.key}`} onChange={(e) => setDraft(setFieldAccess(draft, f.key, 'edit', e.target.checked))} /> },
      ]} />
      <Space wrap style={{ marginTop: 8 }}>
        <Typography.Text>{t('perm.fieldDefault')}</Typography.Text>
        <Select style={{ width: 140 }} value={draft.fieldDefault} onChange={(v: FieldAccess) => setDraft({ ...draft, fieldDefault: v })}
          options={(['edit', 'view', 'hidden'] as const).map((v) => ({ value: v, label: t(`perm.access.${v}`) }))} />
      </Space>

      <Divider titlePlacement="start">{t('perm.rows')}</Divider>
      <Segmented value={rowsMode} onChange={(v) => setRowsMode(v as 'all' | 'some')} data-testid="set-rows-mode"
        options={[{ value: 'all', label: t('perm.rowsAll') }, { value: 'some', label: t('perm.rowsSome'), disabled: !published }]} />
      {!published && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('perm.rowsNeedPublish')}</Typography.Paragraph>}
      {rowsMode === 'some' && (initialRows === null
        ? <Alert type="info" style={{ marginTop: 8 }} title={t('perm.rowsAdvanced')} />
        : <div style={{ marginTop: 8 }} data-testid="set-rows">
            <Typography.Paragraph type="secondary">{t('perm.rowsHint')}</Typography.Paragraph>
            <FilterBuilder value={group} onChange={setGroup} fields={rowFields} />
          </div>)}

      <Divider titlePlacement="start">{t('perm.grants')}</Divider>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Checkbox checked={grants.everyone} onChange={(e) => setGrants({ everyone: e.target.checked })} data-testid="grant-everyone">{t('perm.everyone')}</Checkbox>
        <Typography.Text>{t('perm.roles')}</Typography.Text>
        <Select mode="multiple" style={{ width: '100%' }} allowClear optionFilterProp="label" value={grants.roles} data-testid="grant-roles"
          onChange={(v: string[]) => setGrants({ roles: v })} options={roles.map((r) => ({ value: r.id, label: r.name }))} />
        <Typography.Text>{t('perm.departments')}</Typography.Text>
        <TreeSelect multiple style={{ width: '100%' }} allowClear treeDefaultExpandAll value={grants.departments} data-testid="grant-departments"
          onChange={(v: string[]) => setGrants({ departments: v })} treeData={departmentTree(dir.departments)} />
        <Typography.Text>{t('perm.members')}</Typography.Text>
        <Select mode="multiple" style={{ width: '100%' }} allowClear optionFilterProp="label" value={grants.members} data-testid="grant-members"
          onChange={(v: string[]) => setGrants({ members: v })} options={dir.users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} />
        {draft.grants.length === 0 && <Typography.Text type="warning">{t('perm.grantsNone')}</Typography.Text>}
      </Space>
    </Drawer>
  );
}
