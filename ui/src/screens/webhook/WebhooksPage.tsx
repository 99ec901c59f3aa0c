import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Alert, Button, Card, Drawer, Empty, Form, Input, Modal, Popconfirm, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import '../../i18n/webhook';
import { api } from '../../api/client';
import type { Form as FormInfo, User } from '../../api/types';
import { webhookApi } from '../../api/webhook';
import type { WebhookEndpoint, WebhookEvent } from '../../api/webhook';
import { errorText, showFormError } from '../../util/errors';
import DeliveryLog from './DeliveryLog';
import InboundHooks from './InboundHooks';

const fmt = (s?: string) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm') : '');

/** useForms lists every form of the workspace (for the pickers). */
export function useForms(): FormInfo[] {
  const [forms, setForms] = useState<FormInfo[]>([]);
  useEffect(() => {
    void (async () => {
      try {
        const apps = await api.apps();
        const all = await Promise.all(apps.map((a) => api.forms(a.id)));
        setForms(all.flat().filter((f) => f.published > 0));
      } catch { setForms([]); }
    })();
  }, []);
  return forms;
}

/** useMembers lists the workspace's live members (the actor pickers). */
export function useMembers(): User[] {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    void api.users().then((us) => setUsers(us.filter((u) => !u.disabled && !u.memberDisabled))).catch(() => setUsers([]));
  }, []);
  return users;
}

/** memberName names a user id from the members list (the id when unknown). */
export const memberName = (users: User[], id?: string) => {
  const u = users.find((m) => m.id === id);
  return u ? `${u.name} (${u.email})` : id ?? '';
};

/** ActorField is the actor picker of endpoints and inbound hooks. */
export function ActorField({ users, help, testId }: { users: User[]; help: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item name="actor" label={t('webhook.actor')} extra={help}>
      <Select showSearch allowClear placeholder={t('webhook.actorDefault')} data-testid={testId} optionFilterProp="label"
        options={users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))} />
    </Form.Item>
  );
}

/** SecretOnce shows a secret (or URL) that the server shows only once, with copy. */
export function SecretOnce({ title, value, onClose }: { title: string; value: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={value !== null} title={title} onCancel={onClose} onOk={onClose} okText={t('webhook.close')} cancelButtonProps={{ style: { display: 'none' } }}>
      <Typography.Paragraph copyable={{ text: value ?? '' }} code data-testid="secret-once" style={{ wordBreak: 'break-all' }}>{value}</Typography.Paragraph>
    </Modal>
  );
}

interface EndpointValues { url: string; description?: string; events: string[]; form?: string; filter?: string; headers?: { name: string; value: string }[]; enabled: boolean; actor?: string }

/**
 * WebhooksPage is the admin's integrations screen: outbound endpoints
 * (events, filter with the live check, headers, enable, the secret shown
 * once, rotation, a test event and the delivery log) and inbound hooks.
 */
export default function WebhooksPage() {
  const { t } = useTranslation();
  return (
    <div className="fl-page" style={{ padding: 16, maxWidth: 1100, margin: '0 auto' }}>
      <Typography.Title level={3}>{t('webhook.title')}</Typography.Title>
      <Tabs items={[
        { key: 'out', label: <span data-testid="tab-outbound">{t('webhook.outbound')}</span>, children: <Endpoints /> },
        { key: 'in', label: <span data-testid="tab-inbound">{t('webhook.inbound')}</span>, children: <InboundHooks /> },
      ]} />
    </div>
  );
}

