import { lazy, Suspense } from 'react';
import { Button, Dropdown, Layout, Menu, Space } from 'antd';
import { AlertOutlined, AppstoreOutlined, ApartmentOutlined, AuditOutlined, SafetyOutlined, KeyOutlined, ApiOutlined, ScheduleOutlined, LogoutOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { isAdmin, useAuth } from './auth/auth';
import { LanguageSwitch } from './LanguageSwitch';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';
import { NotificationBell } from './screens/notify/NotificationBell';
import { usePhone } from './util/usePhone';
import { InboxCount, useInboxCount } from './screens/flows/InboxNav';

// The phone's drawer navigation loads only on narrow screens.
const PhoneNav = lazy(() => import('./PhoneNav'));

export function Shell() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const nav = useNavigate();
  const loc = useLocation();
  const phone = usePhone();
  const tasks = useInboxCount(!!me?.workspace);
  const signOut = () => { void logout().then(() => nav('/login')); };
  const selected = loc.pathname.startsWith('/admin/members') ? 'members' : loc.pathname.startsWith('/admin/departments') ? 'departments'
    : loc.pathname.startsWith('/admin/jobs') ? 'jobs' : loc.pathname.startsWith('/admin/webhooks') ? 'webhooks' : loc.pathname.startsWith('/admin/roles') ? 'roles'
    : loc.pathname.startsWith('/settings/tokens') ? 'tokens' : loc.pathname.startsWith('/tasks') ? 'tasks' : loc.pathname.startsWith('/alerts') ? 'alerts' : 'apps';
  const items = [
    { key: 'apps', icon: <AppstoreOutlined />, label: <Link to="/">{t('nav.apps')}</Link> },
    { key: 'tasks', icon: <AuditOutlined />, label: <Link to="/tasks" data-testid="nav-tasks">{t('approvals.nav')}<InboxCount n={tasks} /></Link> },
    ...(isAdmin(me) ? [
      { key: 'members', icon: <TeamOutlined />, label: <Link to="/admin/members">{t('nav.members')}</Link> },
      { key: 'departments', icon: <ApartmentOutlined />, label: <Link to="/admin/departments">{t('nav.departments')}</Link> },
      { key: 'roles', icon: <SafetyOutlined />, label: <Link to="/admin/roles" data-testid="nav-roles">{t('nav.roles')}</Link> },
      { key: 'jobs', icon: <ScheduleOutlined />, label: <Link to="/admin/jobs" data-testid="nav-jobs">{t('nav.jobs')}</Link> },
      { key: 'webhooks', icon: <ApiOutlined />, label: <Link to="/admin/webhooks" data-testid="nav-webhooks">{t('nav.webhooks')}</Link> },
    ] : []),
    { key: 'alerts', icon: <AlertOutlined />, label: <Link to="/alerts" data-testid="nav-alerts">{t('automation.alert.nav')}</Link> },
    { key: 'tokens', icon: <KeyOutlined />, label: <Link to="/settings/tokens" data-testid="nav-tokens">{t('nav.tokens')}</Link> },
  ];
  return (
    <Layout style={{ minHeight: '100%' }}>
      <Layout.Header className="fl-header">
        <Link to="/" className="fl-logo">Formloom</Link>
        {phone ? (
          <>
            <span style={{ flex: 1 }} />
            {me?.workspace && <NotificationBell phone />}
            <Suspense fallback={null}><PhoneNav items={items} selected={selected} userName={me?.user.name} onLogout={signOut} /></Suspense>
          </>
        ) : (
          <>
            <Menu mode="horizontal" selectedKeys={[selected]} items={items} style={{ flex: 1, borderBottom: 'none', minWidth: 0 }} />
            <Space>
              {me?.workspace && <NotificationBell phone={false} />}
              <WorkspaceSwitcher />
              <LanguageSwitch />
              <Dropdown menu={{ items: [{ key: 'invitations', label: <Link to="/invitations" data-testid="nav-invitations">{t('invitations.menu')}</Link> },
                { key: 'notify', label: <Link to="/settings/notifications" data-testid="nav-notify-settings">{t('notify.settings')}</Link> },
                { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), onClick: signOut }] }}>
                <Button type="text" icon={<UserOutlined />} data-testid="user-menu">{me?.user.name}</Button>
              </Dropdown>
            </Space>
          </>
        )}
      </Layout.Header>
      {/* Keyed by workspace: switching remounts the screen, so nothing shows another workspace's data. */}
      <Layout.Content className="fl-content" key={me?.workspace?.id ?? 'none'}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
