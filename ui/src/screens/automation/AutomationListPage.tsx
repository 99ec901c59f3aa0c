import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Breadcrumb, Button, Card, Empty, Form, Input, Modal, Select, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { automationApi, type Automation } from '../../api/automation';
import type { FieldDef, Form as FormT } from '../../api/types';
import { useAuth } from '../../auth/auth';
import { errorText, showFormError } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { newDesign } from './model';
import { StatusTag } from './RunView';
import { RunNowButton } from './RunNowButton';
import { RunSummaryCell } from './RunSummaryCell';
import { triggerSummary } from './summary';

/**
 * AutomationListPage lists the automations of a form (/forms/:formId/automations)
 * or of an app (/apps/:appId/automations): name, trigger, on/off, the last
 * run's status, the recent failures and the runs of the last 24 hours by outcome.
 */
export default function AutomationListPage() {
  const { formId, appId } = useParams();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const phone = usePhone();
  const { me } = useAuth();
  const [items, setItems] = useState<Automation[] | null>(null);
  const [forms, setForms] = useState<FormT[]>([]);
  const [fields, setFields] = useState<Record<string, FieldDef[]>>({});
  const [appName, setAppName] = useState('');
  const [app, setApp] = useState(appId ?? '');
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ name: string; form: string }>();

  const load = useCallback(async () => {
    try {
      let a = appId ?? '';
      if (formId) { const f = await api.form(formId); a = f.app; }
      setApp(a);
      const [list, fs, ap] = await Promise.all([formId ? automationApi.formAutomations(formId) : automationApi.appAutomations(a), api.forms(a), api.app(a)]);
      setItems(list); setForms(fs); setAppName(ap.name);
      const used = [...new Set(list.map((x) => x.form))];
      const defs = await Promise.all(used.map((id) => api.versions(id).then((vs) => [id, vs.reduce((m, v) => (v.number > m.number ? v : m), vs[0])?.definition.fields ?? []] as const, () => [id, []] as const)));
      setFields(Object.fromEntries(defs));
    } catch (e) { message.error(errorText(e)); setItems([]); }
  }, [formId, appId, message]);
  useEffect(() => { void load(); }, [load]);

  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const d = { ...newDesign(me?.user.id ?? ''), name: v.name.trim() };
      const a = await automationApi.create(formId ?? v.form, d);
      setCreating(false);
      nav(`/automations/${a.id}`);
    } catch (e) { showFormError(form, ['name', 'form'], e, (m) => message.error(m)); }
  };
  const toggle = async (a: Automation, on: boolean) => {
    try { const n = await automationApi.setEnabled(a.id, on, a.version); setItems((l) => l?.map((x) => (x.id === a.id ? n : x)) ?? null); } catch (e) { message.error(errorText(e)); }
  };

  const formName = (id: string) => forms.find((f) => f.id === id)?.name ?? id;
  const design = (a: Automation) => a.current ?? a.draft;
  const thisForm = formId ? forms.find((f) => f.id === formId) : undefined;
  const enabledSwitch = (a: Automation) => <Switch size="small" checked={a.enabled} disabled={!a.published} data-testid="auto-toggle"
    onChange={(v, e) => { e.stopPropagation(); void toggle(a, v); }} onClick={(_, e) => e.stopPropagation()} />;
  const last = (a: Automation) => a.lastRun
    ? <Space size={4}><StatusTag status={a.lastRun.status} /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{dayjs(a.lastRun.startedAt).format('MM-DD HH:mm')}</Typography.Text></Space>
    : <Typography.Text type="secondary">—</Typography.Text>;
  const failures = (a: Automation) => (a.failures ? <Tag color="red" data-testid="auto-failures">{a.failures}</Tag> : <Typography.Text type="secondary">0</Typography.Text>);

  return (
    <>
      <Breadcrumb style={{ marginBottom: 12 }} items={[
        { title: <Link to="/">{t('nav.apps')}</Link> },
        { title: <Link to={`/apps/${app}`}>{appName || t('forms.title')}</Link> },
        ...(thisForm ? [{ title: <Link to={`/forms/${thisForm.id}/data`}>{thisForm.name}</Link> }] : []),
        { title: t('automation.title') },
      ]} />
      <Card title={<Space><ThunderboltOutlined />{thisForm ? t('automation.ofForm', { name: thisForm.name }) : t('automation.ofApp', { name: appName })}</Space>}
        extra={<Space wrap>
          {formId && <Button onClick={() => nav(`/apps/${app}/automations`)}>{t('automation.allOfApp')}</Button>}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); setCreating(true); }} data-testid="new-automation">{t('automation.new')}</Button>
        </Space>}>
        {formId && thisForm && !thisForm.published && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('automation.formNotPublished')} />}
        {items === null ? <Spin /> : items.length === 0 ? <Empty description={t('automation.empty')} /> : phone ? (
          <ul className="fl-list" data-testid="automation-list">
            {items.map((a) => (
              <li key={a.id} data-testid="automation-item" onClick={() => nav(`/automations/${a.id}`)} style={{ cursor: 'pointer' }}>
                <div className="fl-list-main">
                  <Space wrap size={4}><Typography.Text strong>{design(a).name}</Typography.Text>{a.alert && <Tag color="orange">{t('automation.alert.rule')}</Tag>}
                    {!a.published && <Tag>{t('forms.notPublished')}</Tag>}</Space>
                  <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{!formId && `${formName(a.form)} · `}{triggerSummary(t, design(a).trigger, fields[a.form] ?? [])}</Typography.Text></div>
                  <Space size={8} style={{ marginTop: 4 }} wrap>{last(a)}<span>{t('automation.failures')}: {failures(a)}</span><RunSummaryCell summary={a.summary} /></Space>
                </div>
                {enabledSwitch(a)}
              </li>
            ))}
          </ul>
        ) : (
          <Table<Automation> rowKey="id" size="middle" dataSource={items} pagination={false} data-testid="automation-list"
            onRow={(a) => ({ onClick: () => nav(`/automations/${a.id}`), style: { cursor: 'pointer' }, 'data-testid': 'automation-item' } as React.HTMLAttributes<HTMLElement>)}
            columns={[
              { key: 'name', title: t('automation.name'), render: (_, a) => <Space wrap size={4}><Typography.Text strong>{design(a).name}</Typography.Text>
                {a.alert && <Tag color="orange">{t('automation.alert.rule')}</Tag>}{a.published ? <Tag color="green">v{a.published}</Tag> : <Tag>{t('forms.notPublished')}</Tag>}</Space> },
              ...(!formId ? [{ key: 'form', title: t('automation.form'), render: (_: unknown, a: Automation) => formName(a.form) }] : []),
              { key: 'trigger', title: t('automation.when'), render: (_, a) => triggerSummary(t, design(a).trigger, fields[a.form] ?? []) },
              { key: 'enabled', title: t('automation.enabled'), width: 90, render: (_, a) => enabledSwitch(a) },
              { key: 'last', title: t('automation.lastRun'), render: (_, a) => last(a) },
              { key: 'fail', title: t('automation.failures'), width: 100, render: (_, a) => failures(a) },
              { key: 'summary', title: t('automation.runSummary.title'), render: (_, a) => <RunSummaryCell summary={a.summary} /> },
              { key: 'run', title: '', width: 110, render: (_, a) => <RunNowButton automation={a} size="small" /> },
            ]} />
        )}
      </Card>
      <Modal open={creating} title={t('automation.new')} onCancel={() => setCreating(false)} onOk={() => void create()} okText={t('common.create')} cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'new-automation-ok' } as React.ComponentProps<typeof Button>} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={() => void create()}>
          <Form.Item name="name" label={t('automation.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input autoFocus data-testid="new-automation-name" />
          </Form.Item>
          {!formId && <Form.Item name="form" label={t('automation.form')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select options={forms.filter((f) => f.published).map((f) => ({ value: f.id, label: f.name }))} />
          </Form.Item>}
        </Form>
      </Modal>
    </>
  );
}
