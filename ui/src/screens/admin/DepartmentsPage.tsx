import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Empty, Form, Input, Modal, Popconfirm, Select, Space, Tree, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Department, User } from '../../api/types';
import { departmentTree, type TreeNode } from '../../fields/directory';
import { errorText, showFormError } from '../../util/errors';

export default function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [deps, setDeps] = useState<Department[] | null>(null);
  const [editing, setEditing] = useState<Department | 'new' | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  // Every department starts expanded, new ones too; what the admin folds stays folded.
  const [expanded, setExpanded] = useState<React.Key[]>([]);
  const [, setSeen] = useState<Set<string>>(new Set());
  const [form] = Form.useForm<{ name: string; parent?: string; heads?: string[] }>();

  const load = useCallback(async () => {
    try {
      const [d, u] = await Promise.all([api.departments(), api.users()]);
      setDeps(d); setUsers(u);
      setSeen((old) => {
        const fresh = d.map((x) => x.id).filter((id) => !old.has(id));
        if (fresh.length) setExpanded((e) => [...e, ...fresh]);
        return new Set([...old, ...fresh]);
      });
    } catch (e) { message.error(errorText(e)); setDeps([]); }
  }, [message]);
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  useEffect(() => { void load(); }, [load]);

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const heads = v.heads ?? [];
      let d: Department | null = null;
      if (editing === 'new') d = await api.createDepartment({ name: v.name, parent: v.parent || undefined });
      else if (editing) d = await api.updateDepartment(editing.id, { name: v.name, parent: v.parent || '', version: editing.version });
      if (d && heads.join() !== (d.heads ?? []).join()) await api.setDepartmentHeads(d.id, { heads, version: d.version });
      message.success(t('common.saved')); setEditing(null); await load();
    } catch (e) { showFormError(form, ['name', 'parent', 'heads'], e, (m) => message.error(m)); }
  };

  interface Node { key: string; title: React.ReactNode; children: Node[] }
  const toTree = (nodes: TreeNode[]): Node[] => nodes.map((n) => {
    const d = deps!.find((x) => x.id === n.value)!;
    return {
      key: n.value,
      title: <Space data-testid="department-node">
        <Typography.Text>{n.title}</Typography.Text>
        {d.heads?.length ? <Typography.Text type="secondary" data-testid="department-heads">{t('departments.headsShort', { names: d.heads.map(nameOf).join('、') })}</Typography.Text> : null}
        <Button size="small" type="link" onClick={() => { form.setFieldsValue({ name: d.name, parent: d.parent, heads: d.heads ?? [] }); setEditing(d); }}>{t('common.edit')}</Button>
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
      {deps === null ? null : deps.length === 0 ? <Empty description={t('departments.empty')} /> : <Tree selectable={false} expandedKeys={expanded} onExpand={setExpanded} treeData={toTree(departmentTree(deps))} />}
      <Modal open={editing !== null} title={editing === 'new' ? t('departments.add') : t('departments.edit')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('departments.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}><Input data-testid="department-name" /></Form.Item>
          <Form.Item name="parent" label={t('departments.parent')}>
            <TreeSelect allowClear treeDefaultExpandAll treeData={departmentTree((deps ?? []).filter((d) => editing === 'new' || d.id !== (editing as Department | null)?.id))} />
          </Form.Item>
          <Form.Item name="heads" label={t('departments.heads')} extra={t('departments.headsHelp')}>
            <Select mode="multiple" allowClear data-testid="department-heads-select" optionFilterProp="label"
              options={users.filter((u) => !u.memberDisabled && !u.disabled).map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
