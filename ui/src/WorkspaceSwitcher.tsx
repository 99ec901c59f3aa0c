import { lazy, Suspense, useState } from 'react';
import { App as AntApp, Button, Dropdown } from 'antd';
import { CheckOutlined, DownOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from './api/client';
import { useAuth } from './auth/auth';
import { errorText } from './util/errors';

// The create dialog loads on demand: the header stays in the first-load budget.
const CreateWorkspaceModal = lazy(() => import('./screens/settings/CreateWorkspaceModal'));

/** WorkspaceSwitcher shows the session's workspace and switches to another, or creates one. */
export function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { me, refresh } = useAuth();
  const nav = useNavigate();
  const [creating, setCreating] = useState(false);
  const current = me?.workspace ?? null;
  const list = me?.workspaces ?? [];

  const switchTo = async (id: string, name: string) => {
    if (id === current?.id) return;
    try {
      await api.switchWorkspace(id);
      await refresh();
      nav('/');
      message.success(t('workspaces.switched', { name }));
    } catch (e) { message.error(errorText(e)); }
  };

  return (
    <>
      <Dropdown trigger={['click']} menu={{
        items: [
          { key: 'label', type: 'group', label: t('workspaces.switch'), children: list.map((w) => ({
            key: w.id, label: <span data-testid={`workspace-item-${w.name}`}>{w.name}</span>,
            icon: w.id === current?.id ? <CheckOutlined /> : <span style={{ display: 'inline-block', width: 14 }} />,
            onClick: () => void switchTo(w.id, w.name),
          })) },
          { type: 'divider' },
          { key: 'new', icon: <PlusOutlined />, label: <span data-testid="workspace-new">{t('workspaces.create')}</span>, onClick: () => setCreating(true) },
        ],
      }}>
        <Button type="text" icon={<SwapOutlined />} data-testid="workspace-switch" aria-label={t('workspaces.switch')}>
          <span className="fl-ws-name">{current?.name ?? t('workspaces.switch')}</span> <DownOutlined style={{ fontSize: 10 }} />
        </Button>
      </Dropdown>
      {creating && (
        <Suspense fallback={null}>
          <CreateWorkspaceModal onClose={() => setCreating(false)} onCreated={(id, name) => { setCreating(false); message.success(t('workspaces.created', { name })); void switchTo(id, name); }} />
        </Suspense>
      )}
    </>
  );
}
