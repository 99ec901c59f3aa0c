import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { FieldDef } from '../../api/types';
import { ExpressionInput, insertAt, insertions, type CheckFn } from './ExpressionInput';
import '../../i18n';

const fields: FieldDef[] = [
  { key: 'amount', type: 'money', label: '金额' },
  { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'ying_dan', label: '赢单' }] },
  { key: 'tags', type: 'multiselect', label: '标签', options: [{ value: 'vip', label: '重要' }] },
];

describe('the picker', () => {
  it('offers fields by label written as keys, option values and functions', () => {
    const items = insertions(fields, (n) => n.toLowerCase());
    expect(items).toContainEqual({ group: 'fields', value: 'amount|', label: '金额 · amount' });
    expect(items).toContainEqual({ group: 'options', value: 'stage == "ying_dan"|', label: '阶段 = 赢单 · "ying_dan"' });
    expect(items).toContainEqual({ group: 'options', value: '"vip" in tags|', label: '标签 = 重要 · "vip"' });
    expect(items.find((i) => i.group === 'functions' && i.value.startsWith('IF('))?.label).toBe('IF · if');
  });
  it('inserts at the cursor and places it at the mark', () => {
    expect(insertAt('1 + ', 4, 4, 'amount|')).toEqual({ value: '1 + amount', cursor: 10 });
    expect(insertAt('x', 0, 1, 'ROUND(|, 2)')).toEqual({ value: 'ROUND(, 2)', cursor: 6 });
  });
});

function Harness({ check, want }: { check: CheckFn; want?: 'boolean' }) {
  const [v, setV] = useState('');
  return <ExpressionInput value={v} onChange={setV} check={check} testId="e" fields={fields} want={want} />;
}

describe('the verdict', () => {
  // The check waits for a pause in typing: the fake clock stands for the pause.
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });
  it('says checking while a check is pending, never the previous result', async () => {
    const pending: ((r: { type?: string }) => void)[] = [];
    const check: CheckFn = () => new Promise((res) => { pending.push(res); });
    render(<Harness check={check} />);
    const box = screen.getByTestId('e');
    fireEvent.change(box, { target: { value: 'amount' } });
    expect(screen.getByTestId('e-checking')).toBeTruthy();
    await act(async () => { await vi.advanceTimersByTimeAsync(400); });
    await act(async () => { pending[0]({ type: 'number' }); });
    expect(screen.getByTestId('e-ok').textContent).toContain('number');
    expect(screen.queryByTestId('e-checking')).toBeNull();
    fireEvent.change(box, { target: { value: 'amount +' } });
    expect(screen.getByTestId('e-checking')).toBeTruthy();
    expect(screen.queryByTestId('e-ok')).toBeNull();
  });
  it('refuses a condition that is not yes/no, as publishing does', async () => {
    render(<Harness check={async () => ({ type: 'number' })} want="boolean" />);
    fireEvent.change(screen.getByTestId('e'), { target: { value: 'amount * 2' } });
    await act(async () => { await vi.advanceTimersByTimeAsync(400); });
    expect(screen.getByTestId('e-error').textContent).toContain('yes/no');
  });
});
