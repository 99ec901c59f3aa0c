import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import type { JobTaskDeadLetter } from '../../api/types';

const tasks: JobTaskDeadLetter[] = [
  { id: 'approval.r1~t1', job: 'remind', kind: 'timer', timer: 'approval.r1', dueAt: '2026-03-07T01:00:00.000000Z', attempts: 8, lastError: 'mail server refused', failedAt: '2026-03-07T01:05:00.000000Z', payload: {} },
  { id: 'sched~digest.w1~1', job: 'digest', kind: 'schedule', schedule: 'digest.w1', tick: '2026-03-07T01:00:00.000000Z', dueAt: '2026-03-07T01:00:00.000000Z', attempts: 8, lastError: 'boom', failedAt: '2026-03-07T01:06:00.000000Z' },
];

const api = vi.hoisted(() => ({
  jobConsumers: vi.fn(), jobQueues: vi.fn(), deadLetters: vi.fn(), taskDeadLetters: vi.fn(),
  retryDeadLetter: vi.fn(), discardDeadLetter: vi.fn(), retryTaskDeadLetter: vi.fn(), discardTaskDeadLetter: vi.fn(),
}));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));

import JobsPage from './JobsPage';

function setPhone(phone: boolean) {
  window.matchMedia = (q: string) => ({
    matches: phone && q.includes('max-width'), media: q, onchange: null,
    addListener: () => undefined, removeListener: () => undefined,
    addEventListener: () => undefined, removeEventListener: () => undefined, dispatchEvent: () => false,
  }) as MediaQueryList;
}

function mount() {
  api.jobConsumers.mockResolvedValue([]); api.jobQueues.mockResolvedValue([]); api.deadLetters.mockResolvedValue([]);
  api.taskDeadLetters.mockResolvedValue(tasks);
  api.retryTaskDeadLetter.mockResolvedValue({ queued: true });
  return render(<AntApp><JobsPage /></AntApp>);
}

afterEach(() => { vi.clearAllMocks(); setPhone(false); });

describe('failed timers and scheduled jobs', () => {
  it('lists them with kind, name and last error, and retries one after confirmation (en)', async () => {
    await i18n.changeLanguage('en');
    setPhone(false);
    mount();
    const rows = await screen.findAllByTestId('task-dead-letter');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('Timer')).toBeTruthy();
    expect(within(rows[0]).getByText('approval.r1')).toBeTruthy();
    expect(within(rows[1]).getByText('Schedule')).toBeTruthy();
    expect(within(rows[0]).getByTestId('task-dead-letter-error').textContent).toBe('mail server refused');
    api.taskDeadLetters.mockResolvedValue(tasks.slice(1));
    fireEvent.click(within(rows[0]).getByTestId('task-dead-letter-retry'));
    const confirm = await waitFor(() => {
      const el = document.querySelector('.ant-popconfirm');
      if (!el) throw new Error('no confirmation yet');
      return el as HTMLElement;
    });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.retryTaskDeadLetter).toHaveBeenCalledWith('approval.r1~t1'));
    await screen.findByText('Queued again: it runs in a moment');
    await waitFor(() => expect(screen.getAllByTestId('task-dead-letter')).toHaveLength(1));
  });

  it('shows cards on a phone, in Chinese', async () => {
    await i18n.changeLanguage('zh-CN');
    setPhone(true);
    mount();
    const cards = await screen.findAllByTestId('task-dead-letter');
    expect(cards).toHaveLength(2);
    expect(cards.every((c) => c.classList.contains('ant-card'))).toBe(true);
    expect(screen.getByText('失败的定时任务与计划任务')).toBeTruthy();
    expect(within(cards[0]).getByText('定时器')).toBeTruthy();
    expect(within(cards[0]).getByTestId('task-dead-letter-discard')).toBeTruthy();
  });
});
