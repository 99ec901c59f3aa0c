import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../../i18n';
import type { Task, TaskDetail } from '../../api/flows';
import type { Form, VersionInfo } from '../../api/types';

const api = vi.hoisted(() => ({ form: vi.fn(), versions: vi.fn(), users: vi.fn(), departments: vi.fn() }));
const flows = vi.hoisted(() => ({ inbox: vi.fn(), counts: vi.fn(), batchApprove: vi.fn(), task: vi.fn(), act: vi.fn(), instance: vi.fn() }));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));
vi.mock('../../api/flows', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/flows')>()), flows }));

import InboxPage from './InboxPage';

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id, instance: `i${id}`, flow: 'fl1', flowName: '折扣审批', form: 'f1', record: `r${id}`, node: 'head', nodeName: '部门负责人审批', kind: 'approve',
  assignee: 'u2', initiator: 'u3', status: 'pending', createdAt: '2026-12-03T08:00:00Z', version: 1, ...over,
});
const def = { fields: [
  { key: 'title', type: 'text' as const, label: '报价名称' }, { key: 'discount', type: 'percent' as const, label: '折扣' },
  { key: 'cost', type: 'number' as const, label: '成本价' }, { key: 'note', type: 'textarea' as const, label: '审批备注' },
] };
const form: Form = { id: 'f1', app: 'a1', name: '报价单', description: '', draft: def, published: 1, version: 2, createdAt: '', updatedAt: '' };
const version: VersionInfo = { number: 1, definition: def, archived: null, changes: null, publishedBy: 'u1', publishedAt: '' };
// The record comes masked: the cost is hidden at this node, so the server left it out of the data and the permissions.
const detail: TaskDetail = {
  task: task('t1'), fields: { title: 'view', discount: 'view', note: 'edit' }, actions: ['approve', 'reject', 'transfer'], returnTargets: [],
  record: { id: 'rt1', version: 1, formVersion: 1, data: { title: '云帆 CRM 报价', discount: 0.15, note: '' }, createdAt: '', createdBy: 'u3', updatedAt: '', updatedBy: 'u3' },
  instance: { id: 'it1', flow: 'fl1', flowVersion: 1, form: 'f1', record: 'rt1', status: 'running', initiator: 'u3', startedAt: '2026-12-03T08:00:00Z', version: 1,
    timeline: [{ at: '2026-12-03T08:00:00Z', kind: 'started', user: 'u3' }, { at: '2026-12-03T08:00:00Z', kind: 'node_entered', node: 'head', nodeName: '部门负责人审批' }],
    tasks: [task('t1')] },
};

function mount(path = '/tasks') {
  api.form.mockResolvedValue(form); api.versions.mockResolvedValue([version]); api.departments.mockResolvedValue([]);
  api.users.mockResolvedValue([{ id: 'u2', name: '李经理', email: 'li@example.com' }, { id: 'u3', name: '赵销售', email: 'zhao@example.com' }]);
  flows.inbox.mockResolvedValue({ items: [task('t1'), task('t2'), task('t3', { kind: 'handle', nodeName: '财务填写' })] });
  flows.counts.mockResolvedValue({ todo: 3, done: 0, cc: 0, ccUnread: 0, started: 0 });
  flows.task.mockResolvedValue(detail);
  flows.act.mockResolvedValue({});
  return render(<AntApp><MemoryRouter initialEntries={[path]}><InboxPage /></MemoryRouter></AntApp>);
}

afterEach(() => { vi.clearAllMocks(); });

describe('the task inbox', () => {
  it('lists the to-do tasks with the count and batch-approves the approver tasks picked (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    mount();
    const rows = await screen.findAllByTestId('task-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]).getByText('折扣审批 · 部门负责人审批')).toBeTruthy();
    expect(within(rows[0]).getByText(/赵销售 发起/)).toBeTruthy();
    expect(within(screen.getByTestId('box-todo')).getByText('3')).toBeTruthy();
    // A handler task is filled in, not batch-approved.
    const pick = within(rows[2]).getByTestId('task-pick');
    expect(((pick.tagName === 'INPUT' ? pick : pick.querySelector('input')) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('pick-all'));
    await screen.findByText('批量同意 2 项');
    flows.batchApprove.mockResolvedValue([{ task: 't1', ok: true }, { task: 't2', ok: false, error: { code: 'task_closed', message: '任务已处理' } }]);
    fireEvent.click(screen.getByTestId('batch-approve'));
    fireEvent.change(await screen.findByTestId('batch-comment'), { target: { value: '同意' } });
    fireEvent.click(screen.getByTestId('batch-ok'));
    await waitFor(() => expect(flows.batchApprove).toHaveBeenCalledWith(['t1', 't2'], '同意'));
    await screen.findByText('已同意 1 项，1 项失败：任务已处理');
  });

  it('opens a task without the hidden field; rejecting needs a comment; approving sends the comment and the edited field (en)', async () => {
    await i18n.changeLanguage('en');
    mount('/tasks?task=t1');
    const drawer = await screen.findByTestId('task-record');
    await within(drawer).findByText('云帆 CRM 报价');
    expect(within(drawer).getByText('15%')).toBeTruthy();
    expect(screen.queryByText('成本价')).toBeNull();
    expect(screen.queryByTestId('task-field-cost')).toBeNull();
    // Only the actions the server offers.
    expect(screen.getByTestId('task-transfer')).toBeTruthy();
    expect(screen.queryByTestId('task-return')).toBeNull();
    expect(screen.queryByTestId('task-add')).toBeNull();
    fireEvent.click(screen.getByTestId('task-reject'));
    await screen.findByTestId('task-comment-error');
    expect(flows.act).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('field-note').querySelector('textarea')!, { target: { value: 'strategic customer' } });
    fireEvent.change(screen.getByTestId('task-comment'), { target: { value: 'Within my authority' } });
    fireEvent.click(screen.getByTestId('task-approve'));
    await waitFor(() => expect(flows.act).toHaveBeenCalledWith('t1', 'approve', { comment: 'Within my authority', fields: { note: 'strategic customer' } }));
    await screen.findByText('Approved');
  });
});
