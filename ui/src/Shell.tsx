import { Button, Dropdown, Layout, Menu, Space } from 'antd';
import { AppstoreOutlined, ApartmentOutlined, LogoutOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { isAdmin, useAuth } from './auth/auth';
import { LanguageSwitch } from './LanguageSwitch';

export function Shell() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const nav = useNavigate();
  const loc = useLocation();
  const selected = loc.pathname.startsWith('/admin/members') ? 'members' : loc.pathname.startsWith('/admin/departments') ? 'departments' : 'apps';
  const items = [
    { key: 'apps', icon: <AppstoreOutlined />, label: <Link to="/">{t('nav.apps')}</Link> },
    ...(isAdmin(me) ? [
      { key: 'members', icon: <TeamOutlined />, label: <Link to="/admin/members">{t('nav.members')}</Link> },
      { key: 'departments', icon: <ApartmentOutlined />, label: <Link to="/admin/departments">{t('nav.departments')}</Link> },
    ] : []),
  ];
  return (
    <Layout style={{ minHeight: '100%' }}>
      <Layout.Header className="fl-header">
        <Link to="/" className="fl-logo">Formloom</Link>
        <Menu mode="horizontal" selectedKeys={[selected]} items={items} style={{ flex: 1, borderBottom: 'none', minWidth: 0 }} />
        <Space>
          <LanguageSwitch />
          <Dropdown menu={{ items: [{ key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'),
            onClick: () => { void logout().then(() => nav('/login')); } }] }}>
            <Button type="text" icon={<UserOutlined />} data-testid="user-menu">{me?.user.name}</Button>
          </Dropdown>
        </Space>
      </Layout.Header>
      <Layout.Content className="fl-content">
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
