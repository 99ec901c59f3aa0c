import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Space, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Invitation } from '../../api/types';
import { useAuth } from '../../auth/auth';
import { errorText } from '../../util/errors';

/** InvitationsPage lists the workspaces that invited the signed-in account; it joins one only by accepting. */
export default function InvitationsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { refresh } = useAuth();
  const nav = useNavigate();
  const [items, setItems] = useState<Invitation[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try { setItems(await api.myInvitations()); } catch (e) { message.error(errorText(e)); setItems([]); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);

  const respond = async (inv: Invitation, accept: boolean) => {
    setBusy(inv.id);
    try {
      if (accept) {
        await api.acceptInvitation(inv.id);
        message.success(t('invitations.accepted', { name: inv.workspaceName }));
        await refresh();
        nav('/');
        return;
      }
      await api.declineInvitation(inv.id);
      message.success(t('invitations.declined'));
      await load();
    } catch (e) { message.error(errorText(e)); } finally { setBusy(null); }
  };

  return (
    <Card title={t('invitations.title')}>
      <Typography.Paragraph type="secondary">{t('invitations.intro')}</Typography.Paragraph>
      {items === null && <Spin />}
      {items?.length === 0 && <Typography.Text type="secondary">{t('invitations.empty')}</Typography.Text>}
      <Space direction="vertical" style={{ width: '100%' }}>
        {(items ?? []).map((inv) => (
          <Card key={inv.id} size="small" data-testid={`invitation-${inv.workspaceName}`} title={inv.workspaceName} extra={<Space>
            <Button type="primary" loading={busy === inv.id} data-testid="invitation-accept" onClick={() => void respond(inv, true)}>{t('invitations.accept')}</Button>
            <Button disabled={busy === inv.id} data-testid="invitation-decline" onClick={() => void respond(inv, false)}>{t('invitations.decline')}</Button>
          </Space>}>
            <Space wrap>
              {inv.inviterName && <span>{t('invitations.from', { name: inv.inviterName })}</span>}
              <Tag>{t('invitations.role', { role: t(`members.role_${inv.role}`) })}</Tag>
            </Space>
          </Card>
        ))}
      </Space>
    </Card>
  );
}
