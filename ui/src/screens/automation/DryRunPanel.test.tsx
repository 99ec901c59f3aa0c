import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import type { Automation } from '../../api/automation';
import type { FieldDef } from '../../api/types';

const api = vi.hoisted(() => ({ query: vi.fn() }));
const automationApi = vi.hoisted(() => ({ dryRun: vi.fn() }));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));
vi.mock('../../api/automation', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/automation')>()), automationApi }));

import DryRunPanel from './DryRunPanel';

const own: FieldDef[] = [{ key: 'title', type: 'text', label: '标题' }];
const draft = { name: '赢单', trigger: { type: 'event' as const, event: 'workflow.stage_changed' }, condition: 'event.to == "赢单"', actions: [], actor: 'u1' };
const auto = { id: 'a1', form: 'deals', published: 1, draft } as unknown as Automation;

describe('the dry run panel', () => {
  it('sends the event variable\'s values of an event trigger with the edited pair (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    api.query.mockResolvedValue({ items: [] });
    automationApi.dryRun.mockResolvedValue({ id: '', status: 'preview', matched: true, actions: [], event: 'dry-run', eventType: 'workflow.stage_changed' });
    render(<AntApp><DryRunPanel open onClose={() => undefined} automation={auto} draft={draft} dirty={false} own={own} kindLabel={(k) => k} eventKeys={['from', 'to']} /></AntApp>);
    expect(await screen.findByText('事件取值')).toBeTruthy();
    fireEvent.click(screen.getByText('编辑修改前/后的值'));
    fireEvent.change(await screen.findByTestId('dry-new-title'), { target: { value: '大单' } });
    fireEvent.change(screen.getByTestId('dry-event-to'), { target: { value: '赢单' } });
    fireEvent.click(screen.getByTestId('dry-run-go'));
    await waitFor(() => expect(automationApi.dryRun).toHaveBeenCalledWith('a1', { old: null, new: { title: '大单' }, design: draft, event: { to: '赢单' } }));
  });
});
