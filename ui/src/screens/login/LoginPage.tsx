import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/auth';
import { LanguageSwitch } from '../../LanguageSwitch';
import { errorText } from '../../util/errors';

export function LoginPage() {
  const { t } = useTranslation();
  const { login, me, setupNeeded, loading } = useAuth();
  const nav = useNavigate();
  const loc = useLocation();
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!loading && me) return <Navigate to="/" replace />;
  const from = (loc.state as { from?: string } | null)?.from ?? '/';
  return (
    <div className="fl-center">
      <Card style={{ width: 380 }} title={<Space style={{ width: '100%', justifyContent: 'space-between' }}><span>Formloom · {t('auth.login')}</span><LanguageSwitch /></Space>}>
        {setupNeeded && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={<Link to="/setup">{t('auth.setupFirst')}</Link>} />}
        {err && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={err} data-testid="login-error" />}
        <Form layout="vertical" onFinish={async (v: { email: string; password: string }) => {
          setBusy(true); setErr(null);
          try { await login(v.email, v.password); nav(from, { replace: true }); } catch (e) { setErr(errorText(e)); } finally { setBusy(false); }
        }}>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('validation.email') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.login')}</Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>{t('auth.loginHint')}</Typography.Paragraph>
      </Card>
    </div>
  );
}
