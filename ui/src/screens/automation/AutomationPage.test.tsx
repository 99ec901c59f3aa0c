import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import i18n from '../../i18n';
import type { Automation } from '../../api/automation';
import { ApiError } from '../../api/client';

const deals = [{ key: 'title', type: 'text', label: '商机名称' }, { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'won', label: '赢单' }] }];
const auto: Automation = {
  id: 'a1', workspace: 'w', form: 'deals', app: 'app1', published: 0, enabled: false, version: 3, createdAt: '', createdBy: 'u1', updatedAt: '', alert: false,
  draft: { name: '赢单生成合同', trigger: { type: 'fields.changed', fields: ['stage'] }, condition: 'new.stage == "won"', actions: [
    { kind: 'notify', config: { recipients: { owner: true }, title: '{{title}} 已赢单' } }], actor: 'u1' },
};

const api = vi.hoisted(() => ({
  form: vi.fn(), versions: vi.fn(), apps: vi.fn(), forms: vi.fn(), roles: vi.fn(), users: vi.fn(), departments: vi.fn(), checkExpression: vi.fn(),
}));
const automationApi = vi.hoisted(() => ({ get: vi.fn(), actionKinds: vi.fn(), eventTypes: vi.fn(), save: vi.fn(), publish: vi.fn(), runs: vi.fn(), checkExpression: vi.fn() }));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));
vi.mock('../../api/automation', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/automation')>()), automationApi }));
vi.mock('../../auth/auth', () => ({ useAuth: () => ({ me: { user: { id: 'u1', name: '王经理' }, workspace: { timeZone: 'Asia/Shanghai' } } }), isAdmin: () => true }));

import AutomationPage from './AutomationPage';

function mount() {
  api.form.mockResolvedValue({ id: 'deals', app: 'app1', name: '商机', published: 1 });
  api.versions.mockResolvedValue([{ number: 1, definition: { fields: deals } }]);
  api.apps.mockResolvedValue([]); api.forms.mockResolvedValue([]); api.roles.mockResolvedValue([]);
  api.users.mockResolvedValue([{ id: 'u1', name: '王经理', email: 'a@b' }]); api.departments.mockResolvedValue([]);
  automationApi.get.mockResolvedValue(auto);
  automationApi.actionKinds.mockResolvedValue([{ kind: 'webhook.call', label: { 'zh-CN': '调用 Webhook', en: 'Call a webhook' } }]);
  automationApi.checkExpression.mockResolvedValue({ type: 'boolean' });
  automationApi.eventTypes.mockResolvedValue([{ type: 'workflow.stage_changed', label: { 'zh-CN': '阶段变更', en: 'Moved to a stage' }, fields: { from: 'text', to: 'text' } }]);
  return render(<AntApp><MemoryRouter initialEntries={['/automations/a1']}><Routes><Route path="/automations/:id" element={<AutomationPage />} /></Routes></MemoryRouter></AntApp>);
}

afterEach(() => { vi.clearAllMocks(); });

describe('the automation designer', () => {
  it('loads the draft into the trigger, condition and actions; registered kinds are offered (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    mount();
    expect(await screen.findByDisplayValue('赢单生成合同')).toBeTruthy();
    expect(screen.getByDisplayValue('new.stage == "won"')).toBeTruthy();
    expect(screen.getByText('发送通知')).toBeTruthy();
    expect(screen.getByDisplayValue('{{title}} 已赢单')).toBeTruthy();
    fireEvent.click(screen.getByTestId('add-action'));
    expect(await screen.findByText('调用 Webhook')).toBeTruthy();
    // The live check sends the trigger, so the server types the event variable for it.
    await waitFor(() => expect(automationApi.checkExpression).toHaveBeenCalledWith('deals', 'new.stage == "won"', 'condition', expect.anything(), auto.draft.trigger));
  });

  it('publishing sends the saved design and shows the server\'s per-field errors on their inputs (en)', async () => {
    await i18n.changeLanguage('en');
    mount();
    await screen.findByDisplayValue('赢单生成合同');
    fireEvent.change(screen.getByTestId('auto-name'), { target: { value: 'Won → contract' } });
    automationApi.save.mockResolvedValue({ ...auto, version: 4, draft: { ...auto.draft, name: 'Won → contract' } });
    automationApi.publish.mockRejectedValue(new ApiError(422, 'invalid', 'invalid', [{ path: 'actions[0].config.title', code: 'automation_template', message: 'The placeholder "nope" is not a field of this form' }]));
    fireEvent.click(screen.getByTestId('auto-publish'));
    await waitFor(() => expect(automationApi.publish).toHaveBeenCalledWith('a1', 4));
    // The saved design dropped nothing it needs and sent no empty settings.
    expect(automationApi.save.mock.calls[0][1].actions[0].config).toEqual({ recipients: { owner: true }, title: '{{title}} 已赢单' });
    const err = await screen.findByTestId('err-actions[0].config.title');
    expect(err.textContent).toBe('The placeholder "nope" is not a field of this form');
    expect(within(screen.getByTestId('design-problems')).getByText('1 problem to fix')).toBeTruthy();
  });
});
