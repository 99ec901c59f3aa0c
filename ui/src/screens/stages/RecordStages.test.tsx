import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import { ApiError } from '../../api/client';
import type { StageDesign } from '../../api/stages';
import type { Definition, FormRecord } from '../../api/types';
import { permFrom } from '../../permissions/usePermission';

const api = vi.hoisted(() => ({ updateRecord: vi.fn(), record: vi.fn() }));
const stages = vi.hoisted(() => ({ design: vi.fn(), history: vi.fn(), check: vi.fn(), summary: vi.fn() }));
const flows = vi.hoisted(() => ({ instances: vi.fn() }));
vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()), api }));
vi.mock('../../api/stages', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/stages')>()), stages }));
vi.mock('../../api/flows', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/flows')>()), flows }));
vi.mock('../../auth/auth', () => ({ useAuth: () => ({ me: { user: { id: 'u1', name: '王经理' }, workspace: { timeZone: 'Asia/Shanghai' } } }) }));

import RecordStages from './RecordStages';

const def: Definition = { fields: [
  { key: 'title', type: 'text', label: '商机名称' },
  { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'qualify', label: '需求确认' }, { value: 'proposal', label: '方案提交' }, { value: 'won', label: '赢单' }] },
  { key: 'proposal_doc', type: 'text', label: '方案链接' },
] };
const design: StageDesign = {
  formVersion: 2, published: { field: 'stage', transitions: 'forward', stages: [
    { value: 'qualify', guidance: '确认预算', checklist: ['确认决策人'] }, { value: 'proposal', required: ['proposal_doc'], probability: 30 }, { value: 'won', flag: 'won' }] },
  stages: [{ value: 'qualify', label: '需求确认', guidance: '确认预算', checklist: ['确认决策人'] }, { value: 'proposal', label: '方案提交', required: ['proposal_doc'], probability: 30 },
    { value: 'won', label: '赢单', flag: 'won' }],
};
const rec: FormRecord = { id: 'r1', version: 3, formVersion: 2, data: { title: '云帆', stage: 'qualify' }, createdAt: '2026-03-01T00:00:00Z', createdBy: 'u1', updatedAt: '', updatedBy: 'u1' };

function mount(onRecord = vi.fn(), perm = permFrom(null)) {
  stages.design.mockResolvedValue(design);
  stages.history.mockResolvedValue([{ id: 't1', record: 'r1', from: '', to: 'qualify', at: '2026-03-01T00:00:00Z', by: 'u1', byName: '王经理', source: 'ui' }]);
  flows.instances.mockResolvedValue([{ id: 'i1', flow: 'f', flowVersion: 1, flowName: '折扣审批', form: 'f1', record: 'r1', status: 'approved', initiator: 'u1',
    startedAt: '2026-03-02T00:00:00Z', version: 1, timeline: [{ at: '2026-03-02T01:00:00Z', kind: 'decided', action: 'approve', user: 'u1', comment: '同意报价' }] }]);
  render(<AntApp><RecordStages formId="f1" def={def} rec={rec} perm={perm} onRecord={onRecord} /></AntApp>);
  return onRecord;
}

afterEach(() => { vi.clearAllMocks(); });

describe('the record stage bar', () => {
  it('shows the stages, the current one and its guidance; a gated move names the missing field and fills it in place (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    stages.check.mockResolvedValue({ to: 'proposal', ok: false, fields: [{ path: 'proposal_doc', code: 'stage_required', message: '进入阶段“方案提交”前必须填写“方案链接”' }] });
    const moved = { ...rec, version: 4, data: { ...rec.data, stage: 'proposal', proposal_doc: 'https://x/p.pdf' } };
    api.updateRecord.mockResolvedValue(moved);
    const onRecord = mount();
    await screen.findByTestId('stage-bar');
    expect(screen.getByTestId('stage-step-qualify').getAttribute('data-current')).toBe('true');
    expect(screen.getByTestId('stage-guidance').textContent).toBe('确认预算');
    expect(within(screen.getByTestId('stage-checklist')).getByText('确认决策人')).toBeTruthy();
    fireEvent.click(screen.getByTestId('stage-step-proposal'));
    await screen.findByText('进入阶段“方案提交”前必须填写“方案链接”');
    expect(stages.check).toHaveBeenCalledWith('f1', 'r1', 'proposal');
    expect(api.updateRecord).not.toHaveBeenCalled();
    const input = within(screen.getByTestId('field-proposal_doc')).getByRole('textbox');
    fireEvent.change(input, { target: { value: 'https://x/p.pdf' } });
    fireEvent.click(screen.getByTestId('stage-fill-move'));
    await waitFor(() => expect(api.updateRecord).toHaveBeenCalledWith('f1', 'r1', { proposal_doc: 'https://x/p.pdf', stage: 'proposal' }, 3));
    await waitFor(() => expect(onRecord).toHaveBeenCalledWith(moved));
  });

  it('moves with a plain update when the gates pass, and shows the server refusal when they fail meanwhile', async () => {
    await i18n.changeLanguage('zh-CN');
    stages.check.mockResolvedValue({ to: 'won', ok: true, fields: [] });
    api.updateRecord.mockRejectedValueOnce(new ApiError(422, 'invalid', '提交的内容有误', [{ path: 'stage', code: 'stage_condition', message: '不能进入阶段“赢单”：金额必须大于 0' }]));
    const onRecord = mount();
    fireEvent.click(await screen.findByTestId('stage-step-won'));
    fireEvent.click(await screen.findByTestId('stage-move'));
    await screen.findByText('不能进入阶段“赢单”：金额必须大于 0');
    expect(api.updateRecord).toHaveBeenCalledWith('f1', 'r1', { stage: 'won' }, 3);
    expect(onRecord).not.toHaveBeenCalled();
  });

  it('does not offer a move the pipeline forbids or the member may not make, and merges the timeline (en)', async () => {
    await i18n.changeLanguage('en');
    mount(vi.fn(), { ...permFrom(null), can: () => false });
    fireEvent.click(await screen.findByTestId('stage-step-proposal'));
    await screen.findByText('You may not change this record’s stage.');
    expect(stages.check).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('stage-timeline-open'));
    const stage = await screen.findByTestId('timeline-stage');
    expect(stage.textContent).toContain('Entered “需求确认”');
    expect(stage.textContent).toContain('王经理');
    const appr = screen.getByTestId('timeline-approval');
    expect(appr.textContent).toContain('折扣审批');
    expect(appr.textContent).toContain('同意报价');
    // Newest first: the approval (2 March) above the stage entry (1 March).
    expect(appr.compareDocumentPosition(stage) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows nothing for a form without a pipeline', async () => {
    stages.design.mockResolvedValue({ formVersion: 1, published: null });
    const { container } = render(<AntApp><RecordStages formId="f1" def={def} rec={rec} perm={permFrom(null)} onRecord={vi.fn()} /></AntApp>);
    await waitFor(() => expect(stages.design).toHaveBeenCalled());
    expect(container.querySelector('[data-testid="record-stages"]')).toBeNull();
  });
});
