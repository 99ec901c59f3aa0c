import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import i18n from '../../i18n';
import type { Trigger } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import { TriggerPicker } from './TriggerPicker';

const fields: FieldDef[] = [
  { key: 'title', type: 'text', label: '名称' },
  { key: 'stage', type: 'select', label: '阶段' },
  { key: 'close_date', type: 'date', label: '结单日期' },
];

function Harness({ initial, onChange, errs = () => undefined }: { initial: Trigger; onChange: (t: Trigger) => void; errs?: (p: string) => string | undefined }) {
  const [v, setV] = useState(initial);
  return <TriggerPicker value={v} fields={fields} timeZone="Asia/Shanghai" errs={errs} onChange={(n) => { setV(n); onChange(n); }} />;
}

afterEach(() => { vi.clearAllMocks(); cleanup(); });

describe('the trigger picker', () => {
  it('offers every trigger kind and shows the field picker for "fields changed" (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const onChange = vi.fn();
    render(<Harness initial={{ type: 'record.created' }} onChange={onChange} />);
    for (const l of ['新增记录时', '修改记录时', '删除记录时', '恢复记录时', '字段变化时', '定时', '按日期字段', '其他事件']) expect(screen.getByText(l)).toBeTruthy();
    expect(screen.queryByTestId('trigger-fields')).toBeNull();
    fireEvent.click(screen.getByText('字段变化时'));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'fields.changed', fields: [] });
    expect(screen.getByTestId('trigger-fields')).toBeTruthy();
    expect(screen.getByText('以下任一字段变化时')).toBeTruthy();
  });

  it('a schedule gets the cron helper in the workspace time zone; a preset writes cron (en)', async () => {
    await i18n.changeLanguage('en');
    const onChange = vi.fn();
    render(<Harness initial={{ type: 'record.created' }} onChange={onChange} />);
    fireEvent.click(screen.getByText('On a schedule'));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'schedule', cron: '0 9 * * *', scan: null });
    expect(screen.getByText('Times are in the workspace time zone (Asia/Shanghai).')).toBeTruthy();
    fireEvent.click(within(screen.getByTestId('cron-kind')).getByText('Weekdays'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ cron: '0 9 * * 1-5' }));
    fireEvent.change(screen.getByTestId('cron-raw'), { target: { value: '0 9 * *' } });
    expect(screen.getByTestId('err-trigger.cron').textContent).toContain('Not a valid cron expression');
    fireEvent.change(screen.getByTestId('cron-raw'), { target: { value: '*/15 9-18 * * 1-5' } });
    expect(screen.queryByTestId('err-trigger.cron')).toBeNull();
    // Raw cron no preset shows stays editable as "custom".
    expect(within(screen.getByTestId('cron-kind')).getByText('Custom').closest('.ant-segmented-item-selected')).toBeTruthy();
  });

  it('a date trigger is "N days before/after a date field", written as a signed offset', async () => {
    await i18n.changeLanguage('en');
    const onChange = vi.fn();
    render(<Harness initial={{ type: 'date', date: { field: 'close_date', offsetDays: -3, time: '09:00' } }} onChange={onChange} />);
    expect(screen.getByTestId('date-summary').textContent).toBe('3 days before 结单日期');
    const days = screen.getByTestId('date-days');
    const input = days.tagName === 'INPUT' ? days : days.querySelector('input')!;
    fireEvent.change(input, { target: { value: '7' } });
    expect(onChange).toHaveBeenLastCalledWith({ type: 'date', date: { field: 'close_date', offsetDays: -7, time: '09:00' } });
    expect(screen.getByTestId('date-summary').textContent).toBe('7 days before 结单日期');
  });

  it('shows a server error on the input it belongs to', async () => {
    await i18n.changeLanguage('en');
    render(<Harness initial={{ type: 'event', event: 'x' }} onChange={() => undefined} errs={(p) => (p === 'trigger.event' ? 'Unsupported trigger "x"' : undefined)} />);
    expect(screen.getByTestId('err-trigger.event').textContent).toBe('Unsupported trigger "x"');
  });

  it('offers the declared event types by their label, and still takes any typed one (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const onChange = vi.fn();
    function WithTypes() {
      const [v, setV] = useState<Trigger>({ type: 'event', event: '' });
      return <TriggerPicker value={v} fields={fields} timeZone="Asia/Shanghai" errs={() => undefined} onChange={(n) => { setV(n); onChange(n); }}
        eventTypes={[{ type: 'workflow.stage_changed', label: { 'zh-CN': '阶段变更', en: 'Moved to a stage' }, fields: { from: 'text', to: 'text' } }]} />;
    }
    render(<WithTypes />);
    const input = screen.getByTestId('trigger-event-type');
    await act(async () => { fireEvent.mouseDown(input); fireEvent.focus(input); fireEvent.change(input, { target: { value: '阶段' } }); });
    fireEvent.click(await screen.findByText((c) => c.includes('阶段变更 · workflow.stage_changed')));
    expect(onChange).toHaveBeenLastCalledWith({ type: 'event', event: 'workflow.stage_changed' });
    fireEvent.change(input, { target: { value: 'test.poked ' } });
    expect(onChange).toHaveBeenLastCalledWith({ type: 'event', event: 'test.poked' });
  });
});
