import { useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Breadcrumb, Button, Card, Form, Result, Space, Spin } from 'antd';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import type { Definition, FieldError } from '../../api/types';
import { DirectoryProvider } from '../../fields/directory';
import { FormRenderer, inputData } from '../../fields/FormRenderer';
import { applyFieldErrors, errorText, scrollToFirstError } from '../../util/errors';
import { liveFormulas } from './liveFormulas';
import { fieldDefaults } from './defaults';
import { usePublished } from './usePublished';
import { maskDefinition, readOnlyKeys, usePermission } from '../../permissions/usePermission';

/** knownName tells whether an antd name path addresses a field of def (for placing server errors). */
export function knownName(def: Definition) {
  return (n: (string | number)[]): boolean => {
    const f = def.fields.find((x) => x.key === n[0]);
    if (!f) return false;
    if (n.length === 1) return true;
    return f.type === 'subform' && n.length === 3 && typeof n[1] === 'number' && !!f.fields?.some((c) => c.key === n[2]);
  };
}

export default function FillPage() {
  const { formId = '' } = useParams();
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const { form: meta, version, error } = usePublished(formId);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [formErrors, setFormErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState<string | null>(null);
  // Fields the member may not see are left out; the ones they may only see are disabled and never sent.
  const perm = usePermission(formId);
  const liveDef = useMemo(() => (version && perm.loaded ? maskDefinition(version.definition, perm) : undefined), [version, perm]);
  const readOnly = useMemo(() => (liveDef ? readOnlyKeys(liveDef, perm) : new Set<string>()), [liveDef, perm]);
  const defaults = useMemo(() => (liveDef ? fieldDefaults(liveDef) : {}), [liveDef]);
  // Formula fields follow the values as the user types (server semantics).
  const recompute = (all: Record<string, unknown>) => { if (liveDef) form.setFieldsValue(liveFormulas(liveDef, all)); };
  useEffect(() => { if (liveDef && !done) form.setFieldsValue(liveFormulas(liveDef, form.getFieldsValue(true))); }, [liveDef, done, form]);

  if (error) return <Alert type="error" title={error} />;
  if (!meta) return <Spin />;
  if (!version) return <Result status="info" title={t('fill.notPublished')} />;
  if (!liveDef) return <Spin />;
  if (!perm.can('record.create')) return <Result status="403" title={t('perm.noCreate')} data-testid="no-create" />;
  const def = liveDef;

  const submit = async () => {
    setFormErrors([]);
    try { await form.validateFields(); } catch { scrollToFirstError(form); return; }
    setBusy(true);
    try {
      const rec = await api.createRecord(formId, inputData(def, form.getFieldsValue(true), undefined, readOnly));
      message.success(t('fill.submitted'));
      setDone(rec.id);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        setFormErrors(applyFieldErrors(form, e.fields, knownName(def)));
        scrollToFirstError(form);
        message.error(t('fill.fixErrors'));
      } else message.error(errorText(e));
    } finally { setBusy(false); }
  };

  return (
    <DirectoryProvider>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> }, { title: meta.name }]} />
      <Card title={meta.name} style={{ maxWidth: 1100, margin: '0 auto' }}
        extra={perm.can('record.view') && <Button onClick={() => nav(`/forms/${formId}/data`)}>{t('forms.data')}</Button>}>
        {done ? (
          <Result status="success" title={t('fill.submitted')} extra={[
            <Button key="again" type="primary" onClick={() => { form.resetFields(); setDone(null); }} data-testid="fill-again">{t('fill.again')}</Button>,
            ...(perm.can('record.view') ? [<Button key="data" onClick={() => nav(`/forms/${formId}/data`)}>{t('forms.data')}</Button>] : []),
          ]} />
        ) : (
          <>
            {formErrors.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="form-errors"
              title={formErrors.map((e) => e.message).join('；')} />}
            <FormRenderer def={def} form={form} onValuesChange={recompute} readOnly={readOnly} initialValues={defaults} />
            <Space><Button type="primary" loading={busy} onClick={() => void submit()} data-testid="submit">{t('fill.submit')}</Button>
              <Button onClick={() => { form.resetFields(); setFormErrors([]); recompute(form.getFieldsValue(true)); }}>{t('fill.reset')}</Button></Space>
          </>
        )}
      </Card>
    </DirectoryProvider>
  );
}
