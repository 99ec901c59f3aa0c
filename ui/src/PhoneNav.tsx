import { useState } from 'react';
import { Button, Divider, Drawer, Menu, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

/**
 * PhoneNav is the header's navigation on a phone: one button that opens a
 * drawer with the menu, the workspace, the language and the user's sign-out.
 * It loads only on narrow screens, so wide ones never pay for it.
 */
export default function PhoneNav({ items, selected, userName, onLogout }: {
  items: MenuProps['items']; selected: string; userName?: string; onLogout: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="text" icon={<MenuOutlined />} aria-label={t('nav.menu')} data-testid="nav-toggle" onClick={() => setOpen(true)} />
      <Drawer open={open} onClose={() => setOpen(false)} placement="right" size={300} title="Formloom" data-testid="nav-drawer"
        styles={{ body: { padding: 0 } }}>
        {/* Any click on an entry navigates; the drawer closes with it. */}
        <Menu mode="inline" selectedKeys={[selected]} items={items} style={{ borderInlineEnd: 'none' }} onClick={() => setOpen(false)} />
        <Divider style={{ margin: '8px 0' }} />
        <Space orientation="vertical" style={{ padding: '0 16px 16px', width: '100%', boxSizing: 'border-box' }} size={12}>
          <WorkspaceSwitcher />
          <LanguageSwitch />
          <Typography.Text data-testid="user-menu"><UserOutlined /> {userName}</Typography.Text>
          <Button block icon={<LogoutOutlined />} data-testid="logout" onClick={() => { setOpen(false); onLogout(); }}>{t('auth.logout')}</Button>
        </Space>
      </Drawer>
    </>
  );
}
