import { lazy, Suspense, useEffect, useState } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { Navigate, RouterProvider, createBrowserRouter, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthProvider, useAuth } from './auth/auth';
import { Shell } from './Shell';

// Every screen loads on demand so the first load stays small.
const LoginPage = lazy(() => import('./screens/login/LoginPage').then((m) => ({ default: m.LoginPage })));
const SetupPage = lazy(() => import('./screens/login/SetupPage').then((m) => ({ default: m.SetupPage })));
const AppListPage = lazy(() => import('./screens/apps/AppListPage').then((m) => ({ default: m.AppListPage })));
const AppPage = lazy(() => import('./screens/apps/AppPage').then((m) => ({ default: m.AppPage })));

const DesignerPage = lazy(() => import('./screens/designer/DesignerPage'));
const FillPage = lazy(() => import('./screens/fill/FillPage'));
const DataPage = lazy(() => import('./screens/data/DataPage'));
const MembersPage = lazy(() => import('./screens/admin/MembersPage'));
const DepartmentsPage = lazy(() => import('./screens/admin/DepartmentsPage'));
const RolesPage = lazy(() => import('./screens/admin/RolesPage'));
// The permission-set editor (filter builder, pickers) loads only when opened.
const PermissionsPage = lazy(() => import('./permissions/PermissionsPage'));
const JobsPage = lazy(() => import('./screens/jobs/JobsPage'));
const WebhooksPage = lazy(() => import('./screens/webhook/WebhooksPage'));
const TokensPage = lazy(() => import('./screens/settings/TokensPage'));
const InvitationsPage = lazy(() => import('./screens/invitations/InvitationsPage'));
// Automations: the list, the designer (with its log, dry run and replay) and the alert center.
const AutomationListPage = lazy(() => import('./screens/automation/AutomationListPage'));
const AutomationPage = lazy(() => import('./screens/automation/AutomationPage'));
const AlertCenterPage = lazy(() => import('./screens/automation/AlertCenterPage'));
const NotificationsPage = lazy(() => import('./screens/notify/NotificationsPage'));
const NotificationPrefsPage = lazy(() => import('./screens/notify/NotificationPrefsPage'));
const FlowDesignerPage = lazy(() => import('./screens/flows/FlowDesignerPage'));
const InboxPage = lazy(() => import('./screens/flows/InboxPage'));
const DashboardListPage = lazy(() => import('./screens/dashboards/DashboardListPage'));
const DashboardPage = lazy(() => import('./screens/dashboards/DashboardPage'));
// A form's public link: no sign-in, outside the shell.
const PublicFormPage = lazy(() => import('./screens/public/PublicFormPage'));

function Loading() {
  return <div className="fl-center" style={{ minHeight: 240 }}><Spin /></div>;
}

function Guard({ children }: { children: React.ReactNode }) {
  const { me, loading, setupNeeded } = useAuth();
  const loc = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to={setupNeeded ? '/setup' : '/login'} replace state={{ from: loc.pathname }} />;
  return <>{children}</>;
}

const S = (el: React.ReactNode) => <Suspense fallback={<Loading />}>{el}</Suspense>;

// A data router (needed for the designer's unsaved-changes blocker).
const router = createBrowserRouter([
  { path: '/setup', element: S(<SetupPage />) },
  { path: '/login', element: S(<LoginPage />) },
  { path: '/p/:token', element: S(<PublicFormPage />) },
  {
    path: '/',
    element: <Guard><Shell /></Guard>,
    children: [
      { index: true, element: S(<AppListPage />) },
      { path: 'apps/:appId', element: S(<AppPage />) },
      { path: 'forms/:formId/design', element: S(<DesignerPage />) },
      { path: 'forms/:formId/fill', element: S(<FillPage />) },
      { path: 'forms/:formId/data', element: S(<DataPage />) },
      { path: 'admin/members', element: S(<MembersPage />) },
      { path: 'admin/departments', element: S(<DepartmentsPage />) },
      { path: 'admin/roles', element: S(<RolesPage />) },
      { path: 'forms/:formId/permissions', element: S(<PermissionsPage />) },
      { path: 'admin/jobs', element: S(<JobsPage />) },
      { path: 'admin/webhooks', element: S(<WebhooksPage />) },
      { path: 'settings/tokens', element: S(<TokensPage />) },
      { path: 'invitations', element: S(<InvitationsPage />) },
      { path: 'forms/:formId/automations', element: S(<AutomationListPage />) },
      { path: 'apps/:appId/automations', element: S(<AutomationListPage key="app" />) },
      { path: 'automations/:id', element: S(<AutomationPage />) },
      { path: 'alerts', element: S(<AlertCenterPage />) },
      { path: 'notifications', element: S(<NotificationsPage />) },
      { path: 'settings/notifications', element: S(<NotificationPrefsPage />) },
      { path: 'forms/:formId/flow', element: S(<FlowDesignerPage />) },
      { path: 'tasks', element: S(<InboxPage />) },
      { path: 'apps/:appId/dashboards', element: S(<DashboardListPage />) },
      { path: 'dashboards/:id', element: S(<DashboardPage />) },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
]);

export function Root() {
  const { i18n } = useTranslation();
  const [lang, setLang] = useState(i18n.language);
  useEffect(() => {
    const h = (l: string) => setLang(l);
    i18n.on('languageChanged', h);
    return () => i18n.off('languageChanged', h);
  }, [i18n]);
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
