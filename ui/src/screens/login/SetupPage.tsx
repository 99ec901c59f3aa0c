import { useRef, useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, Space, Spin, Typography } from 'antd';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/auth';
import { LanguageSwitch } from '../../LanguageSwitch';
import { currentLang } from '../../i18n';
import { ApiError } from '../../api/client';
import { templateApi } from '../../api/templates';
import { dashboardsApi } from '../../api/dashboards';
import { applyFieldErrors, errorText } from '../../util/errors';

interface SetupValues { token: string; workspace: string; name: string; email: string; password: string; confirm: string; crm?: boolean }

/** CRM_TEMPLATE is the shipped template first-run setup can start the workspace with. */
const CRM_TEMPLATE = 'crm';

export function SetupPage() {
  const { t } = useTranslation();
  const { setup, me } = useAuth();
  const nav = useNavigate();
  const [form] = Form.useForm<SetupValues>();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  const linkToken = params.get('token') ?? '';
  // Starting with the CRM: the admin is signed in once the workspace exists,
  // and the page stays to install the template before leaving.
  const [starting, setStarting] = useState<'installing' | 'failed' | null>(null);
  const crm = useRef(false);
  if (me && !starting && !crm.current) return <Navigate to="/" replace />;
  if (starting) {
    return (
      <div className="fl-center">
        <Card style={{ width: 440, maxWidth: '100%' }} title={t('auth.setupTitle')} data-testid="setup-crm-progress">
          {starting === 'installing' ? (
            <Space><Spin /><Typography.Text>{t('auth.setupInstalling')}</Typography.Text></Space>
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Alert type="error" showIcon title={t('auth.setupFailed')} description={err} data-testid="setup-crm-error" />
              <Button type="primary" block onClick={() => nav('/', { replace: true })} data-testid="setup-continue">{t('auth.setupContinue')}</Button>
            </Space>
          )}
        </Card>
      </div>
    );
  }
  return (
    <div className="fl-center">
      <Card style={{ width: 440, maxWidth: '100%' }} title={<Space style={{ width: '100%', justifyContent: 'space-between' }}><span>{t('auth.setupTitle')}</span><LanguageSwitch /></Space>}>
        <Typography.Paragraph type="secondary">{t('auth.setupIntro')}</Typography.Paragraph>
        {err && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={err} />}
        <Form form={form} layout="vertical" initialValues={{ workspace: t('auth.defaultWorkspace'), token: linkToken }} onFinish={async (v) => {
          setBusy(true); setErr(null);
          crm.current = !!v.crm;
          try {
            await setup({ token: v.token || linkToken, email: v.email, name: v.name, password: v.password, workspace: v.workspace, language: currentLang() });
          } catch (e) {
            crm.current = false;
            if (e instanceof ApiError && e.fields.length) {
              const rest = applyFieldErrors(form, e.fields, (n) => ['email', 'name', 'password', 'workspace', 'token'].includes(String(n[0])) && n.length === 1);
              if (rest.length) setErr(rest.map((r) => r.message).join('; '));
            } else setErr(errorText(e));
            setBusy(false);
            return;
          }
          if (!v.crm) { nav('/', { replace: true }); return; }
          setStarting('installing');
          try {
            const r = await templateApi.install({ key: CRM_TEMPLATE }, { sampleData: true, locale: currentLang() });
            // The CRM's first dashboard shows its sample data at once; the
            // app page when it has none (or the list cannot be read).
            const boards = await dashboardsApi.list(r.appId).catch(() => []);
            nav(boards.length > 0 ? `/dashboards/${boards[0].id}` : `/apps/${r.appId}`, { replace: true });
          } catch (e) {
            setErr(errorText(e));
            setStarting('failed');
          }
        }}>
          <Form.Item name="token" label={t('auth.setupToken')} hidden={!!linkToken} extra={t('auth.setupTokenHelp')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}><Input autoComplete="off" data-testid="setup-token" /></Form.Item>
          <Form.Item name="workspace" label={t('auth.workspace')} rules={[{ required: true, message: t('validation.required') }]}><Input /></Form.Item>
          <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, message: t('validation.required') }]}><Input autoComplete="name" /></Form.Item>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}><Input autoComplete="username" /></Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, min: 8, message: t('validation.passwordMin', { count: 8 }) }]}><Input.Password autoComplete="new-password" /></Form.Item>
          <Form.Item name="confirm" label={t('auth.confirmPassword')} dependencies={['password']} rules={[{ required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch')))) })]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="crm" valuePropName="checked" extra={t('auth.setupCrmHelp')}>
            <Checkbox data-testid="setup-crm">{t('auth.setupCrm')}</Checkbox>
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="setup-submit">{t('auth.createAdmin')}</Button>
        </Form>
      </Card>
    </div>
  );
}
