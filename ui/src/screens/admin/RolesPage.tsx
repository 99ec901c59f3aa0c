import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Form, Input, Modal, Popconfirm, Space, Spin, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { WorkspaceRole } from '../../api/types';
import { errorText, showFormError } from '../../util/errors';

/**
 * RolesPage is the workspace admins' list of roles (销售, 财务…): create,
 * rename, delete. A role still held by members or used by permission sets
 * cannot be deleted; the server's in_use answer says by how many.
 */
export default function RolesPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [roles, setRoles] = useState<WorkspaceRole[] | null>(null);
  const [editing, setEditing] = useState<WorkspaceRole | 'new' | null>(null);
  const [problem, setProblem] = useState<{ id: string; text: string } | null>(null);
  const [form] = Form.useForm<{ name: string; description?: string }>();

  const load = useCallback(async () => {
    try { setRoles(await api.roles()); } catch (e) { message.error(errorText(e)); setRoles([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      if (editing === 'new') await api.createRole({ name: v.name.trim(), description: v.description?.trim() ?? '' });
      else if (editing) await api.updateRole(editing.id, { name: v.name.trim(), description: v.description?.trim() ?? '', version: editing.version });
      message.success(t('common.saved')); setEditing(null); await load();
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) { message.error(t('roles.conflict')); setEditing(null); await load(); return; }
      showFormError(form, ['name', 'description'], e, (m) => message.error(m));
    }
  };

  const remove = async (r: WorkspaceRole) => {
    setProblem(null);
    try { await api.deleteRole(r.id); message.success(t('roles.deleted', { name: r.name })); await load(); } catch (e) {
      // in_use comes as a field error on "id": its message names the members and sets.
      const text = e instanceof ApiError && e.fields.length ? e.fields.map((f) => f.message || f.code).join('；') : errorText(e);
      setProblem({ id: r.id, text });
    }
  };

  return (
    <Card title={t('roles.title')} data-testid="roles-page"
      extra={<Button type="primary" icon={<PlusOutlined />} data-testid="new-role" onClick={() => { form.resetFields(); setEditing('new'); }}>{t('roles.add')}</Button>}>
      <Typography.Paragraph type="secondary">{t('roles.intro')}</Typography.Paragraph>
      {roles === null ? <Spin /> : roles.length === 0 ? <Empty description={t('roles.empty')} /> : (
        <ul className="fl-list">
          {roles.map((r) => (
            <li key={r.id} data-testid={`role-${r.name}`}>
              <div className="fl-list-main">
                <Typography.Text strong>{r.name}</Typography.Text>
                {r.description && <Typography.Text type="secondary">{r.description}</Typography.Text>}
                {problem?.id === r.id && <Alert type="error" showIcon title={problem.text} data-testid="role-problem" />}
              </div>
              <Space wrap>
                <Button size="small" icon={<EditOutlined />} data-testid="role-edit"
                  onClick={() => { form.setFieldsValue({ name: r.name, description: r.description }); setEditing(r); }}>{t('common.rename')}</Button>
                <Popconfirm title={t('roles.deleteConfirm', { name: r.name })} okButtonProps={{ danger: true, 'data-testid': 'role-delete-ok' }}
                  okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => remove(r)}>
                  <Button size="small" danger icon={<DeleteOutlined />} data-testid="role-delete">{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            </li>
          ))}
        </ul>
      )}
      <Modal open={editing !== null} title={editing === 'new' ? t('roles.add') : t('roles.edit')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} forceRender okButtonProps={{ 'data-testid': 'role-save' }}>
        <Form form={form} layout="vertical" onFinish={() => void save()}>
          <Form.Item name="name" label={t('roles.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 50, message: t('validation.maxLength', { count: 50 }) }]}>
            <Input data-testid="role-name" autoFocus />
          </Form.Item>
          <Form.Item name="description" label={t('roles.description')}><Input.TextArea rows={2} data-testid="role-description" /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
