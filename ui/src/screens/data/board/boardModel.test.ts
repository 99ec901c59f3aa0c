import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/client';
import type { FieldDef, FormRecord } from '../../../api/types';
import { boardable, columnFilter, columnsOf, keyOf, NONE, refusal, sumOf, totalsOf, valueOf } from './boardModel';

const stage: FieldDef = { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '新建', color: 'blue' }, { value: 'won', label: '赢单', color: 'green' }] };
const owner: FieldDef = { key: 'owner', type: 'user', label: '负责人' };
const deal: FieldDef = { key: 'deal', type: 'money', label: '金额' };
const rec = (data: Record<string, unknown>): FormRecord => ({ id: 'r', version: 1, formVersion: 1, data, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '' });

describe('board columns', () => {
  it('group by one choice or one member, not by a list', () => {
    expect(boardable(stage)).toBe(true);
    expect(boardable(owner)).toBe(true);
    expect(boardable({ ...owner, multiple: true })).toBe(false);
    expect(boardable({ key: 't', type: 'text', label: 't' })).toBe(false);
  });
  it('list the options in order, then values that are no longer options, then "not set"', () => {
    const cols = columnsOf(stage, [{ keys: ['won'], values: [2] }, { keys: ['old'], values: [1] }, { keys: [null], values: [3] }], [], '未设置');
    expect(cols.map((c) => c.key)).toEqual(['new', 'won', 'old', NONE]);
    expect(cols[1]).toEqual({ key: 'won', label: '赢单', color: 'green' });
  });
  it('list the members holding records by name', () => {
    const users = [{ id: 'u1', email: '', name: '王五' }, { id: 'u2', email: '', name: 'Alice' }];
    expect(columnsOf(owner, [{ keys: ['u1'], values: [1] }, { keys: ['u2'], values: [1] }], users, 'None').map((c) => c.label)).toEqual(['Alice', '王五', 'None']);
  });
  it('read counts and sums per column, null and empty both "not set"', () => {
    const m = totalsOf([{ keys: ['won'], values: [2, 500] }, { keys: [null], values: [1, 7] }, { keys: [''], values: [1, null] }], true);
    expect(m.get('won')).toEqual({ count: 2, sum: 500 });
    expect(m.get(NONE)).toEqual({ count: 2, sum: 7 });
    expect(totalsOf([{ keys: ['won'], values: [2] }], false).get('won')).toEqual({ count: 2, sum: null });
  });
  it('filter one column inside the view filter and write its value', () => {
    expect(columnFilter(undefined, stage, 'won')).toEqual({ field: 'stage', op: 'eq', value: 'won' });
    expect(columnFilter({ field: 'a', op: 'eq', value: 1 }, stage, NONE)).toEqual({ and: [{ field: 'a', op: 'eq', value: 1 }, { field: 'stage', op: 'empty', value: true }] });
    expect(valueOf(NONE)).toBeNull();
    expect(valueOf('won')).toBe('won');
    expect(keyOf(undefined)).toBe(NONE);
  });
  it('sum a money amount and ignore what is not a number', () => {
    expect(sumOf(deal, rec({ deal: { amount: '12.5', currency: 'CNY' } }))).toBe(12.5);
    expect(sumOf({ key: 'n', type: 'number', label: 'n' }, rec({ n: 'x' }))).toBe(0);
    expect(sumOf(undefined, rec({}))).toBe(0);
  });
  it('explain a refusal by its per-field messages', () => {
    const e = new ApiError(422, 'validation', '校验失败', [{ path: 'lost_reason', code: 'stage_required', message: '进入“输单”前须填写输单原因' }]);
    expect(refusal(e)).toBe('进入“输单”前须填写输单原因');
    expect(refusal(new ApiError(409, 'conflict', '记录已被他人修改'))).toBe('记录已被他人修改');
  });
});
