import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Empty, Form, Input, Modal, Popconfirm, Space, Tree, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Department } from '../../api/types';
import { departmentTree, type TreeNode } from '../../fields/directory';
import { errorText, showFormError } from '../../util/errors';

export default function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [deps, setDeps] = useState<Department[] | null>(null);
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [form] = Form.useForm<{ name: string; parent?: string }>();

  const load = useCallback(async () => {
    try { setDeps(await api.departments()); } catch (e) { message.error(errorText(e)); setDeps([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      if (editing === 'new') await api.createDepartment({ name: v.name, parent: v.parent || undefined });
      else if (editing) await api.updateDepartment(editing.id, { name: v.name, parent: v.parent || '', version: editing.version });
      message.success(t('common.saved')); setEditing(null); await load();
    } catch (e) { showFormError(form, ['name', 'parent'], e, (m) => message.error(m)); }
  };

  interface Node { key: string; title: React.ReactNode; children: Node[] }
  const toTree = (nodes: TreeNode[]): Node[] => nodes.map((n) => {
    const d = deps!.find((x) => x.id === n.value)!;
    return {
      key: n.value,
      title: <Space data-testid="department-node">
        <Typography.Text>{n.title}</Typography.Text>
        <Button size="small" type="link" onClick={() => { form.setFieldsValue({ name: d.name, parent: d.parent }); setEditing(d); }}>{t('common.edit')}</Button>
        <Button size="small" type="link" onClick={() => { form.resetFields(); form.setFieldsValue({ parent: d.id }); setEditing('new'); }}>{t('departments.addChild')}</Button>
        <Popconfirm title={t('departments.deleteConfirm', { name: d.name })} okButtonProps={{ danger: true }} okText={t('common.delete')} cancelText={t('common.cancel')}
          onConfirm={async () => { try { await api.deleteDepartment(d.id); await load(); } catch (e) { message.error(errorText(e)); } }}>
          <Button size="small" type="link" danger>{t('common.delete')}</Button>
        </Popconfirm>
      </Space>,
      children: toTree(n.children),
    };
  });

  return (
    <Card title={t('departments.title')} extra={<Button type="primary" icon={<PlusOutlined />} data-testid="new-department" onClick={() => { form.resetFields(); setEditing('new'); }}>{t('departments.add')}</Button>}>
      {deps === null ? null : deps.length === 0 ? <Empty description={t('departments.empty')} /> : <Tree defaultExpandAll selectable={false} treeData={toTree(departmentTree(deps))} />}
      <Modal open={editing !== null} title={editing === 'new' ? t('departments.add') : t('departments.edit')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('departments.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}><Input data-testid="department-name" /></Form.Item>
          <Form.Item name="parent" label={t('departments.parent')}>
            <TreeSelect allowClear treeDefaultExpandAll treeData={departmentTree((deps ?? []).filter((d) => editing === 'new' || d.id !== (editing as Department | null)?.id))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
