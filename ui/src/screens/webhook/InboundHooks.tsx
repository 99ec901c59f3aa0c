import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Drawer, Empty, Form, Input, Popconfirm, Select, Space, Switch, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import '../../i18n/webhook';
import { api } from '../../api/client';
import type { FieldDef } from '../../api/types';
import { webhookApi } from '../../api/webhook';
import type { InboundCall, InboundHook } from '../../api/webhook';
import { errorText, showFormError } from '../../util/errors';
import { ActorField, SecretOnce, memberName, useForms, useMembers } from './WebhooksPage';

interface HookValues { name: string; form: string; verify: string; signatureHeader?: string; mapping: { field: string; expression: string }[]; idempotencyKey?: string; upsertField?: string; enabled: boolean; actor?: string }

/**
 * InboundHooks lists the inbound hooks: a secret URL per hook, the mapping
 * editor (one expression per field, checked live, written from the last
 * payloads received) and the recent calls with their results and errors.
 */
export default function InboundHooks() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const forms = useForms();
  const members = useMembers();
  const [list, setList] = useState<InboundHook[] | null>(null);
  const [editing, setEditing] = useState<InboundHook | 'new' | null>(null);
  const [fields, setFields] = useState<FieldDef[]>([]);
  const [calls, setCalls] = useState<InboundCall[]>([]);
  const [once, setOnce] = useState<string | null>(null);
  const [checks, setChecks] = useState<Record<number, string>>({});
  const [form] = Form.useForm<HookValues>();

  const load = useCallback(async () => {
    try { setList(await webhookApi.inbound()); } catch (e) { message.error(errorText(e)); setList([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const loadFields = async (formID?: string) => {
    if (!formID) { setFields([]); return; }
    try { const f = await api.form(formID); setFields(f.draft.fields ?? []); } catch { setFields([]); }
  };
  const open = async (h: InboundHook | 'new') => {
    setEditing(h); setChecks({}); form.resetFields(); setCalls([]);
    if (h === 'new') { form.setFieldsValue({ verify: 'none', enabled: true, mapping: [{ field: '', expression: 'payload.' }] }); setFields([]); return; }
    form.setFieldsValue({ ...h, mapping: Object.entries(h.mapping).map(([field, expression]) => ({ field, expression })) });
    void loadFields(h.form);
    try { setCalls(await webhookApi.calls(h.id)); } catch { setCalls([]); }
  };
  const check = async (i: number, src: string) => {
    try {
      const r = await webhookApi.checkMapping(src);
      setChecks((c) => ({ ...c, [i]: (r.diagnostics ?? []).map((d) => d.message).join('; ') }));
    } catch (e) { setChecks((c) => ({ ...c, [i]: errorText(e) })); }
  };
  const save = async (v: HookValues) => {
    const body = { name: v.name, form: v.form, verify: v.verify, signatureHeader: v.signatureHeader ?? '', idempotencyKey: v.idempotencyKey ?? '',
      upsertField: v.upsertField ?? '', enabled: v.enabled, actor: v.actor ?? '', mapping: Object.fromEntries((v.mapping ?? []).filter((m) => m?.field).map((m) => [m.field, m.expression])) };
    try {
      if (editing === 'new') {
        const c = await webhookApi.createInbound(body);
        setOnce(c.secret ? `${c.url}\n${t('webhook.hookSecret')}: ${c.secret}` : c.url);
      } else if (editing) {
        await webhookApi.updateInbound(editing.id, { ...body, version: editing.version });
        message.success(t('common.saved'));
      }
      setEditing(null); await load();
    } catch (e) { showFormError(form, ['name', 'form', 'verify', 'idempotencyKey', 'upsertField', 'signatureHeader', 'actor'], e, (s) => message.error(s)); }
  };
  // A new URL token (and secret) for a hook, shown once; a hook installed from a template starts without one.
  const rotate = async (h: InboundHook) => {
    try {
      const c = await webhookApi.rotateInbound(h.id);
      setOnce(c.secret ? `${c.url}\n${t('webhook.hookSecret')}: ${c.secret}` : c.url);
      await load();
    } catch (e) { message.error(errorText(e)); }
  };
  const remove = async (h: InboundHook) => {
    try { await webhookApi.deleteInbound(h.id); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const formName = (id: string) => forms.find((f) => f.id === id)?.name ?? id;
  const verify = Form.useWatch('verify', form);

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('webhook.inboundIntro')}</Typography.Paragraph>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => void open('new')} data-testid="hook-new">{t('webhook.newHook')}</Button>
      {list !== null && list.length === 0 && <Empty description={t('webhook.noHooks')} />}
      {(list ?? []).map((h) => (
        <Card key={h.id} size="small" data-testid="hook-card" title={h.name}>
          <Space wrap>
            <Tag color="blue">{formName(h.form)}</Tag><Tag>{t(`webhook.verify_${h.verify}`)}</Tag>
            <Tag color={h.enabled ? 'green' : 'default'}>{h.enabled ? t('webhook.enabled') : t('webhook.disabled')}</Tag>
            <Typography.Text type="secondary" data-testid="hook-actor">{t('webhook.actsAs', { name: memberName(members, h.actor) })}</Typography.Text>
            <Button size="small" onClick={() => void open(h)} data-testid="hook-edit">{t('common.edit')}</Button>
            <Popconfirm title={t('webhook.rotateHookConfirm')} onConfirm={() => void rotate(h)} okText={t('webhook.rotateHook')} cancelText={t('common.cancel')}>
              <Button size="small" data-testid="hook-rotate">{t('webhook.rotateHook')}</Button>
            </Popconfirm>
            <Popconfirm title={t('webhook.deleteConfirm')} onConfirm={() => void remove(h)} okButtonProps={{ danger: true }} okText={t('common.delete')} cancelText={t('common.cancel')}>
              <Button size="small" danger>{t('common.delete')}</Button>
            </Popconfirm>
          </Space>
        </Card>
      ))}
      <Drawer open={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('webhook.newHook') : t('common.edit')} size="large"
        styles={{ wrapper: { maxWidth: '100vw' } }} extra={<Button type="primary" onClick={() => form.submit()} data-testid="hook-save">{t('common.save')}</Button>}>
        <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item name="name" label={t('webhook.name')} rules={[{ required: true }]}><Input data-testid="hook-name" /></Form.Item>
          <Form.Item name="form" label={t('webhook.form')} rules={[{ required: true }]}>
            <Select data-testid="hook-form" options={forms.map((f) => ({ value: f.id, label: f.name }))} onChange={(v: string) => void loadFields(v)} disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="verify" label={t('webhook.verify')}>
            <Select disabled={editing !== 'new'} options={['none', 'hmac', 'standard'].map((v) => ({ value: v, label: t(`webhook.verify_${v}`) }))} />
          </Form.Item>
          {verify === 'hmac' && <Form.Item name="signatureHeader" label={t('webhook.signatureHeader')}><Input placeholder="X-Signature" /></Form.Item>}
          <Typography.Text strong>{t('webhook.mapping')}</Typography.Text>
          <Typography.Paragraph type="secondary">{t('webhook.mappingHelp')}</Typography.Paragraph>
          <Form.List name="mapping">
            {(rows, { add, remove: del }) => (
              <>
                {rows.map((r) => (
                  <Space key={r.key} align="start" wrap style={{ width: '100%' }}>
                    <Form.Item name={[r.name, 'field']} style={{ minWidth: 140 }}>
                      <Select placeholder={t('webhook.field')} data-testid="map-field" options={fields.map((f) => ({ value: f.key, label: `${f.label} (${f.key})` }))} />
                    </Form.Item>
                    <Form.Item name={[r.name, 'expression']} validateStatus={checks[r.name] ? 'error' : undefined} help={checks[r.name] || undefined}>
                      <Input placeholder="payload.contact.phone" style={{ width: 220, fontFamily: 'monospace' }} data-testid="map-expr" onBlur={(e) => void check(r.name, e.target.value)} />
                    </Form.Item>
                    <Button type="link" onClick={() => del(r.name)}>{t('common.remove')}</Button>
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ field: '', expression: 'payload.' })} data-testid="map-add">{t('webhook.addMapping')}</Button>
              </>
            )}
          </Form.List>
          <Form.Item name="idempotencyKey" label={t('webhook.idempotencyKey')} extra={t('webhook.idempotencyHelp')} style={{ marginTop: 16 }}><Input style={{ fontFamily: 'monospace' }} /></Form.Item>
          <Form.Item name="upsertField" label={t('webhook.upsertField')} extra={t('webhook.upsertHelp')}>
            <Select allowClear options={fields.map((f) => ({ value: f.key, label: `${f.label} (${f.key})` }))} />
          </Form.Item>
          <ActorField users={members} help={t('webhook.hookActorHelp')} testId="hook-actor-select" />
          <Form.Item name="enabled" label={t('webhook.enabled')} valuePropName="checked"><Switch /></Form.Item>
        </Form>
        {editing !== 'new' && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Title level={5}>{t('webhook.calls')}</Typography.Title>
            {calls.length === 0 && <Empty description={t('webhook.noCalls')} />}
            {calls.map((c) => (
              <Card key={c.id} size="small" data-testid="hook-call">
                <Space wrap>
                  <Tag color={c.ok ? 'green' : 'red'}>{c.ok ? t('webhook.ok') : t('webhook.error')}</Tag>
                  <span>{dayjs(c.at).format('YYYY-MM-DD HH:mm:ss')}</span>
                  {c.result.record && <Typography.Text type="secondary">{t('webhook.record')} {c.result.record} ({c.result.action})</Typography.Text>}
                </Space>
                {c.error && <Typography.Paragraph type="danger">{(c.errors ?? []).map((e) => `${e.path}: ${e.code}`).join('; ') || c.error}</Typography.Paragraph>}
                <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12, maxHeight: 160, overflow: 'auto' }}>{c.payload}</pre>
              </Card>
            ))}
          </Space>
        )}
      </Drawer>
      <SecretOnce title={t('webhook.hookUrl')} value={once} onClose={() => setOnce(null)} />
    </Space>
  );
}
