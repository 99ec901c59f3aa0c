import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Breadcrumb, Button, Empty, Form, Input, List, Modal, Select, Space, Spin, Typography } from 'antd';
import { DashboardOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import '../../i18n/dashboards';
import { ApiError, api } from '../../api/client';
import type { App, WorkspaceRole } from '../../api/types';
import { dashboardsApi, type Dashboard } from '../../api/dashboards';
import { isAdmin, useAuth } from '../../auth/auth';
import { errorText, showFormError } from '../../util/errors';

/** mayManageApp: workspace admins and the app's admins design its dashboards (the server decides; this only hides buttons). */
export function useManagesApp(appId: string): boolean {
  const { me } = useAuth();
  return isAdmin(me) || !!me?.adminApps?.includes(appId) || !!me?.user.adminApps?.includes(appId);
}

/** DashboardListPage lists an app's dashboards the member may see (route /apps/:appId/dashboards). */
export default function DashboardListPage() {
  const { appId = '' } = useParams();
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const nav = useNavigate();
  const manager = useManagesApp(appId);
  const [app, setApp] = useState<App | null>(null);
  const [items, setItems] = useState<Dashboard[] | null>(null);
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [creating, setCreating] = useState(false);
  // editing is the dashboard whose title and roles are being changed (the create dialog, filled in).
  const [editing, setEditing] = useState<Dashboard | null>(null);
  const [form] = Form.useForm<{ title: string; roles: string[] }>();

  const load = useCallback(async () => {
    try {
      const [a, list] = await Promise.all([api.app(appId), dashboardsApi.list(appId)]);
      setApp(a); setItems(list);
    } catch (e) { message.error(errorText(e)); setItems([]); }
  }, [appId, message]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => { if (manager) api.roles().then(setRoles, () => setRoles([])); }, [manager]);

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    if (editing) {
      try {
        await dashboardsApi.update(editing.id, { title: v.title, roles: v.roles ?? [], filters: editing.filters, charts: editing.charts }, editing.version);
        message.success(t('dashboards.saved'));
        setCreating(false); setEditing(null);
        void load();
      } catch (e) {
        if (e instanceof ApiError && e.isConflict) { message.warning(t('dashboards.conflict')); setCreating(false); setEditing(null); void load(); return; }
        showFormError(form, ['title', 'roles'], e, (m) => message.error(m));
      }
      return;
    }
    try {
      const d = await dashboardsApi.create(appId, { title: v.title, roles: v.roles ?? [], charts: [],
        filters: [{ id: 'period', kind: 'date_range' }, { id: 'owner', kind: 'user' }] });
      message.success(t('dashboards.created'));
      setCreating(false);
      nav(`/dashboards/${d.id}`);
    } catch (e) { showFormError(form, ['title', 'roles'], e, (m) => message.error(m)); }
  };
  const remove = (d: Dashboard) => modal.confirm({
    title: t('dashboards.deleteConfirm', { name: d.title }), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
    onOk: async () => {
      try { await dashboardsApi.remove(d.id); message.success(t('dashboards.deleted')); void load(); } catch (e) { message.error(errorText(e)); }
    },
  });

  return (
    <div>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${appId}`}>{app?.name ?? '…'}</Link> }, { title: t('dashboards.title') }]} />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('dashboards.title')}</Typography.Title>
        {manager && <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); setEditing(null); setCreating(true); }} data-testid="new-dashboard">{t('dashboards.new')}</Button>}
      </Space>
      {items === null ? <Spin /> : items.length === 0 ? <Empty description={t('dashboards.empty')} /> : (
        <List bordered dataSource={items} renderItem={(d) => (
          <List.Item actions={manager ? [
            <Button key="e" type="text" icon={<EditOutlined />} aria-label={t('dashboards.settings')} data-testid="dashboard-settings"
              onClick={() => { setEditing(d); setCreating(true); }} />,
            <Button key="d" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(d)} />] : []}>
            <List.Item.Meta avatar={<DashboardOutlined />} title={<Link to={`/dashboards/${d.id}`} data-testid="dashboard-link">{d.title}</Link>}
              description={manager ? <span data-testid="dashboard-roles">{(d.roles ?? []).length
                ? t('dashboards.visibleTo', { roles: (d.roles ?? []).map((id) => roles.find((r) => r.id === id)?.name ?? id).join('、') })
                : t('dashboards.visibleAll')}</span> : undefined} />
          </List.Item>
        )} />
      )}
      <Modal open={creating} title={editing ? t('dashboards.settings') : t('dashboards.new')} onCancel={() => { setCreating(false); setEditing(null); }} onOk={() => void create()}
        okText={editing ? t('common.save') : t('common.create')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={editing ? { title: editing.title, roles: editing.roles ?? [] } : undefined}>
          <Form.Item name="title" label={t('dashboards.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input maxLength={60} autoFocus data-testid="dashboard-title" />
          </Form.Item>
          <Form.Item name="roles" label={t('dashboards.roles')} extra={t('dashboards.rolesHelp')}>
            <Select mode="multiple" allowClear options={roles.map((r) => ({ value: r.id, label: r.name }))} optionFilterProp="label" data-testid="dashboard-roles-picker" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
