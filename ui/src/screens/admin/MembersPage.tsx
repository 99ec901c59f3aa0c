import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, TreeSelect } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Department, Role, User } from '../../api/types';
import { departmentTree } from '../../fields/directory';
import { errorText } from '../../util/errors';

interface MemberValues { email: string; name: string; password: string; role: Role; departments: string[] }

export default function MembersPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<User[] | null>(null);
  const [deps, setDeps] = useState<Department[]>([]);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [form] = Form.useForm<MemberValues>();

  const load = useCallback(async () => {
    try { const [u, d] = await Promise.all([api.users(), api.departments()]); setUsers(u); setDeps(d); } catch (e) { message.error(errorText(e)); setUsers([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const save = async () => {
    const v = await form.validateFields();
    try {
      if (editing === 'new') await api.createUser(v);
      else if (editing) await api.updateUser(editing.id, { role: v.role, departments: v.departments ?? [], version: editing.memberVersion ?? editing.version ?? 0 });
      message.success(t('common.saved')); setEditing(null); await load();
    } catch (e) { message.error(errorText(e)); }
  };
  const depName = (id: string) => deps.find((d) => d.id === id)?.name ?? id;

  return (
    <Card title={t('members.title')} extra={<Button type="primary" icon={<PlusOutlined />} data-testid="new-member"
      onClick={() => { form.resetFields(); form.setFieldsValue({ role: 'member', departments: [] }); setEditing('new'); }}>{t('members.add')}</Button>}>
      <Table<User> rowKey="id" loading={users === null} dataSource={users ?? []} pagination={{ pageSize: 50 }} columns={[
        { key: 'name', title: t('auth.name'), dataIndex: 'name' },
        { key: 'email', title: t('auth.email'), dataIndex: 'email' },
        { key: 'role', title: t('members.role'), render: (_, u) => <Tag color={u.role === 'admin' ? 'gold' : undefined}>{t(`members.role_${u.role ?? 'member'}`)}</Tag> },
        { key: 'deps', title: t('nav.departments'), render: (_, u) => (u.departments ?? []).map((d) => <Tag key={d}>{depName(d)}</Tag>) },
        { key: 'status', title: t('members.status'), render: (_, u) => u.disabled ? <Tag>{t('members.disabled')}</Tag> : <Tag color="green">{t('members.active')}</Tag> },
        { key: 'ops', title: '', render: (_, u) => <Space>
          <Button size="small" onClick={() => { form.setFieldsValue({ email: u.email, name: u.name, role: u.role ?? 'member', departments: u.departments ?? [] }); setEditing(u); }}>{t('common.edit')}</Button>
          <Popconfirm title={t('members.removeConfirm', { name: u.name })} okButtonProps={{ danger: true }} okText={t('common.remove')} cancelText={t('common.cancel')}
            onConfirm={async () => { try { await api.deleteUser(u.id); await load(); } catch (e) { message.error(errorText(e)); } }}>
            <Button size="small" danger>{t('common.remove')}</Button>
          </Popconfirm>
        </Space> },
      ]} />
      <Modal open={editing !== null} title={editing === 'new' ? t('members.add') : t('members.edit')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}><Input disabled={editing !== 'new'} /></Form.Item>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}><Input disabled={editing !== 'new'} /></Form.Item>
          {editing === 'new' && <Form.Item name="password" label={t('members.initialPassword')} rules={[{ required: true, min: 8, message: t('validation.passwordMin', { n: 8 }) }]}><Input.Password autoComplete="new-password" /></Form.Item>}
          <Form.Item name="role" label={t('members.role')}><Select options={[{ value: 'member', label: t('members.role_member') }, { value: 'admin', label: t('members.role_admin') }]} /></Form.Item>
          <Form.Item name="departments" label={t('nav.departments')}><TreeSelect multiple treeData={departmentTree(deps)} treeDefaultExpandAll allowClear /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
