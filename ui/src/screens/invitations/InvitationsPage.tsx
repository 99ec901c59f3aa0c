import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
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
      <List<Invitation> loading={items === null} dataSource={items ?? []} locale={{ emptyText: <Empty description={t('invitations.empty')} /> }}
        renderItem={(inv) => (
          <List.Item data-testid={`invitation-${inv.workspaceName}`} actions={[
            <Button key="accept" type="primary" loading={busy === inv.id} data-testid="invitation-accept" onClick={() => void respond(inv, true)}>{t('invitations.accept')}</Button>,
            <Button key="decline" disabled={busy === inv.id} data-testid="invitation-decline" onClick={() => void respond(inv, false)}>{t('invitations.decline')}</Button>,
          ]}>
            <List.Item.Meta title={inv.workspaceName} description={<Space wrap>
              {inv.inviterName && <span>{t('invitations.from', { name: inv.inviterName })}</span>}
              <Tag>{t('invitations.role', { role: t(`members.role_${inv.role}`) })}</Tag>
            </Space>} />
          </List.Item>
        )} />
    </Card>
  );
}
