import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Checkbox, DatePicker, Empty, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Scope, TokenCreated, TokenInfo } from '../../api/types';
import { useAuth } from '../../auth/auth';
import { errorText } from '../../util/errors';
import { showServerErrors } from './formErrors';

interface Values { name: string; scopes: Scope[]; expiresAt?: Dayjs | null }

/** TokensPage lists the user's API tokens, creates one (its secret shown once) and revokes them. */
export default function TokensPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { me } = useAuth();
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<TokenCreated | null>(null);
  const [form] = Form.useForm<Values>();

  const load = useCallback(async () => {
    try { setTokens(await api.tokens()); } catch (e) { message.error(errorText(e)); setTokens([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const wsName = (id: string) => me?.workspaces?.find((w) => w.id === id)?.name ?? id;
  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    try {
      const tok = await api.createToken({ name: v.name.trim(), scopes: v.scopes, expiresAt: v.expiresAt ? v.expiresAt.endOf('day').toISOString() : undefined });
      setCreating(false); setShown(tok); await load();
    } catch (e) {
      showServerErrors(form, e, ['name', 'scopes', 'expiresAt'], 'name');
    } finally { setBusy(false); }
  };
  const revoke = async (tok: TokenInfo) => {
    try { await api.revokeToken(tok.id); message.success(t('tokens.revoked')); await load(); } catch (e) { message.error(errorText(e)); }
  };
  const fmt = (s?: string) => (s ? dayjs(s).format('YYYY-MM-DD HH:mm') : t('tokens.never'));

  return (
    <Card title={t('tokens.title')} extra={<Button type="primary" icon={<PlusOutlined />} data-testid="new-token"
      onClick={() => { form.resetFields(); setCreating(true); }}>{t('tokens.create')}</Button>}>
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      <Table<TokenInfo> rowKey="id" loading={tokens === null} dataSource={tokens ?? []} pagination={false}
        locale={{ emptyText: <Empty description={t('tokens.empty')} /> }}
        onRow={(r) => ({ 'data-testid': `token-row-${r.name}` } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { key: 'name', title: t('tokens.name'), render: (_, r) => <><KeyOutlined /> {r.name}</> },
          { key: 'scopes', title: t('tokens.scopes'), render: (_, r) => r.scopes.map((s) => <Tag key={s} color={s === 'admin' ? 'red' : s === 'write' ? 'orange' : 'blue'}>{t(`tokens.scope_${s}`)}</Tag>) },
          { key: 'ws', title: t('tokens.workspace'), render: (_, r) => wsName(r.workspace) },
          { key: 'created', title: t('tokens.created'), render: (_, r) => fmt(r.createdAt) },
          { key: 'expires', title: t('tokens.expires'), render: (_, r) => fmt(r.expiresAt) },
          { key: 'ops', title: '', render: (_, r) => (
            <Popconfirm title={t('tokens.revokeConfirm', { name: r.name })} okButtonProps={{ danger: true, 'data-testid': 'token-revoke-ok' }}
              okText={t('tokens.revoke')} cancelText={t('common.cancel')} onConfirm={() => revoke(r)}>
              <Button size="small" danger data-testid={`token-revoke-${r.name}`}>{t('tokens.revoke')}</Button>
            </Popconfirm>) },
        ]} />
      <Modal open={creating} title={t('tokens.create')} onCancel={() => setCreating(false)} onOk={() => void create()} confirmLoading={busy}
        okText={t('common.create')} cancelText={t('common.cancel')} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'token-create-ok' }}>
        <Form form={form} layout="vertical" initialValues={{ scopes: ['read', 'write'] }}>
          <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100, message: t('validation.maxLength', { count: 100 }) }]}>
            <Input data-testid="token-name" placeholder="ERP" />
          </Form.Item>
          <Form.Item name="scopes" label={t('tokens.scopes')} rules={[{ required: true, type: 'array', min: 1, message: t('tokens.scopesRequired') }]}>
            <Checkbox.Group options={[{ value: 'read', label: t('tokens.scope_read') }, { value: 'write', label: t('tokens.scope_write') }, { value: 'admin', label: t('tokens.scope_admin') }]} />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('tokens.expires')} extra={t('tokens.expiresHelp')}>
            <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={shown !== null} title={t('tokens.newToken')} closable={false} maskClosable={false} onOk={() => setShown(null)} destroyOnHidden
        okText={t('tokens.done')} cancelButtonProps={{ style: { display: 'none' } }} okButtonProps={{ 'data-testid': 'token-shown-ok' }}>
        <Alert type="warning" showIcon title={t('tokens.shownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: shown?.token, tooltips: [t('tokens.copied'), t('tokens.copied')] }} code data-testid="token-secret" style={{ wordBreak: 'break-all' }}>
          {shown?.token}
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}