function Endpoints() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const forms = useForms();
  const members = useMembers();
  const [list, setList] = useState<WebhookEndpoint[] | null>(null);
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [editing, setEditing] = useState<WebhookEndpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<WebhookEndpoint | null>(null);
  const [form] = Form.useForm<EndpointValues>();
  const [filterCheck, setFilterCheck] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(async () => {
    try { setList(await webhookApi.endpoints()); } catch (e) { message.error(errorText(e)); setList([]); }
  }, [message]);
  useEffect(() => { void load(); void webhookApi.events().then(setEvents).catch(() => setEvents([])); }, [load]);

  const open = (ep: WebhookEndpoint | 'new') => {
    setEditing(ep); setFilterCheck(null);
    form.resetFields();
    if (ep === 'new') form.setFieldsValue({ events: ['record.created'], enabled: true, headers: [] });
    else form.setFieldsValue({ ...ep, headers: Object.entries(ep.headers).map(([name, value]) => ({ name, value })) });
  };
  const checkFilter = async () => {
    const { form: f, filter } = form.getFieldsValue();
    if (!f || !filter) { setFilterCheck(null); return; }
    try {
      const r = await webhookApi.checkFilter(f, filter);
      setFilterCheck(r.diagnostics && r.diagnostics.length > 0 ? r.diagnostics.map((d) => d.message).join('; ') : '');
    } catch (e) { setFilterCheck(errorText(e)); }
  };
  const save = async (v: EndpointValues) => {
    setSaving(true);
    const body = { url: v.url, description: v.description ?? '', events: v.events, form: v.form ?? '', filter: v.filter ?? '', enabled: v.enabled, actor: v.actor ?? '',
      headers: Object.fromEntries((v.headers ?? []).filter((h) => h?.name).map((h) => [h.name, h.value ?? ''])) };
    try {
      if (editing === 'new') {
        const created = await webhookApi.createEndpoint(body);
        setSecret(created.secret);
      } else if (editing) {
        await webhookApi.updateEndpoint(editing.id, { ...body, version: editing.version });
        message.success(t('common.saved'));
      }
      setEditing(null); await load();
    } catch (e) { showFormError(form, ['url', 'events', 'form', 'filter', 'description', 'actor'], e, (s) => message.error(s)); } finally { setSaving(false); }
  };
  const toggle = async (ep: WebhookEndpoint, enabled: boolean) => {
    try {
      await webhookApi.updateEndpoint(ep.id, { url: ep.url, description: ep.description, events: ep.events, form: ep.form, filter: ep.filter, headers: ep.headers, enabled, actor: ep.actor, version: ep.version });
      await load();
    } catch (e) { message.error(errorText(e)); }
  };
  const rotate = async (ep: WebhookEndpoint) => {
    try { const r = await webhookApi.rotate(ep.id, 24); setSecret(r.secret); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const test = async (ep: WebhookEndpoint) => {
    try { await webhookApi.sendTest(ep.id); message.success(t('webhook.testQueued')); } catch (e) { message.error(errorText(e)); }
  };
  const remove = async (ep: WebhookEndpoint) => {
    try { await webhookApi.deleteEndpoint(ep.id); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const formName = (id?: string) => (id ? forms.find((f) => f.id === id)?.name ?? id : t('webhook.anyForm'));

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('webhook.outboundIntro')}</Typography.Paragraph>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="endpoint-new">{t('webhook.newEndpoint')}</Button>
        <Button icon={<ReloadOutlined />} onClick={() => void load()}>{t('webhook.refresh')}</Button>
      </Space>
      {list !== null && list.length === 0 && <Empty description={t('webhook.empty')} />}
      {(list ?? []).map((ep) => (
        <Card key={ep.id} size="small" data-testid="endpoint-card" title={<Typography.Text ellipsis style={{ maxWidth: '100%' }} code>{ep.url}</Typography.Text>}>
          <Space orientation="vertical" size={4} style={{ width: '100%' }}>
            {ep.description && <Typography.Text>{ep.description}</Typography.Text>}
            <Space wrap size={4}>{ep.events.map((e) => <Tag key={e}>{e}</Tag>)}<Tag color="blue">{formName(ep.form)}</Tag></Space>
            {ep.filter && <Typography.Text type="secondary" code>{ep.filter}</Typography.Text>}
            <Typography.Text type="secondary" data-testid="endpoint-actor">{t('webhook.actsAs', { name: memberName(members, ep.actor) })}</Typography.Text>
            <Space wrap>
              <Switch checked={ep.enabled} onChange={(v) => void toggle(ep, v)} data-testid="endpoint-enabled" />
              <span>{ep.enabled ? t('webhook.enabled') : t('webhook.disabled')}</span>
              <Typography.Text type="secondary">{t('webhook.secretHint', { hint: ep.secretHint })}</Typography.Text>
            </Space>
            {ep.disabledReason && <Alert type="warning" showIcon title={t(`webhook.reason_${ep.disabledReason}`)} />}
            {ep.failingSince && ep.enabled && <Typography.Text type="danger">{t('webhook.failingSince', { time: fmt(ep.failingSince) })}</Typography.Text>}
            {ep.rotatingUntil && dayjs(ep.rotatingUntil).isAfter(dayjs()) && <Typography.Text type="secondary">{t('webhook.rotating', { time: fmt(ep.rotatingUntil) })}</Typography.Text>}
            <Space wrap>
              <Button size="small" type="primary" onClick={() => setLogOf(ep)} data-testid="endpoint-log">{t('webhook.log')}</Button>
              <Button size="small" onClick={() => void test(ep)} data-testid="endpoint-test">{t('webhook.test')}</Button>
              <Button size="small" onClick={() => open(ep)}>{t('common.edit')}</Button>
              <Popconfirm title={t('webhook.rotateConfirm')} onConfirm={() => void rotate(ep)} okText={t('webhook.rotate')} cancelText={t('common.cancel')}>
                <Button size="small" data-testid="endpoint-rotate">{t('webhook.rotate')}</Button>
              </Popconfirm>
              <Popconfirm title={t('webhook.deleteConfirm')} onConfirm={() => void remove(ep)} okButtonProps={{ danger: true }} okText={t('common.delete')} cancelText={t('common.cancel')}>
                <Button size="small" danger>{t('common.delete')}</Button>
              </Popconfirm>
            </Space>
          </Space>
        </Card>
      ))}

      <Drawer open={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('webhook.newEndpoint') : t('common.edit')}
        size="large" styles={{ wrapper: { maxWidth: '100vw' } }}
        extra={<Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="endpoint-save">{t('common.save')}</Button>}>
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item name="url" label={t('webhook.url')} rules={[{ required: true }]}><Input placeholder="https://" data-testid="endpoint-url" /></Form.Item>
          <Form.Item name="description" label={t('webhook.description')}><Input /></Form.Item>
          <Form.Item name="events" label={t('webhook.events')} rules={[{ required: true }]}>
            <Select mode="tags" data-testid="endpoint-events" options={events.map((e) => ({ value: e.type, label: e.type }))} />
          </Form.Item>
          <Form.Item name="form" label={t('webhook.form')}>
            <Select allowClear placeholder={t('webhook.anyForm')} data-testid="endpoint-form" options={forms.map((f) => ({ value: f.id, label: f.name }))} onChange={() => void checkFilter()} />
          </Form.Item>
          <Form.Item name="filter" label={t('webhook.filter')} extra={t('webhook.filterHelp')}
            validateStatus={filterCheck ? 'error' : undefined} help={filterCheck || (filterCheck === '' ? t('webhook.filterOk') : undefined)}>
            <Input.TextArea rows={2} onBlur={() => void checkFilter()} data-testid="endpoint-filter" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <ActorField users={members} help={t('webhook.actorHelp')} testId="endpoint-actor-select" />
          <Form.List name="headers">
            {(fields, { add, remove: del }) => (
              <Form.Item label={t('webhook.headers')}>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'name']} noStyle><Input placeholder={t('webhook.headerName')} style={{ width: 140 }} /></Form.Item>
                    <Form.Item name={[f.name, 'value']} noStyle><Input placeholder={t('webhook.headerValue')} style={{ width: 160 }} /></Form.Item>
                    <Button type="link" onClick={() => del(f.name)}>{t('common.remove')}</Button>
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ name: '', value: '' })}>{t('webhook.addHeader')}</Button>
              </Form.Item>
            )}
          </Form.List>
          <Form.Item name="enabled" label={t('webhook.enabled')} valuePropName="checked"><Switch /></Form.Item>
        </Form>
      </Drawer>
      <SecretOnce title={t('webhook.secretOnce')} value={secret} onClose={() => setSecret(null)} />
      <DeliveryLog endpoint={logOf} onClose={() => setLogOf(null)} />
    </Space>
  );
}
