import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import { stubFetch } from '../../test/fetchStub';
import AppTemplateBar from './AppTemplateBar';

afterEach(() => { vi.unstubAllGlobals(); vi.restoreAllMocks(); });

const shipped = { key: 'crm', version: '1.1.0', name: { 'zh-CN': '商机管理', en: 'Opportunity CRM' }, counts: { forms: 9 } };
const installation: { app: string; key: string; version: string; installedAt: string; refs: Record<string, Record<string, string>> } = { app: 'A1', key: 'crm', version: '1.0.0', installedAt: '2026-12-01T08:00:00Z', refs: {} };

function mount() { render(<AntApp><AppTemplateBar appId="A1" appName="商机管理" /></AntApp>); }

describe('the app page\'s template controls', () => {
  it('name the template and offer the newer shipped version, whose preview asks by key (en)', async () => {
    await i18n.changeLanguage('en');
    const calls = stubFetch([
      ['GET', '/apps/A1/template', { body: installation }],
      ['GET', '/templates', { body: { templates: [shipped] } }],
      ['GET', '/apps/A1/forms', { body: { items: [{ id: 'F1', name: 'Opportunities' }] } }],
      ['POST', '/apps/A1/template/preview', { body: { from: '1.0.0', to: '1.1.0', conflicts: [],
        changes: [{ kind: 'forms', key: 'opportunity', op: 'add', path: 'fields.budget', detail: { type: 'money', label: 'Budget' } }] } }],
    ]);
    installation.refs = { forms: { opportunity: 'F1' } };
    mount();
    expect((await screen.findByTestId('app-template')).textContent).toBe('Template: Opportunity CRM v1.0.0');
    fireEvent.click(await screen.findByText('Upgrade to v1.1.0'));
    const plan = await screen.findByTestId('upgrade-plan');
    expect(calls.find((c) => c.path === '/apps/A1/template/preview')?.body).toEqual({ key: 'crm' });
    // The plan names forms by template key; the dialog shows the app's form name with it.
    expect(plan.textContent).toContain('Form · Opportunities (opportunity)');
    expect(screen.getByTestId('plan-field').textContent).toContain('Budget');
  });

  it('offer no upgrade when the shipped version is the installed one, and nothing but export on an app not from a template', async () => {
    await i18n.changeLanguage('en');
    stubFetch([['GET', '/apps/A1/template', { body: { ...installation, version: '1.1.0' } }], ['GET', '/templates', { body: { templates: [shipped] } }]]);
    mount();
    await screen.findByTestId('app-template');
    await waitFor(() => expect(screen.queryByTestId('template-upgrade')).toBeNull());
    expect(screen.getByTestId('template-upgrade-file')).toBeTruthy();
    vi.unstubAllGlobals();
    cleanup();
    stubFetch([['GET', '/apps/A1/template', { status: 404, body: { error: { code: 'not_found', message: 'not from a template' } } }]]);
    mount();
    await screen.findByTestId('export-template');
    await waitFor(() => expect(screen.queryByTestId('app-template')).toBeNull());
    expect(screen.queryByTestId('template-upgrade-file')).toBeNull();
  });

  it('export downloads the bundle with the sample size asked (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const calls = stubFetch([
      ['GET', '/apps/A1/template', { status: 404, body: { error: { code: 'not_found', message: '不是模板安装的应用' } } }],
      ['GET', /^\/apps\/A1\/template\/export/, { body: { format: 1 }, headers: { 'Content-Disposition': "attachment; filename*=UTF-8''%E5%95%86%E6%9C%BA%E7%AE%A1%E7%90%86.formloom.json" } }],
    ]);
    const saved: string[] = [];
    (URL as unknown as { createObjectURL: (b: Blob) => string }).createObjectURL = () => 'blob:x';
    (URL as unknown as { revokeObjectURL: (u: string) => void }).revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { saved.push(this.download); });
    mount();
    fireEvent.click(await screen.findByTestId('export-template'));
    fireEvent.click(await screen.findByTestId('export-with-sample'));
    fireEvent.change(screen.getByTestId('export-sample'), { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('export-ok'));
    await screen.findByText('模板已下载');
    expect(calls.find((c) => c.path.startsWith('/apps/A1/template/export'))?.path).toBe('/apps/A1/template/export?sample=5');
    expect(saved).toEqual(['商机管理.formloom.json']);
  });
});
