import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Empty, Form, Input, Modal, Popconfirm, Row, Col, Space, Spin, Tooltip, Typography } from 'antd';
import { AppstoreAddOutlined, DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { App } from '../../api/types';
import { isAdmin, useAuth } from '../../auth/auth';
import { errorText, showFormError } from '../../util/errors';

// The template gallery (and its install and upload dialogs) loads on demand, after the apps.
const TemplateGallery = lazy(() => import('../templates/TemplateGallery'));

interface AppValues { name: string; description?: string }

export function AppListPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const admin = isAdmin(me);
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const [apps, setApps] = useState<App[] | null>(null);
  const [editing, setEditing] = useState<App | 'new' | null>(null);
  const [form] = Form.useForm<AppValues>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try { setApps(await api.apps()); } catch (e) { message.error(errorText(e)); setApps([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const open = (a: App | 'new') => {
    setEditing(a);
    form.setFieldsValue(a === 'new' ? { name: '', description: '' } : { name: a.name, description: a.description });
  };
  const save = async () => {
    // An empty name is shown on the field by the form itself.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      if (editing === 'new') {
        const a = await api.createApp(v);
        message.success(t('apps.created'));
        nav(`/apps/${a.id}`);
      } else if (editing) {
        await api.updateApp(editing.id, { ...v, icon: editing.icon, version: editing.version });
        message.success(t('common.saved'));
      }
      setEditing(null);
      await load();
    } catch (e) { showFormError(form, ['name', 'description'], e, (m) => message.error(m)); } finally { setBusy(false); }
  };

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('apps.title')}</Typography.Title>
        {admin && <Button type="primary" icon={<AppstoreAddOutlined />} onClick={() => open('new')} data-testid="new-app">{t('apps.new')}</Button>}
      </Space>
      {apps === null ? <Spin /> : apps.length === 0 ? <Empty description={t('apps.empty')} /> : (
        <Row gutter={[16, 16]}>
          {apps.map((a) => (
            <Col key={a.id} xs={24} sm={12} md={8} lg={6}>
              <Card hoverable data-testid="app-card" onClick={() => nav(`/apps/${a.id}`)}
                actions={admin ? [
                  <Tooltip title={t('common.rename')} key="e"><EditOutlined aria-label={t('common.rename')} onClick={(e) => { e.stopPropagation(); open(a); }} /></Tooltip>,
                  <span key="d" onClick={(e) => e.stopPropagation()}>
                    <Popconfirm title={t('apps.deleteConfirm', { name: a.name })} description={t('apps.deleteHint')} okButtonProps={{ danger: true }}
                      okText={t('common.delete')} cancelText={t('common.cancel')}
                      onConfirm={async () => { try { await api.deleteApp(a.id); message.success(t('common.deleted')); await load(); } catch (e) { message.error(errorText(e)); } }}>
                      <DeleteOutlined aria-label={t('common.delete')} />
                    </Popconfirm>
                  </span>,
                ] : undefined}>
                <Card.Meta title={a.name} description={a.description || t('apps.noDescription')} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      {admin && <Suspense fallback={null}><TemplateGallery onInstalled={() => void load()} appNames={apps?.map((a) => a.name)} /></Suspense>}
      <Modal open={editing !== null} title={editing === 'new' ? t('apps.new') : t('apps.rename')} onCancel={() => setEditing(null)} onOk={() => void save()}
        okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={() => void save()}>
          <Form.Item name="name" label={t('apps.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}>
            <Input autoFocus data-testid="app-name" />
          </Form.Item>
          <Form.Item name="description" label={t('apps.description')}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
