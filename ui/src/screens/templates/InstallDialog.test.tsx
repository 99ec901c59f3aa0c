import { afterEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { useState } from 'react';
import { MemoryRouter, Route, Routes, useParams } from 'react-router-dom';
import i18n from '../../i18n';
import { fieldErrors, stubFetch } from '../../test/fetchStub';
import { InstallDialog } from './InstallDialog';

afterEach(() => { vi.unstubAllGlobals(); });

function AppShown() { return <div data-testid="app-page">{useParams().appId}</div>; }

function mount(onInstalled = vi.fn()) {
  render(
    <MemoryRouter><AntApp>
      <Routes>
        <Route path="/" element={<InstallDialog source={{ key: 'crm' }} name={{ 'zh-CN': '商机管理', en: 'Opportunity CRM' }} onClose={() => undefined} onInstalled={onInstalled} />} />
        <Route path="/apps/:appId" element={<AppShown />} />
      </Routes>
    </AntApp></MemoryRouter>,
  );
  return onInstalled;
}

describe('the install dialog', () => {
  it('sends the name, sample data and language; shows the name problem on its box and the rest per item; then the new app (en)', async () => {
    await i18n.changeLanguage('en');
    const calls = stubFetch([
      ['POST', '/templates/install', [
        fieldErrors('The template cannot be installed', [
          { path: 'appName', message: 'An app named “Opportunity CRM” exists already' },
          { path: 'forms.opportunity.definition.fields[3].key', message: 'The key “1x” must start with a letter' },
          { path: 'parts.automations.hot_lead.spec.when', message: 'Unknown field “scor”' },
        ]),
        { status: 201, body: { appId: 'A1', counts: { forms: 9, automations: 12, dashboards: 2 } } },
      ]],
    ]);
    const onInstalled = mount();
    const dialog = await screen.findByTestId('install-dialog');
    const name = within(dialog).getByTestId('install-app-name') as HTMLInputElement;
    expect(name.value).toBe('Opportunity CRM');
    // Sample data is on by default; the admin turns it off, then installs.
    const sample = within(dialog).getByTestId('install-sample');
    expect(sample.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(sample);
    fireEvent.click(screen.getByTestId('install-ok'));
    await within(dialog).findByText('An app named “Opportunity CRM” exists already');
    expect(calls[0]).toEqual({ method: 'POST', path: '/templates/install', body: { key: 'crm', appName: 'Opportunity CRM', sampleData: false, locale: 'en' } });
    // The name's problem is under the name box; the others are listed per item of the package.
    expect(name.closest('.ant-form-item')!.textContent).toContain('exists already');
    const items = within(dialog).getAllByTestId('problem-item');
    expect(items.map((i) => i.getAttribute('data-item'))).toEqual(['forms.opportunity', 'automations.hot_lead']);
    expect(items[0].textContent).toContain('Form · opportunity');
    expect(items[0].textContent).toContain('definition.fields[3].key');
    expect(items[1].textContent).toContain('Automation · hot_lead');
    expect(within(dialog).getByTestId('install-error').textContent).toContain('Nothing was installed');
    expect(onInstalled).not.toHaveBeenCalled();

    fireEvent.change(name, { target: { value: 'CRM 2' } });
    fireEvent.click(sample);
    fireEvent.click(screen.getByTestId('install-ok'));
    await within(dialog).findByText('“CRM 2” is installed');
    expect(calls[1].body).toEqual({ key: 'crm', appName: 'CRM 2', sampleData: true, locale: 'en' });
    expect(within(dialog).getByText('Created: 9 forms, 12 automations, 2 dashboards')).toBeTruthy();
    expect(onInstalled).toHaveBeenCalledWith({ appId: 'A1', counts: { forms: 9, automations: 12, dashboards: 2 } });
    fireEvent.click(within(dialog).getByTestId('install-open'));
    expect((await screen.findByTestId('app-page')).textContent).toBe('A1');
  });

  it('shows its progress while installing, in Chinese', async () => {
    await i18n.changeLanguage('zh-CN');
    let release: (v: Response) => void = () => undefined;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((r) => { release = r; })));
    mount();
    const dialog = await screen.findByTestId('install-dialog');
    expect((within(dialog).getByTestId('install-app-name') as HTMLInputElement).value).toBe('商机管理');
    fireEvent.click(screen.getByTestId('install-ok'));
    const progress = await within(dialog).findByTestId('install-progress');
    expect(progress.textContent).toContain('创建应用、表单和各部分');
    expect(progress.textContent).toContain('写入示例数据');
    release(new Response(JSON.stringify({ appId: 'A2', counts: { forms: 1 } }), { status: 201 }));
    await within(dialog).findByText('“商机管理”已安装');
    await waitFor(() => expect(within(dialog).queryByTestId('install-progress')).toBeNull());
  });

  it('defaults to a name no app has, and stays on its result when the app list reloads with the new app', async () => {
    await i18n.changeLanguage('zh-CN');
    stubFetch([['POST', '/templates/install', [{ status: 201, body: { appId: 'A3', counts: { forms: 9 } } }]]]);
    const source = { key: 'crm' };
    function Page() {
      const [names, setNames] = useState(['商机管理']);
      return <InstallDialog source={source} name={{ 'zh-CN': '商机管理', en: 'Opportunity CRM' }} takenNames={names}
        onClose={() => undefined} onInstalled={() => setNames((n) => [...n, '商机管理 2'])} />;
    }
    render(<MemoryRouter><AntApp><Page /></AntApp></MemoryRouter>);
    const dialog = await screen.findByTestId('install-dialog');
    expect((within(dialog).getByTestId('install-app-name') as HTMLInputElement).value).toBe('商机管理 2');
    fireEvent.click(screen.getByTestId('install-ok'));
    await within(dialog).findByText('“商机管理 2”已安装');
    expect(within(dialog).getByTestId('install-open')).toBeTruthy();
  });
});
