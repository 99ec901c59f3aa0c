import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import i18n from '../../i18n';
import { AuthProvider } from '../../auth/auth';
import { stubFetch } from '../../test/fetchStub';
import { SetupPage } from './SetupPage';

afterEach(() => { vi.unstubAllGlobals(); });

function AppShown() { return <div data-testid="app-page">{useParams().appId}</div>; }
function DashboardShown() { return <div data-testid="dashboard-page">{useParams().id}</div>; }

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('first-run setup', () => {
  it('"Start with the CRM" installs the crm template with sample data once the workspace exists, then opens its first dashboard (en)', async () => {
    await i18n.changeLanguage('en');
    const me = { user: { id: 'u1', email: 'a@example.com', name: 'Ann', role: 'admin' }, role: 'admin' };
    const calls = stubFetch([
      ['GET', '/me', [{ status: 401, body: { error: { code: 'unauthorized', message: 'sign in' } } }, { body: me }]],
      ['GET', '/setup', { body: { needed: true } }],
      ['POST', '/setup', { body: { user: me.user } }],
      ['POST', '/templates/install', { status: 201, body: { appId: 'CRM1', counts: { forms: 9 } } }],
      ['GET', '/apps/CRM1/dashboards', { body: { items: [{ id: 'D1', title: '销售总览' }, { id: 'D2', title: '风险看板' }] } }],
    ]);
    render(
      <MemoryRouter initialEntries={['/setup?token=T0K']}><AntApp><AuthProvider>
        <Routes><Route path="/setup" element={<SetupPage />} /><Route path="/apps/:appId" element={<AppShown />} /><Route path="/dashboards/:id" element={<DashboardShown />} /><Route path="/" element={<div data-testid="home" />} /></Routes>
      </AuthProvider></AntApp></MemoryRouter>,
    );
    await screen.findByText('Set up Formloom');
    fill('Name', 'Ann'); fill('Email', 'a@example.com'); fill('Password', 'long enough pw'); fill('Confirm password', 'long enough pw');
    fireEvent.click(screen.getByTestId('setup-crm'));
    fireEvent.click(screen.getByTestId('setup-submit'));
    expect((await screen.findByTestId('dashboard-page')).textContent).toBe('D1');
    const setup = calls.findIndex((c) => c.method === 'POST' && c.path === '/setup');
    const install = calls.findIndex((c) => c.path === '/templates/install');
    expect(setup).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(setup);
    expect(calls[install].body).toEqual({ key: 'crm', sampleData: true, locale: 'en' });
    expect(screen.queryByTestId('home')).toBeNull();
  });

  it('says so when the CRM cannot be installed, and continues into the ready workspace (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const me = { user: { id: 'u1', email: 'a@example.com', name: '王', role: 'admin' }, role: 'admin' };
    stubFetch([
      ['GET', '/me', [{ status: 401, body: { error: { code: 'unauthorized', message: '请登录' } } }, { body: me }]],
      ['GET', '/setup', { body: { needed: true } }],
      ['POST', '/setup', { body: { user: me.user } }],
      ['POST', '/templates/install', { status: 404, body: { error: { code: 'not_found', message: '没有模板“crm”' } } }],
    ]);
    render(
      <MemoryRouter initialEntries={['/setup?token=T0K']}><AntApp><AuthProvider>
        <Routes><Route path="/setup" element={<SetupPage />} /><Route path="/" element={<div data-testid="home" />} /></Routes>
      </AuthProvider></AntApp></MemoryRouter>,
    );
    await screen.findByText('初始化 Formloom');
    fill('姓名', '王'); fill('邮箱', 'a@example.com'); fill('密码', 'long enough pw'); fill('确认密码', 'long enough pw');
    fireEvent.click(screen.getByTestId('setup-crm'));
    fireEvent.click(screen.getByTestId('setup-submit'));
    const err = await screen.findByTestId('setup-crm-error');
    expect(err.textContent).toContain('工作区已就绪，但 CRM 安装失败');
    expect(err.textContent).toContain('没有模板“crm”');
    fireEvent.click(screen.getByTestId('setup-continue'));
    await screen.findByTestId('home');
  });
});
