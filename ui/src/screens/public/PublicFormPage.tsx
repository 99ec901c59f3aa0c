import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Form, Input, Result, Space, Spin, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import '../../i18n/publink';
import { ApiError } from '../../api/client';
import type { Definition, FieldDef, FieldError } from '../../api/types';
import { publinkApi, type PublicForm } from '../../api/publink';
import { FormRenderer, inputData } from '../../fields/FormRenderer';
import { fieldDefaults } from '../fill/defaults';
import { applyFieldErrors, errorText, scrollToFirstError } from '../../util/errors';
import { LanguageSwitch } from '../../LanguageSwitch';

/** definitionOf turns the public design into the renderer's form design. */
export function definitionOf(p: PublicForm): Definition {
  return {
    columns: 1,
    fields: p.fields.map((f) => ({
      key: f.key, type: f.type, label: f.label, description: f.description, required: f.required, options: f.options,
      display: f.display, default: f.default, minLength: f.minLength, maxLength: f.maxLength, min: f.min, max: f.max,
      precision: f.precision, currency: f.currency,
    }) as FieldDef),
  };
}

/**
 * PublicFormPage is a form's public link (/p/<token>): a visitor without an
 * account fills in the fields the link shows and submits them. It needs no
 * sign-in (the token in the address is the credential), follows the
 * browser's language with a switch, and fits a phone. The honeypot input
 * is off screen and out of the tab order: people leave it empty.
 */
export default function PublicFormPage() {
  const { token = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [design, setDesign] = useState<PublicForm | null>(null);
  const [failed, setFailed] = useState<'notFound' | 'other' | null>(null);
  const [otherError, setOtherError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [formErrors, setFormErrors] = useState<FieldError[]>([]);
  const [banner, setBanner] = useState('');
  const [trap, setTrap] = useState('');
  const [form] = Form.useForm();

  useEffect(() => {
    let live = true;
    publinkApi.publicForm(token)
      .then((d) => { if (live) setDesign(d); })
      .catch((e) => { if (!live) return; if (e instanceof ApiError && e.status === 404) setFailed('notFound'); else { setFailed('other'); setOtherError(errorText(e)); } });
    return () => { live = false; };
  }, [token, i18n.language]);
  const def = useMemo(() => (design ? definitionOf(design) : null), [design]);
  const defaults = useMemo(() => (def ? fieldDefaults(def) : {}), [def]);
  useEffect(() => { if (design) document.title = design.title; }, [design]);

  const submit = async () => {
    if (!def) return;
    setFormErrors([]); setBanner('');
    try { await form.validateFields(); } catch { scrollToFirstError(form); return; }
    setBusy(true);
    try {
      const res = await publinkApi.submit(token, inputData(def, form.getFieldsValue(true)), trap);
      setDone(res.thanks || design?.thanks || t('publink.doneDefault'));
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        const keys = new Set(def.fields.map((f) => f.key));
        setFormErrors(applyFieldErrors(form, e.fields, (name) => name.length === 1 && keys.has(String(name[0]))));
        scrollToFirstError(form);
        setBanner(t('publink.fixErrors'));
      } else if (e instanceof ApiError && e.status === 404) setFailed('notFound');
      else if (e instanceof ApiError && e.status === 410) setBanner(t('publink.closed'));
      else if (e instanceof ApiError && e.status === 429) setBanner(t('publink.tooMany'));
      else setBanner(errorText(e));
    } finally { setBusy(false); }
  };

  const head = (
    <div className="fl-public-head">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('publink.poweredBy')}</Typography.Text>
      <LanguageSwitch />
    </div>
  );
  let body: React.ReactNode;
  if (failed === 'notFound') body = <Result status="404" title={t('publink.notFound')} subTitle={t('publink.notFoundHelp')} data-testid="public-not-found" />;
  else if (failed === 'other') body = <Alert type="error" title={otherError} />;
  else if (!design || !def) body = <div className="fl-center" style={{ minHeight: 240 }}><Spin /></div>;
  else if (done !== null) {
    body = (
      <Result status="success" title={t('publink.done')} subTitle={done} data-testid="public-done"
        extra={<Button onClick={() => { form.resetFields(); setDone(null); }} data-testid="public-again">{t('publink.again')}</Button>} />
    );
  } else {
    body = (
      <>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="public-title">{design.title}</Typography.Title>
        {design.description && <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-line' }}>{design.description}</Typography.Paragraph>}
        {banner && <Alert type="error" showIcon title={banner} style={{ marginBottom: 12 }} data-testid="public-banner" />}
        {formErrors.length > 0 && (
          <Alert type="error" style={{ marginBottom: 12 }} title={<ul style={{ margin: 0, paddingLeft: 18 }}>{formErrors.map((f, i) => <li key={i}>{f.message}</li>)}</ul>} />
        )}
        <FormRenderer def={def} form={form} initialValues={defaults} />
        <div className="fl-public-trap" aria-hidden="true">
          <label>{t('publink.honeypot')}<Input name={design.honeypot} tabIndex={-1} autoComplete="off" value={trap} onChange={(e) => setTrap(e.target.value)} data-testid="public-honeypot" /></label>
        </div>
        <Space style={{ marginTop: 8 }}>
          <Button type="primary" size="large" loading={busy} onClick={() => void submit()} data-testid="public-submit">{busy ? t('publink.submitting') : t('publink.submit')}</Button>
        </Space>
      </>
    );
  }
  return (
    <div className="fl-public-page">
      {head}
      <Card className="fl-public-card">{body}</Card>
    </div>
  );
}
