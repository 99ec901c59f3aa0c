import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { KeyOutlined, PlusOutlined, SafetyOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { App, Department, Role, User, WorkspaceRole } from '../../api/types';
import { departmentTree } from '../../fields/directory';
import { errorText, showFormError } from '../../util/errors';
import { useAuth } from '../../auth/auth';

interface MemberValues { email: string; name: string; password: string; role: Role; departments: string[] }

export default function MembersPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<User[] | null>(null);
  const [deps, setDeps] = useState<Department[]>([]);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [form] = Form.useForm<MemberValues>();
  const [resetting, setResetting] = useState<User | null>(null);
  const [pwForm] = Form.useForm<{ password: string; confirm: string }>();
  const { me } = useAuth();
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [apps, setApps] = useState<App[]>([]);
  const [access, setAccess] = useState<User | null>(null);
  const [accessForm] = Form.useForm<{ roles: string[]; adminApps: string[] }>();

  const load = useCallback(async () => {
    try { const [u, d] = await Promise.all([api.users(), api.departments()]); setUsers(u); setDeps(d); } catch (e) { message.error(errorText(e)); setUsers([]); }
    // Roles and apps label the access column; an older server without roles just shows none.
    void api.roles().then(setRoles, () => setRoles([]));
    void api.apps().then(setApps, () => setApps([]));
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    try {
      if (editing === 'new') {
        const added = await api.createUser(v);
        // The answer is the same whether the email had an account (then its owner was invited) or not.
        message.success(t('members.addedOrInvited', { email: added.email }), 6);
        setEditing(null); await load();
        return;
      } else if (editing) {
        await api.updateUser(editing.id, { ...(v.name.trim() !== editing.name ? { name: v.name.trim() } : {}),
          role: v.role, departments: v.departments ?? [], version: editing.memberVersion ?? 0 });
      }
      message.success(t('common.saved')); setEditing(null); await load();
    } catch (e) {
      const fields = e instanceof ApiError ? e.fields.filter((f) => ['name', 'email', 'password'].includes(f.path)) : [];
      if (fields.length) form.setFields(fields.map((f) => ({ name: f.path as keyof MemberValues, errors: [f.message] })));
      else message.error(errorText(e));
    }
  };
  const setMemberDisabled = async (u: User, memberDisabled: boolean) => {
    try {
      await api.updateUser(u.id, { memberDisabled });
      message.success(t(memberDisabled ? 'members.memberDisabledDone' : 'members.memberEnabledDone', { name: u.name }));
      await load();
    } catch (e) { message.error(errorText(e)); }
  };
  const depName = (id: string) => deps.find((d) => d.id === id)?.name ?? id;
  const roleName = (id: string) => roles.find((r) => r.id === id)?.name ?? id;
  const appName = (id: string) => apps.find((a) => a.id === id)?.name ?? id;
  const saveAccess = async () => {
    if (!access) return;
    const v = await accessForm.validateFields().catch(() => null);
    if (!v) return;
    try {
      await api.setMemberAccess(access.memberId ?? access.id, { roles: v.roles ?? [], adminApps: v.adminApps ?? [], version: access.memberVersion ?? 0 });
      message.success(t('members.accessSaved', { name: access.name })); setAccess(null); await load();
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) { message.error(t('members.accessConflict')); setAccess(null); await load(); return; }
      showFormError(accessForm, ['roles', 'adminApps'], e, (m) => message.error(m));
    }
  };
  const setDisabled = async (u: User, disabled: boolean) => {
    try {
      await api.updateUser(u.id, { disabled });
      message.success(t(disabled ? 'members.disabledDone' : 'members.enabledDone', { name: u.name }));
      await load();
    } catch (e) { message.error(errorText(e)); }
  };
  const resetPassword = async () => {
    if (!resetting) return;
    const v = await pwForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    try {
      await api.resetPassword(resetting.id, v.password);
      message.success(t('members.resetDone', { name: resetting.name }));
      setResetting(null);
    } catch (e) {
      const fe = e instanceof ApiError ? e.fields.find((f) => f.path === 'password') : undefined;
      if (fe) pwForm.setFields([{ name: 'password', errors: [fe.message] }]); else message.error(errorText(e));
    }
  };

  return (
    <Card title={t('members.title')} extra={<Button type="primary" icon={<PlusOutlined />} data-testid="new-member"
      onClick={() => { form.resetFields(); form.setFieldsValue({ role: 'member', departments: [] }); setEditing('new'); }}>{t('members.add')}</Button>}>
      <Table<User> rowKey="id" loading={users === null} dataSource={users ?? []} pagination={{ pageSize: 50 }} scroll={{ x: 'max-content' }} columns={[
        { key: 'name', title: t('auth.name'), render: (_, u) => <Space>{u.name}{u.id === me?.user.id && <Tag color="blue">{t('members.you')}</Tag>}</Space> },
        { key: 'email', title: t('auth.email'), dataIndex: 'email' },
        { key: 'role', title: t('members.role'), render: (_, u) => <Tag color={u.role === 'admin' ? 'gold' : undefined}>{t(`members.role_${u.role ?? 'member'}`)}</Tag> },
        { key: 'deps', title: t('nav.departments'), render: (_, u) => (u.departments ?? []).map((d) => <Tag key={d}>{depName(d)}</Tag>) },
        { key: 'access', title: t('members.access'), render: (_, u) => <Space size={4} wrap data-testid={`member-roles-${u.email}`}>
          {(u.roles ?? []).map((r) => <Tag key={r} color="blue">{roleName(r)}</Tag>)}
          {(u.adminApps ?? []).map((a) => <Tag key={a} color="purple">{t('members.appAdminOf', { name: appName(a) })}</Tag>)}
        </Space> },
        { key: 'status', title: t('members.status'), render: (_, u) => <Space size={4} wrap>
          {u.disabled ? <Tag color="red" data-testid="member-disabled">{t('members.disabled')}</Tag> : !u.memberDisabled && <Tag color="green">{t('members.active')}</Tag>}
          {u.memberDisabled && <Tag color="orange" data-testid="member-off">{t('members.memberOff')}</Tag>}
        </Space> },
        { key: 'ops', title: '', render: (_, u) => <Space>
          <Button size="small" data-testid={`member-edit-${u.email}`} onClick={() => { form.setFieldsValue({ email: u.email, name: u.name, role: u.role ?? 'member', departments: u.departments ?? [] }); setEditing(u); }}>{t('common.edit')}</Button>
          <Button size="small" icon={<SafetyOutlined />} data-testid={`member-access-${u.email}`}
            onClick={() => { accessForm.setFieldsValue({ roles: u.roles ?? [], adminApps: u.adminApps ?? [] }); setAccess(u); }}>{t('members.access')}</Button>
          <Button size="small" icon={<KeyOutlined />} data-testid={`member-reset-${u.email}`} onClick={() => { pwForm.resetFields(); setResetting(u); }}>{t('members.resetPassword')}</Button>
          {u.id !== me?.user.id && (u.disabled
            ? <Button size="small" icon={<CheckCircleOutlined />} data-testid={`member-enable-${u.email}`} onClick={() => void setDisabled(u, false)}>{t('members.enable')}</Button>
            : <Popconfirm title={t('members.disableConfirm', { name: u.name })} description={<div style={{ maxWidth: 340 }}>{t('members.disableHint')}</div>}
                okButtonProps={{ danger: true, 'data-testid': 'member-disable-ok' }} okText={t('members.disable')} cancelText={t('common.cancel')} onConfirm={() => setDisabled(u, true)}>
                <Button size="small" icon={<StopOutlined />} data-testid={`member-disable-${u.email}`}>{t('members.disable')}</Button>
              </Popconfirm>)}
          {u.id !== me?.user.id && (u.memberDisabled
            ? <Button size="small" data-testid={`member-on-${u.email}`} onClick={() => void setMemberDisabled(u, false)}>{t('members.memberEnable')}</Button>
            : <Popconfirm title={t('members.memberDisableConfirm', { name: u.name })} description={<div style={{ maxWidth: 340 }}>{t('members.memberDisableHint')}</div>}
                okButtonProps={{ danger: true, 'data-testid': 'member-off-ok' }} okText={t('members.memberDisable')} cancelText={t('common.cancel')} onConfirm={() => setMemberDisabled(u, true)}>
                <Button size="small" data-testid={`member-off-${u.email}`}>{t('members.memberDisable')}</Button>
              </Popconfirm>)}
          <Popconfirm title={t('members.removeConfirm', { name: u.name })} okButtonProps={{ danger: true }} okText={t('common.remove')} cancelText={t('common.cancel')}
            onConfirm={async () => { try { await api.deleteUser(u.id); await load(); } catch (e) { message.error(errorText(e)); } }}>
            <Button size="small" danger>{t('common.remove')}</Button>
          </Popconfirm>
        </Space> },
      ]} />
      <Modal open={editing !== null} title={editing === 'new' ? t('members.add') : t('members.edit')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}><Input data-testid="member-name" /></Form.Item>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}><Input disabled={editing !== 'new'} data-testid="member-email" /></Form.Item>
          {editing === 'new' && <Form.Item name="password" label={t('members.initialPassword')} extra={t('members.passwordHelp')} rules={[{ required: true, min: 8, message: t('validation.passwordMin', { count: 8 }) }]}><Input.Password autoComplete="new-password" data-testid="member-password" /></Form.Item>}
          <Form.Item name="role" label={t('members.role')}><Select options={[{ value: 'member', label: t('members.role_member') }, { value: 'admin', label: t('members.role_admin') }]} /></Form.Item>
          <Form.Item name="departments" label={t('nav.departments')}><TreeSelect multiple treeData={departmentTree(deps)} treeDefaultExpandAll allowClear /></Form.Item>
        </Form>
      </Modal>
      <Modal open={access !== null} title={t('members.accessTitle', { name: access?.name ?? '' })} onCancel={() => setAccess(null)} onOk={() => void saveAccess()}
        okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'access-ok' }}>
        <Form form={accessForm} layout="vertical">
          <Form.Item name="roles" label={t('members.roles')} extra={roles.length === 0 ? t('members.noRoles') : undefined}>
            <Select mode="multiple" allowClear optionFilterProp="label" data-testid="access-roles" options={roles.map((r) => ({ value: r.id, label: r.name }))} />
          </Form.Item>
          <Form.Item name="adminApps" label={t('members.adminApps')} extra={t('members.adminAppsHelp')}>
            <Select mode="multiple" allowClear optionFilterProp="label" data-testid="access-apps" options={apps.map((a) => ({ value: a.id, label: a.name }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={resetting !== null} title={t('members.resetTitle', { name: resetting?.name ?? '' })} onCancel={() => setResetting(null)} onOk={() => void resetPassword()}
        okText={t('members.resetPassword')} cancelText={t('common.cancel')} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'reset-ok' }}>
        <Typography.Paragraph type="secondary">{t('members.resetHint')}</Typography.Paragraph>
        <Form form={pwForm} layout="vertical">
          <Form.Item name="password" label={t('members.newPassword')} extra={t('members.passwordHelp')} rules={[{ required: true, min: 8, message: t('validation.passwordMin', { count: 8 }) }]}>
            <Input.Password autoComplete="new-password" data-testid="reset-password" />
          </Form.Item>
          <Form.Item name="confirm" label={t('auth.confirmPassword')} dependencies={['password']} rules={[{ required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({ validator: (_, v) => (!v || v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch')))) })]}>
            <Input.Password autoComplete="new-password" data-testid="reset-confirm" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
