import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { RouterProvider, createMemoryRouter } from 'react-router-dom';
import i18n from '../../i18n';
import type { Flow } from '../../api/flows';
import type { Form, VersionInfo } from '../../api/types';

const api = vi.hoisted(() => ({ form: vi.fn(), versions: vi.fn(), roles: vi.fn(), users: vi.fn(), departments: vi.fn(), checkExpression: vi.fn() }));
const flows = vi.hoisted(() => ({ list: vi.fn(), validate: vi.fn(), save: vi.fn(), create: vi.fn(), publish: vi.fn(), versions: vi.fn() }));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));
vi.mock('../../api/flows', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/flows')>()), flows }));

import FlowDesignerPage from './FlowDesignerPage';

const def = { fields: [{ key: 'discount', type: 'percent' as const, label: '折扣' }, { key: 'cost', type: 'number' as const, label: '成本价' }] };
const form: Form = { id: 'f1', app: 'a1', name: '报价单', description: '', draft: def, published: 1, version: 2, createdAt: '', updatedAt: '' };
const version: VersionInfo = { number: 1, definition: def, archived: null, changes: null, publishedBy: 'u1', publishedAt: '2026-12-01T00:00:00Z' };
// A condition with one branch and no condition yet, before a department-head approver.
const flow: Flow = {
  id: 'fl1', form: 'f1', app: 'a1', name: '折扣审批', description: '', startOnCreate: true, fallback: 'admins', enabled: true, published: 0, version: 3,
  createdAt: '', updatedAt: '',
  draft: {
    nodes: [
      { id: 'start', kind: 'start', name: '发起' }, { id: 'check', kind: 'condition', name: '折扣判断' },
      { id: 'head', kind: 'approver', name: '部门负责人审批', mode: 'any', assignees: [{ kind: 'head', level: 1 }] }, { id: 'end', kind: 'end', name: '结束' },
    ],
    edges: [{ id: 'e1', from: 'start', to: 'check' }, { id: 'e2', from: 'check', to: 'head' }, { id: 'e3', from: 'head', to: 'end' }],
  },
};

function setPhone(phone: boolean) {
  window.matchMedia = (q: string) => ({
    matches: phone && q.includes('max-width'), media: q, onchange: null,
    addListener: () => undefined, removeListener: () => undefined,
    addEventListener: () => undefined, removeEventListener: () => undefined, dispatchEvent: () => false,
  }) as MediaQueryList;
}

function mount() {
  api.form.mockResolvedValue(form); api.versions.mockResolvedValue([version]); api.roles.mockResolvedValue([]);
  api.users.mockResolvedValue([]); api.departments.mockResolvedValue([]); api.checkExpression.mockResolvedValue({ type: 'boolean' });
  flows.list.mockResolvedValue([flow]);
  flows.validate.mockResolvedValue({ valid: false, errors: [{ path: 'nodes.head.assignees', code: 'flow_assignee', message: '没有人能担任此节点的审批人' }] });
  // A data router, as the app's: the designer blocks leaving with unsaved changes.
  const router = createMemoryRouter([{ path: '/forms/:formId/flow', element: <FlowDesignerPage /> }], { initialEntries: ['/forms/f1/flow'] });
  return render(<AntApp><RouterProvider router={router} /></AntApp>);
}

afterEach(() => { vi.clearAllMocks(); setPhone(false); });

describe('the flow designer\'s validation display', () => {
  it('marks each node with its problems, the designer\'s own and the server\'s, and lists them in the node\'s settings (phone, zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    setPhone(true);
    mount();
    const check = await screen.findByTestId('outline-check');
    // Nothing is marked before the designer is checked.
    expect(check.className).not.toContain('fl-flow-node-bad');
    fireEvent.click(screen.getByTestId('flow-validate'));
    await waitFor(() => expect(flows.validate).toHaveBeenCalledWith('fl1', flow.draft));
    await waitFor(() => expect(screen.getByTestId('outline-head').className).toContain('fl-flow-node-bad'));
    expect(screen.getByTestId('outline-check').className).toContain('fl-flow-node-bad');
    expect(within(screen.getByTestId('outline-check')).getByTestId('node-problem-count').textContent).toBe('3');
    expect(within(screen.getByTestId('outline-head')).getByTestId('node-problem-count').textContent).toBe('1');
    expect(screen.getByTestId('outline-start').className).not.toContain('fl-flow-node-bad');
    expect(screen.getByTestId('flow-problem-summary').textContent).toContain('有 4 个问题待修改');
    // The node's settings list its problems in words.
    fireEvent.click(within(screen.getByTestId('outline-head')).getByRole('button'));
    const problems = await screen.findByTestId('node-problems');
    expect(problems.textContent).toContain('没有人能担任此节点的审批人');
    fireEvent.click(within(screen.getByTestId('outline-check')).getByRole('button'));
    await waitFor(() => expect(screen.getByTestId('node-problems').textContent).toContain('请将且仅将一个分支设为默认'));
    expect(screen.getByTestId('node-problems').textContent).toContain('条件分支或并行分支至少需要两个分支');
  });

  it('refuses to publish an invalid design, saying so, without calling the server (en)', async () => {
    await i18n.changeLanguage('en');
    setPhone(true);
    mount();
    await screen.findByTestId('outline-check');
    fireEvent.click(screen.getByTestId('flow-publish'));
    const ok = await screen.findByTestId('flow-publish-ok');
    fireEvent.click(ok);
    await screen.findByText('The flow has problems: fix the nodes marked in red');
    expect(flows.save).not.toHaveBeenCalled();
    expect(flows.publish).not.toHaveBeenCalled();
    expect(screen.getByTestId('outline-check').className).toContain('fl-flow-node-bad');
  });
});
