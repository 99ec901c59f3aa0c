import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { App as AntApp, Breadcrumb, Button, Empty, Form, Input, Modal, Space, Spin, Tag, Typography } from 'antd';
import { ApartmentOutlined, ArrowDownOutlined, ArrowUpOutlined, DashboardOutlined, EditOutlined, FormOutlined, PlusOutlined, SafetyOutlined, TableOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { App, Form as FormT } from '../../api/types';
import { isAdmin, useAuth } from '../../auth/auth';
import '../../i18n/dashboards-nav';
import { errorText, showFormError } from '../../util/errors';

// The template controls (installed version, upgrade, export) load on demand.
const AppTemplateBar = lazy(() => import('../templates/AppTemplateBar'));

export function AppPage() {
  const { appId = '' } = useParams();
  const { t } = useTranslation();
  const { me } = useAuth();
  const admin = isAdmin(me);
  // Workspace admins and the app's admins design its forms and manage their permissions;
  // for anyone else each published form's effective permission says (manage).
  const [managed, setManaged] = useState<Set<string>>(new Set());
  const manager = admin || managed.size > 0;
  const manages = (id: string) => admin || managed.has(id);
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const [app, setApp] = useState<App | null>(null);
  const [forms, setForms] = useState<FormT[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ name: string }>();
  // Workspace admins and the app's admins arrange its forms (the order its template set, or theirs).
  const arranger = admin || !!me?.adminApps?.includes(appId);
  const [moving, setMoving] = useState(false);

  const load = useCallback(async () => {
    try {
      const [a, fs] = await Promise.all([api.app(appId), api.forms(appId)]);
      setApp(a); setForms(fs);
    } catch (e) { message.error(errorText(e)); setForms([]); }
  }, [appId, message]);
  useEffect(() => { void load(); }, [load]);
  useEffect(() => {
    if (admin || !forms) return;
    let live = true;
    void Promise.all(forms.filter((f) => f.published).map((f) => api.myPermission(f.id).then((p) => (p.manage ? f.id : null), () => null)))
      .then((ids) => { if (live) setManaged(new Set(ids.filter((x): x is string => !!x))); });
    return () => { live = false; };
  }, [admin, forms]);

  const move = async (i: number, by: -1 | 1) => {
    if (!app || !forms || moving) return;
    const j = i + by;
    if (j < 0 || j >= forms.length) return;
    const next = [...forms];
    [next[i], next[j]] = [next[j], next[i]];
    setMoving(true);
    setForms(next);
    try {
      setApp(await api.updateApp(appId, { name: app.name, description: app.description, icon: app.icon, formOrder: next.map((f) => f.id), version: app.version }));
    } catch (e) {
      message.error(errorText(e));
      void load();
    } finally { setMoving(false); }
  };

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const f = await api.createForm(appId, { name: v.name, definition: { fields: [], columns: 1 } });
      setCreating(false);
      nav(`/forms/${f.id}/design`);
    } catch (e) { showFormError(form, ['name'], e, (m) => message.error(m)); }
  };

  return (
    <div>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: app?.name ?? '…' }]} />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{app?.name}</Typography.Title>
        <Space wrap>
          {admin && app && <Suspense fallback={null}><AppTemplateBar appId={appId} appName={app.name} onUpgraded={() => void load()} /></Suspense>}
          <Button icon={<DashboardOutlined />} onClick={() => nav(`/apps/${appId}/dashboards`)} data-testid="app-dashboards">{t('dashboards.menu')}</Button>
          {manager && <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); setCreating(true); }} data-testid="new-form">{t('forms.new')}</Button>}
        </Space>
      </Space>
      {forms === null ? <Spin /> : forms.length === 0 ? <Empty description={t('forms.empty')} /> : (
        // A plain list, not antd's List: that one brings its pager (and a
        // select) into this screen's first load.
        <ul className="fl-list">
          {forms.map((f, i) => (
            <li key={f.id} data-testid="form-item" data-form={f.id}>
              <div className="fl-list-main">
                <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
                  {arranger && forms.length > 1 && (
                    <Space.Compact size="small">
                      <Button icon={<ArrowUpOutlined />} disabled={i === 0 || moving} onClick={() => void move(i, -1)} aria-label={t('forms.moveUp', { name: f.name })} data-testid="form-up" />
                      <Button icon={<ArrowDownOutlined />} disabled={i === forms.length - 1 || moving} onClick={() => void move(i, 1)} aria-label={t('forms.moveDown', { name: f.name })} data-testid="form-down" />
                    </Space.Compact>
                  )}
                  <Typography.Text strong data-testid="form-name-text">{f.name}</Typography.Text>
                </div>
                <div>{f.published ? <Tag color="green">{t('forms.publishedV', { n: f.published })}</Tag> : <Tag>{t('forms.notPublished')}</Tag>}</div>
              </div>
              <Space wrap>
                {manages(f.id) && <Button icon={<EditOutlined />} onClick={() => nav(`/forms/${f.id}/design`)}>{t('forms.design')}</Button>}
                <Button icon={<FormOutlined />} disabled={!f.published} onClick={() => nav(`/forms/${f.id}/fill`)}>{t('forms.fill')}</Button>
                <Button icon={<TableOutlined />} disabled={!f.published} onClick={() => nav(`/forms/${f.id}/data`)}>{t('forms.data')}</Button>
                {manages(f.id) && <Button icon={<SafetyOutlined />} onClick={() => nav(`/forms/${f.id}/permissions`)} data-testid="form-permissions">{t('perm.title')}</Button>}
                {manages(f.id) && <Button icon={<ApartmentOutlined />} onClick={() => nav(`/forms/${f.id}/flow`)} data-testid="form-flow">{t('flows.menu')}</Button>}
                {manages(f.id) && <Button icon={<ThunderboltOutlined />} onClick={() => nav(`/forms/${f.id}/automations`)} data-testid="form-automations">{t('automation.nav')}</Button>}
              </Space>
            </li>
          ))}
        </ul>
      )}
      <Modal open={creating} title={t('forms.new')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.create')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={() => void create()}>
          <Form.Item name="name" label={t('forms.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input autoFocus data-testid="form-name" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
