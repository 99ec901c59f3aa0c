import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/auth';
import { LanguageSwitch } from '../../LanguageSwitch';
import { currentLang } from '../../i18n';
import { ApiError } from '../../api/client';
import { applyFieldErrors, errorText } from '../../util/errors';

interface SetupValues { token: string; workspace: string; name: string; email: string; password: string; confirm: string }

export function SetupPage() {
  const { t } = useTranslation();
  const { setup, me } = useAuth();
  const nav = useNavigate();
  const [form] = Form.useForm<SetupValues>();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [params] = useSearchParams();
  const linkToken = params.get('token') ?? '';
  if (me) return <Navigate to="/" replace />;
  return (
    <div className="fl-center">
      <Card style={{ width: 440 }} title={<Space style={{ width: '100%', justifyContent: 'space-between' }}><span>{t('auth.setupTitle')}</span><LanguageSwitch /></Space>}>
        <Typography.Paragraph type="secondary">{t('auth.setupIntro')}</Typography.Paragraph>
        {err && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={err} />}
        <Form form={form} layout="vertical" initialValues={{ workspace: t('auth.defaultWorkspace'), token: linkToken }} onFinish={async (v) => {
          setBusy(true); setErr(null);
          try {
            await setup({ token: v.token || linkToken, email: v.email, name: v.name, password: v.password, workspace: v.workspace, language: currentLang() });
            nav('/', { replace: true });
          } catch (e) {
            if (e instanceof ApiError && e.fields.length) {
              const rest = applyFieldErrors(form, e.fields, (n) => ['email', 'name', 'password', 'workspace', 'token'].includes(String(n[0])) && n.length === 1);
              if (rest.length) setErr(rest.map((r) => r.message).join('; '));
            } else setErr(errorText(e));
          } finally { setBusy(false); }
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
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="setup-submit">{t('auth.createAdmin')}</Button>
        </Form>
      </Card>
    </div>
  );
}
