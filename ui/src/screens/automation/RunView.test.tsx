import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../../i18n';
import { DirectoryProvider } from '../../fields/directory';
import type { ActionResult } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import { FormsProvider } from './forms';
import { ActionList } from './RunView';
import { ValuesMapping } from './ActionsEditor';

const contract: FieldDef[] = [
  { key: 'name', type: 'text', label: '合同名称', required: true },
  { key: 'amount', type: 'number', label: '金额' },
];

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()),
  api: {
    apps: vi.fn().mockResolvedValue([{ id: 'app1', name: '销售' }]),
    forms: vi.fn().mockResolvedValue([{ id: 'f_contract', name: '合同', published: 1 }, { id: 'f_deal', name: '商机', published: 1 }]),
    versions: vi.fn().mockImplementation(async (id: string) => [{ number: 1, definition: { fields: id === 'f_contract' ? contract : [] } }]),
    roles: vi.fn().mockResolvedValue([]),
    users: vi.fn().mockResolvedValue([{ id: 'u_wang', name: '王经理', email: 'w@example.com' }]),
    departments: vi.fn().mockResolvedValue([]),
    checkExpression: vi.fn().mockResolvedValue({ type: 'text' }),
  } }));
vi.mock('../../api/automation', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/automation')>()),
  automationApi: { checkExpression: vi.fn().mockResolvedValue({ type: 'text' }) } }));

const actions: ActionResult[] = [
  { index: 0, kind: 'record.create', status: 'ok', summary: { 'zh-CN': '已新增记录 r1', en: 'created record r1' }, durationMs: 3,
    detail: { form: 'f_contract', record: 'r1', values: { name: '云帆 合同', amount: 120000 } } },
  { index: 1, kind: 'notify', status: 'ok', durationMs: 1, detail: { title: '云帆 已赢单', body: '金额 120000', recipients: ['u_wang'] } },
];

describe('a run\'s actions', () => {
  it('name the target form, its fields and the recipients, and link the created record', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<MemoryRouter><DirectoryProvider><FormsProvider>
      <ActionList actions={actions} kindLabel={(k) => k} form="f_deal" />
    </FormsProvider></DirectoryProvider></MemoryRouter>);
    expect(await screen.findByText('合同名称')).toBeTruthy();
    expect(await screen.findByText('合同')).toBeTruthy();
    expect(screen.getByTestId('detail-record-link').getAttribute('href')).toBe('/forms/f_contract/data?record=r1');
    expect(screen.getByTestId('notice-title').textContent).toBe('云帆 已赢单');
    await waitFor(() => expect(screen.getByTestId('notice-to').textContent).toContain('王经理'));
  });
});

describe('the field mapping', () => {
  it('shows the error of a required field that has no mapping row yet', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<ValuesMapping formId="f_deal" own={[]} target={contract} value={{}} path="actions[0].config" onChange={() => undefined}
      errs={(p) => (p === 'actions[0].config.values.name' ? '合同名称 必须设置' : undefined)} />);
    expect(screen.getByTestId('err-actions[0].config.values.name').textContent).toBe('合同名称 必须设置');
    expect(screen.queryByTestId('err-actions[0].config.values.amount')).toBeNull();
  });
});
