import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { CopyOutlined, DeleteOutlined, GlobalOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/publink';
import { ApiError } from '../../api/client';
import type { Definition, FieldError } from '../../api/types';
import { PUBLIC_TYPES, publinkApi, type PublicLink, type PublicLinkSaved } from '../../api/publink';
import { applyFieldErrors, errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';

interface Values {
  enabled: boolean; fields: string[]; title?: string; description?: string; thanks?: string; maxSubmissions?: number; perIpHour?: number;
  presets?: { field?: string; value?: string }[];
}

/** presetValue reads a typed-in preset as its field's JSON value (numbers, yes/no, lists of a multiselect). */
export function presetValue(type: string | undefined, text: string): unknown {
  const v = text.trim();
  if (['number', 'money', 'percent', 'rating'].includes(type ?? '') && v !== '' && Number.isFinite(Number(v))) return Number(v);
  if (type === 'boolean') return v === 'true' || v === '1' || v === '是' || v.toLowerCase() === 'yes';
  if (type === 'multiselect') return v ? v.split(/[,，]/).map((x) => x.trim()).filter(Boolean) : [];
  return v;
}

const NAMES = new Set(['enabled', 'fields', 'title', 'description', 'thanks', 'maxSubmissions', 'perIpHour']);

/**
 * PublicLinkButton is the designer's entry to the form's public link: a
 * toolbar button (showing whether the link is on) that opens its settings
 * in a drawer: on or off, the fields shown, the page's texts, the limits,
 * fixed values of fields not shown; the link itself right after it is
 * made (the server keeps only its hash), rotate and remove.
 */
export function PublicLinkButton({ formId, def, published }: { formId: string; def: Definition; published: number }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const phone = usePhone();
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<PublicLink | null | undefined>(undefined);
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [rest, setRest] = useState<FieldError[]>([]);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    let live = true;
    publinkApi.get(formId).then((l) => { if (live) setLink(l); }).catch((e) => { if (live) setLink(e instanceof ApiError && e.status === 404 ? null : null); });
    return () => { live = false; };
  }, [formId]);
  useEffect(() => {
    if (!open || link === undefined) return;
    form.setFieldsValue(link
      ? { enabled: link.enabled, fields: link.fields, title: link.title, description: link.description, thanks: link.thanks,
          maxSubmissions: link.maxSubmissions ?? 0, perIpHour: link.perIpHour ?? 0,
          presets: Object.entries(link.presets ?? {}).map(([field, value]) => ({ field, value: Array.isArray(value) ? value.join(', ') : String(value) })) }
      : { enabled: true, fields: def.fields.filter((f) => PUBLIC_TYPES.has(f.type) && f.required).map((f) => f.key), maxSubmissions: 0, perIpHour: 0, presets: [] });
  }, [open, link, def, form]);

  const choices = def.fields.filter((f) => PUBLIC_TYPES.has(f.type)).map((f) => ({ value: f.key, label: f.label || f.key }));
  const took = (l: PublicLinkSaved) => { setLink(l); if (l.token) setShown(l.url || `${location.origin}/p/${l.token}`); };
  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.fields.length) setRest(applyFieldErrors(form, e.fields, (n) => n.length === 1 && NAMES.has(String(n[0]))));
    else message.error(errorText(e));
  };

  const save = async () => {
    const v = form.getFieldsValue(true) as Values;
    const presets: Record<string, unknown> = {};
    for (const p of v.presets ?? []) if (p?.field) presets[p.field] = presetValue(def.fields.find((f) => f.key === p.field)?.type, p.value ?? '');
    setBusy('save'); setRest([]);
    try {
      took(await publinkApi.save(formId, { enabled: !!v.enabled, fields: v.fields ?? [], title: v.title ?? '', description: v.description ?? '',
        thanks: v.thanks ?? '', maxSubmissions: v.maxSubmissions ?? 0, perIpHour: v.perIpHour ?? 0, presets, version: link?.version ?? 0 }));
      message.success(t('publink.saved'));
    } catch (e) { fail(e); } finally { setBusy(null); }
  };
  const rotate = async () => {
    setBusy('rotate');
    try { took(await publinkApi.rotate(formId)); } catch (e) { fail(e); } finally { setBusy(null); }
  };
  const remove = async () => {
    setBusy('remove');
    try { await publinkApi.remove(formId); setLink(null); setShown(null); form.resetFields(); message.success(t('publink.removed')); setOpen(false); }
    catch (e) { fail(e); } finally { setBusy(null); }
  };
  const copy = async () => {
    if (!shown) return;
    try { await navigator.clipboard.writeText(shown); message.success(t('publink.copied')); } catch { /* the address stays selectable */ }
  };

  return (
    <>
      <Button icon={<GlobalOutlined />} type={link?.enabled ? 'default' : 'dashed'} onClick={() => setOpen(true)} data-testid="public-link-settings">
        {t('publink.button')}{link?.enabled ? <Tag color="green" style={{ marginInlineStart: 6, marginInlineEnd: 0 }}>{t('publink.on')}</Tag> : null}
      </Button>
      <Drawer open={open} onClose={() => setOpen(false)} title={t('publink.title')} size={phone ? '100%' : 520} destroyOnHidden data-testid="public-link-drawer">
        {link === undefined ? <Spin /> : (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph type="secondary">{t('publink.intro')}</Typography.Paragraph>
            {!published && <Alert type="warning" showIcon title={t('publink.notPublished')} />}
            {shown && (
              <Alert type="success" showIcon data-testid="public-link-url" title={t('publink.linkOnce')} description={
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Typography.Text code copyable={false} style={{ wordBreak: 'break-all' }} data-testid="public-link-value">{shown}</Typography.Text>
                  <Space wrap>
                    <Button size="small" icon={<CopyOutlined />} onClick={() => void copy()} data-testid="public-link-copy">{t('publink.copy')}</Button>
                    <Button size="small" href={shown} target="_blank" rel="noreferrer">{t('publink.open')}</Button>
                  </Space>
                </Space>} />
            )}
            {!shown && link?.hasToken && <Typography.Text type="secondary">{t('publink.noLinkShown')}</Typography.Text>}
            {link && <Typography.Text type="secondary" data-testid="public-link-count">{t('publink.submissions', { count: link.submissions })}</Typography.Text>}
            {rest.length > 0 && <Alert type="error" title={<ul style={{ margin: 0, paddingLeft: 18 }}>{rest.map((f, i) => <li key={i}>{f.message}</li>)}</ul>} />}
            <Form form={form} layout="vertical" disabled={!published}>
              <Form.Item name="enabled" label={t('publink.enabled')} valuePropName="checked"><Switch data-testid="public-link-enabled" /></Form.Item>
              <Form.Item name="fields" label={t('publink.fields')} extra={t('publink.fieldsHelp')}>
                <Select mode="multiple" options={choices} data-testid="public-link-fields" optionFilterProp="label" />
              </Form.Item>
              <Form.Item name="title" label={t('publink.pageTitle')}><Input placeholder={t('publink.pageTitlePh')} maxLength={200} data-testid="public-link-title" /></Form.Item>
              <Form.Item name="description" label={t('publink.description')}><Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} /></Form.Item>
              <Form.Item name="thanks" label={t('publink.thanks')}><Input.TextArea placeholder={t('publink.thanksPh')} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="public-link-thanks" /></Form.Item>
              <Space wrap>
                <Form.Item name="maxSubmissions" label={t('publink.maxSubmissions')} extra={t('publink.maxSubmissionsHelp')}><InputNumber min={0} precision={0} /></Form.Item>
                <Form.Item name="perIpHour" label={t('publink.perIpHour')} extra={t('publink.perIpHourHelp')}><InputNumber min={0} max={1000} precision={0} /></Form.Item>
              </Space>
              <div><Typography.Text strong>{t('publink.presets')}</Typography.Text></div>
              <Form.List name="presets">
                {(rows, { add, remove: drop }) => (
                  <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
                    {rows.map((row) => (
                      <Space key={row.key} align="start" wrap>
                        <Form.Item name={[row.name, 'field']} noStyle>
                          <Select style={{ width: 180 }} placeholder={t('publink.presetField')} options={choices} aria-label={t('publink.presetField')} />
                        </Form.Item>
                        <Form.Item name={[row.name, 'value']} noStyle><Input style={{ width: 160 }} placeholder={t('publink.presetValue')} aria-label={t('publink.presetValue')} /></Form.Item>
                        <Button type="text" danger icon={<DeleteOutlined />} onClick={() => drop(row.name)} aria-label={t('common.remove')} />
                      </Space>
                    ))}
                    <Button size="small" icon={<PlusOutlined />} onClick={() => add({})}>{t('publink.addPreset')}</Button>
                  </Space>
                )}
              </Form.List>
            </Form>
            <Space wrap style={{ marginTop: 12 }}>
              <Button type="primary" loading={busy === 'save'} disabled={!published} onClick={() => void save()} data-testid="public-link-save">{t('publink.save')}</Button>
              {link && (
                <Popconfirm title={t('publink.rotateConfirm')} onConfirm={() => void rotate()} okText={t('publink.rotate')} cancelText={t('common.cancel')}>
                  <Button icon={<ReloadOutlined />} loading={busy === 'rotate'} data-testid="public-link-rotate">{t('publink.rotate')}</Button>
                </Popconfirm>
              )}
              {link && (
                <Popconfirm title={t('publink.removeConfirm')} onConfirm={() => void remove()} okText={t('publink.remove')} cancelText={t('common.cancel')}>
                  <Button danger loading={busy === 'remove'} data-testid="public-link-remove">{t('publink.remove')}</Button>
                </Popconfirm>
              )}
            </Space>
          </Space>
        )}
      </Drawer>
    </>
  );
}
